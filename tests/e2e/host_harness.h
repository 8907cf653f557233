// Test harness: runs the REAL verity-host binary behind pipes, with a private HOME / XDG dirs.
//
//   HostHome home;                       // mkdtemp; removed at scope exit
//   HostProcess h(home);                 // spawns VERITY_HOST_BIN with "chrome-extension://<id>/"
//   h.Send(Frame(R"({"id":1,"type":"hello"})"));
//   auto reply = h.ReadFrame();           // every frame is checked to be < 1 MiB
//   h.CloseInput(); CHECK(h.Wait() == 0); // clean exit on EOF, within a timeout
//
// Writes go through a writer thread so that a big pipelined input cannot deadlock against the
// host's replies. Every read and the final wait have timeouts: a hanging host fails the test
// instead of hanging it.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace e2e {

inline constexpr uint32_t kMaxReply = 1024 * 1024;

inline std::string Frame(std::string_view payload) {
  auto len = static_cast<uint32_t>(payload.size());
  std::string out(4, '\0');
  std::memcpy(out.data(), &len, 4);
  out.append(payload);
  return out;
}
inline std::string Header(uint32_t len) {
  std::string out(4, '\0');
  std::memcpy(out.data(), &len, 4);
  return out;
}

struct HostHome {
  std::string dir;
  HostHome() {
    char tmpl[] = "/tmp/verity-e2e-XXXXXX";
    char* d = ::mkdtemp(tmpl);
    if (d) dir = d;
  }
  ~HostHome() {
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
  std::string config_dir() const { return dir + "/config/verity"; }
  std::string data_dir() const { return dir + "/data/verity"; }
};

class HostProcess {
 public:
  explicit HostProcess(const HostHome& home, std::vector<std::string> args = {
                                                 "chrome-extension://mbbdieillpeggimjpelglbnjlbajlfmk/"}) {
    int in[2], out[2], err[2];
    if (::pipe(in) != 0 || ::pipe(out) != 0 || ::pipe(err) != 0) return;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) posix_spawn_file_actions_addclose(&fa, fd);
    std::vector<std::string> env_s = {"HOME=" + home.dir, "XDG_CONFIG_HOME=" + home.dir + "/config",
                                      "XDG_DATA_HOME=" + home.dir + "/data", "PATH=/usr/bin:/bin"};
    std::vector<char*> envp;
    for (auto& s : env_s) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::string bin = VERITY_HOST_BIN;
    std::vector<std::string> argv_s = {bin};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : argv_s) argv.push_back(s.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, bin.c_str(), &fa, nullptr, argv.data(), envp.data()) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    in_ = in[1];
    out_ = out[0];
    err_ = err[0];
    ::fcntl(err_, F_SETFL, O_NONBLOCK);
    ::signal(SIGPIPE, SIG_IGN);
  }
  ~HostProcess() {
    if (writer_.joinable()) {
      CloseInputNow();
      writer_.join();
    }
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    for (int fd : {in_, out_, err_}) {
      if (fd >= 0) ::close(fd);
    }
  }
  bool started() const { return pid_ > 0; }

  // Queues bytes for the writer thread (in order). close_after: close stdin when written.
  void Send(std::string bytes, bool close_after = false) {
    if (writer_.joinable()) writer_.join();
    writer_ = std::thread([this, b = std::move(bytes), close_after] {
      size_t done = 0;
      while (done < b.size()) {
        ssize_t w = ::write(in_, b.data() + done, b.size() - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        done += static_cast<size_t>(w);
      }
      if (close_after) CloseInputNow();
    });
  }
  void CloseInput() {
    if (writer_.joinable()) writer_.join();
    CloseInputNow();
  }

  // Reads one frame. nullopt on EOF or timeout (timed_out() tells which). Fails the size rule
  // via oversize_seen().
  std::optional<std::string> ReadFrame(int timeout_ms = 10000) {
    std::string hdr;
    if (!ReadExact(hdr, 4, timeout_ms)) return std::nullopt;
    uint32_t len;
    std::memcpy(&len, hdr.data(), 4);
    if (len >= kMaxReply) {
      oversize_seen_ = true;
      return std::nullopt;
    }
    std::string body;
    if (!ReadExact(body, len, timeout_ms)) return std::nullopt;
    return body;
  }
  // Everything on stdout until EOF (flag commands print text, not frames).
  std::string ReadAllRaw(int timeout_ms = 20000) {
    std::string out;
    for (;;) {
      pollfd p{out_, POLLIN, 0};
      int pr = ::poll(&p, 1, timeout_ms);
      if (pr <= 0) {
        if (pr < 0 && errno == EINTR) continue;
        timed_out_ = pr == 0;
        return out;
      }
      char buf[65536];
      ssize_t r = ::read(out_, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return out;
      out.append(buf, static_cast<size_t>(r));
    }
  }
  bool timed_out() const { return timed_out_; }
  bool oversize_seen() const { return oversize_seen_; }

  // Waits for the process to exit; -1 on timeout (then it is killed), else the exit status
  // (128+signal if killed by a signal).
  int Wait(int timeout_ms = 10000) {
    if (writer_.joinable()) writer_.join();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      int st = 0;
      pid_t r = ::waitpid(pid_, &st, WNOHANG);
      if (r == pid_) {
        reaped_ = true;
        DrainStderr();
        if (WIFEXITED(st)) return WEXITSTATUS(st);
        return 128 + WTERMSIG(st);
      }
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        reaped_ = true;
        return -1;
      }
      DrainStderr();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  const std::string& stderr_text() {
    DrainStderr();
    return stderr_;
  }

 private:
  void CloseInputNow() {
    std::lock_guard<std::mutex> lock(close_mu_);
    if (in_ >= 0) {
      ::close(in_);
      in_ = -1;
    }
  }
  void DrainStderr() {
    char buf[4096];
    for (;;) {
      ssize_t r = ::read(err_, buf, sizeof buf);
      if (r <= 0) break;
      stderr_.append(buf, static_cast<size_t>(r));
    }
  }
  bool ReadExact(std::string& out, size_t n, int timeout_ms) {
    out.clear();
    while (out.size() < n) {
      pollfd p{out_, POLLIN, 0};
      int pr = ::poll(&p, 1, timeout_ms);
      if (pr == 0) {
        timed_out_ = true;
        return false;
      }
      if (pr < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      char buf[65536];
      size_t want = std::min(sizeof buf, n - out.size());
      ssize_t r = ::read(out_, buf, want);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      out.append(buf, static_cast<size_t>(r));
    }
    return true;
  }

  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, err_ = -1;
  bool reaped_ = false;
  bool timed_out_ = false;
  bool oversize_seen_ = false;
  std::string stderr_;
  std::thread writer_;
  std::mutex close_mu_;
};

// Runs the host binary with flags only (no session); returns {exit status, stdout text}.
inline std::pair<int, std::string> RunHostCommand(const HostHome& home, std::vector<std::string> args) {
  HostProcess p(home, std::move(args));
  p.CloseInput();
  std::string out = p.ReadAllRaw();
  return {p.Wait(), out};
}

}  // namespace e2e
