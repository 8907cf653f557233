// Helpers of the transparency commands (see cmd_transparency_state.h).
#include "cmd_transparency_state.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <limits>

#include "config/config.h"
#include "core/clock.h"
#include "policy/transparency_gate.h"

namespace verity::cli::tstate {

namespace fs = std::filesystem;
using namespace verity::transparency;

Status AtomicWrite(const std::string& path, const std::string& data, unsigned mode) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return MakeError(ErrorCode::kIo, "cannot create " + tmp + ": " + std::strerror(errno));
  size_t off = 0;
  while (off < data.size()) {
    ssize_t w = ::write(fd, data.data() + off, data.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      ::close(fd);
      return MakeError(ErrorCode::kIo, "cannot write " + tmp);
    }
    off += static_cast<size_t>(w);
  }
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::rename(tmp.c_str(), path.c_str()) != 0)
    return MakeError(ErrorCode::kIo, "cannot replace " + path + ": " + std::strerror(errno));
  return OkStatus();
}

StateLock::StateLock(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  fd_ = ::open((dir + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}
StateLock::~StateLock() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<int64_t> UintFlag(const Args& a, const std::string& name, int64_t fallback) {
  auto t = a.Get(name);
  if (!t) return fallback;
  return ParseInt(*t, 0, std::numeric_limits<int64_t>::max());
}

std::optional<int64_t> TimeFlag(const Args& a) { return UintFlag(a, "time", SystemClockSeconds()); }

int FailWith(const Error& e) { return Fail(std::string(WireName(e.code)) + ": " + e.detail); }

Result<SignerKey> LoadSignerKey(const std::string& path) {
  auto text = ReadFile(path);
  if (!text) return MakeError(ErrorCode::kIo, "cannot read " + path);
  while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) text->pop_back();
  return ParseSignerKey(*text);
}

Result<VerifierKey> LoadVerifierKey(const std::string& path_or_text) {
  auto text = ReadFile(path_or_text);
  std::string s = text ? *text : path_or_text;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return ParseVerifierKey(s);
}

std::string ChainPath(const std::string& state, const std::string& domain) {
  return state + "/chains/" + domain;
}
std::string TreePath(const std::string& state, uint64_t n, const std::string& ext) {
  return state + "/trees/" + std::to_string(n) + "." + ext;
}

Result<std::vector<ChainNode>> ReadChain(const std::string& state, const std::string& domain) {
  std::vector<ChainNode> out;
  auto raw = ReadFile(ChainPath(state, domain));
  if (!raw) return out;  // no chain yet
  if (raw->size() % kChainNodeSize != 0)
    return MakeError(ErrorCode::kTransparencyBadReplayLog,
                     "chain file of " + domain + " is not k x 112 bytes");
  for (size_t off = 0; off < raw->size(); off += kChainNodeSize) {
    auto node = ParseChainNode(AsBytes(std::string_view(*raw).substr(off, kChainNodeSize)));
    if (!node) return node.error();
    out.push_back(*node);
  }
  return out;
}

uint64_t LatestTree(const std::string& state) {
  auto text = ReadFile(state + "/trees/latest");
  if (!text) return 0;
  return std::strtoull(text->c_str(), nullptr, 10);
}

Result<Tree> ReadTree(const std::string& state, uint64_t n) {
  Tree t;
  t.n = n;
  auto note = ReadFile(TreePath(state, n, "note"));
  auto heads = ReadFile(TreePath(state, n, "heads"));
  if (!note || !heads)
    return MakeError(ErrorCode::kIo, "tree " + std::to_string(n) + " is missing in " + state);
  t.note = std::move(*note);
  auto parsed = ParseNote(t.note);
  if (!parsed) return parsed.error();
  auto body = ParseTreeNoteBody(parsed->text);
  if (!body) return body.error();
  t.body = std::move(*body);
  auto h = ParseHeads(*heads);
  if (!h) return h.error();
  t.heads = std::move(*h);
  return t;
}

Result<Tree> LatestCosignedTree(const std::string& state, uint64_t min_cosignatures) {
  for (uint64_t n = LatestTree(state); n >= 1; --n) {
    auto note = ReadFile(TreePath(state, n, "note"));
    if (!note) break;
    auto parsed = ParseNote(*note);
    if (!parsed) return parsed.error();
    if (parsed->signatures.size() >= 1 + min_cosignatures) return ReadTree(state, n);
  }
  return MakeError(ErrorCode::kTransparencyTooFewWitnesses,
                   "no tree in " + state + " has " + std::to_string(min_cosignatures) + " cosignature(s)");
}

Result<HostPolicy> LoadHostPolicy(const std::string& config_path) {
  auto cfg = config::LoadConfig(config_path);
  if (!cfg) return cfg.error();
  auto witnesses = policy::WitnessPolicyFromConfig(cfg->transparency);
  if (!witnesses) return witnesses.error();
  auto preload = policy::PreloadPolicyFromConfig(cfg->transparency);
  if (!preload) return preload.error();
  return HostPolicy{std::move(*witnesses), std::move(*preload)};
}

}  // namespace verity::cli::tstate
