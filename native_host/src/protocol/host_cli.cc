#include "protocol/host_cli.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "install/browsers.h"
#include "policy/engine.h"
#include "protocol/dispatch.h"
#include "protocol/log_export.h"
#include "protocol/self_check.h"
#include "protocol/session.h"

namespace verity::protocol {
using namespace ::verity::install;  // the browser table (install/browsers.h)

HostArgs ParseHostArgs(const std::vector<std::string>& args) {
  HostArgs a;
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& s = args[i];
    auto value = [&](const char* flag) -> std::optional<std::string> {
      if (i + 1 >= args.size()) {
        a.error = std::string(flag) + " needs a value";
        return std::nullopt;
      }
      return args[++i];
    };
    if (s == "--self-check") {
      a.self_check = true;
    } else if (s == "--register" || s == "--unregister") {
      a.registration = s.substr(2);
    } else if (s == "--system") {
      a.system = true;
    } else if (s == "--user") {
      a.system = false;
    } else if (s == "--all-browsers") {
      a.all_browsers = true;
    } else if (s == "--browsers") {
      if (auto v = value("--browsers")) {
        std::istringstream in(*v);
        std::string b;
        while (std::getline(in, b, ',')) {
          if (FindBrowser(b) == nullptr) {
            a.error = "unknown browser '" + b + "' (firefox, chromium, chrome, edge, brave)";
            break;
          }
          a.browsers.push_back(b);
        }
        if (a.error.empty() && a.browsers.empty()) a.error = "--browsers needs at least one name";
      }
    } else if (s == "--chromium-id") {
      if (auto v = value("--chromium-id")) {
        bool ok = v->size() == 32;
        for (char c : *v) ok = ok && c >= 'a' && c <= 'p';
        if (!ok) a.error = "--chromium-id takes 32 letters a-p";
        a.chromium_ids.push_back(*v);
      }
    } else if (s == "--host-path") {
      if (auto v = value("--host-path")) a.host_path = *v;
    } else if (s == "--root") {
      if (auto v = value("--root")) a.root = *v;
    } else if (s == "--version") {
      a.version = true;
    } else if (s == "--list-errors") {
      a.list_errors = "";
    } else if (s == "--list-errors=markdown") {
      a.list_errors = "markdown";
    } else if (s == "--export-log") {
      if (auto v = value("--export-log")) a.export_format = *v;
    } else if (s == "--origin") {
      if (auto v = value("--origin")) a.export_origin = *v;
    } else if (s == "--out") {
      if (auto v = value("--out")) a.export_out = *v;
    } else if (s == "--data-dir") {
      if (auto v = value("--data-dir")) a.data_dir = *v;
    } else if (s == "--config") {
      if (auto v = value("--config")) a.config_path = *v;
    } else if (s.rfind("--parent-window=", 0) == 0) {
      // Chromium on Windows passes the caller's window handle; irrelevant here.
    } else if (s.rfind("--", 0) == 0) {
      a.error = "unknown flag " + s;
    } else {
      positional.push_back(s);
    }
    if (!a.error.empty()) return a;
  }
  if (a.export_format && *a.export_format != "json" && *a.export_format != "csv") {
    a.error = "--export-log takes json or csv";
  }
  if (!a.host_path.empty() && a.host_path[0] != '/') a.error = "--host-path must be absolute";
  if (!a.root.empty() && a.root[0] != '/') a.error = "--root must be absolute";
  for (const auto& p : positional) {
    if (p.rfind("chrome-extension://", 0) == 0) {
      a.browser = "chromium";
      a.caller = p;
    }
  }
  if (a.caller.empty() && !positional.empty()) a.caller = positional.back();  // Firefox: extension id last
  return a;
}

std::string FormatErrorList(const std::string& style) {
  std::string out;
  if (style == "markdown") out = "| code | meaning |\n|---|---|\n";
  for (size_t i = 1; i < static_cast<size_t>(ErrorCode::kCount_); ++i) {
    auto c = static_cast<ErrorCode>(i);
    if (style == "markdown") {
      out += "| `" + std::string(WireName(c)) + "` | " + std::string(Summary(c)) + " |\n";
    } else {
      out += std::string(WireName(c)) + "\t" + std::string(Summary(c)) + "\n";
    }
  }
  return out;
}

std::string ThisExecutable() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : p.string();
}

namespace {

// --register / --unregister: one line per browser on `out` (see host_cli.h); 0 unless a file could
// not be written or removed.
int RunRegistration(const HostArgs& a, std::FILE* out) {
  namespace fs = std::filesystem;
  const BrowserEnv env = BrowserEnvFromProcess();
  const Scope scope = a.system ? Scope::kSystem : Scope::kUser;
  const std::string host = a.host_path.empty() ? ThisExecutable() : a.host_path;
  const bool unregister = *a.registration == "unregister";
  if (host.empty() && !unregister) {
    std::fprintf(stderr, "verity-host: cannot tell this executable's path; give --host-path\n");
    return 1;
  }
  int rc = 0;
  std::vector<std::string> done;  // files already handled (Brave shares Chrome's system folder)
  for (const Browser& b : Browsers()) {
    bool wanted = a.all_browsers || unregister;
    if (!a.browsers.empty()) {
      wanted = std::find(a.browsers.begin(), a.browsers.end(), b.id) != a.browsers.end();
    } else if (!wanted) {
      wanted = BrowserPresent(b, env);
    }
    if (!wanted) {
      std::fprintf(out, "absent\t%s\t-\n", std::string(b.id).c_str());
      continue;
    }
    const std::string dir = NativeMessagingDir(b, scope, env);
    const std::string file = dir + "/" + std::string(kHostName) + ".json";
    const std::string staged = a.root + file;
    const bool again = std::find(done.begin(), done.end(), file) != done.end();
    done.push_back(file);
    std::error_code ec;
    if (unregister) {
      if (!again && fs::remove(staged, ec)) {
        std::fprintf(out, "removed\t%s\t%s\n", std::string(b.id).c_str(), file.c_str());
      } else if (ec) {
        std::fprintf(stderr, "verity-host: cannot remove %s: %s\n", staged.c_str(), ec.message().c_str());
        rc = 1;
      }
      continue;
    }
    if (!again) {
      // Report every folder this creates, outermost first (the installer removes them again).
      std::vector<std::string> missing;
      for (fs::path p = a.root + dir; p.string().size() > a.root.size() + 1 && !fs::exists(p, ec);
           p = p.parent_path()) {
        missing.insert(missing.begin(), p.string().substr(a.root.size()));
      }
      fs::create_directories(a.root + dir, ec);
      std::string tmp = staged + ".verity-tmp";
      {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f << FormatHostManifest(b.family, host, a.chromium_ids);
        if (!f.flush()) ec = std::make_error_code(std::errc::io_error);
      }
      if (!ec) fs::permissions(tmp, fs::perms(0644), ec);
      if (!ec) fs::rename(tmp, staged, ec);
      if (ec) {
        fs::remove(tmp, ec);
        std::fprintf(stderr, "verity-host: cannot write %s\n", staged.c_str());
        rc = 1;
        continue;
      }
      for (const auto& m : missing) std::fprintf(out, "created-dir\t-\t%s\n", m.c_str());
    }
    std::fprintf(out, "registered\t%s\t%s\n", std::string(b.id).c_str(), file.c_str());
  }
  return rc;
}

}  // namespace

int HostMain(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  HostArgs a = ParseHostArgs(args);
  if (!a.error.empty()) {
    std::fprintf(stderr, "verity-host: %s\n", a.error.c_str());
    return 2;
  }
  if (a.version) {
    std::printf("verity-host %s (protocol %d)\n", std::string(kHostVersion).c_str(), kProtocolVersion);
    return 0;
  }
  if (a.list_errors) {
    std::fputs(FormatErrorList(*a.list_errors).c_str(), stdout);
    return 0;
  }
  if (a.registration) return RunRegistration(a, stdout);
  policy::EngineOptions eo;
  eo.data_dir = a.data_dir;
  eo.config_path = a.config_path;
  eo.browser = a.browser;
  if (a.self_check) return RunSelfCheck(eo, stdout);
  auto engine = policy::Engine::Open(eo);
  if (a.export_format) {
    auto st = ExportLogToFile(*engine, *a.export_format, a.export_origin, a.export_out);
    if (!st) {
      std::fprintf(stderr, "verity-host: export failed: %s: %s\n", std::string(WireName(st.code())).c_str(),
                   st.error().detail.c_str());
      return 1;
    }
    return 0;
  }
  // A closed stdout must show up as EPIPE from write(2), not kill the process.
  ::signal(SIGPIPE, SIG_IGN);
  if (!engine->config_status().ok) {
    std::fprintf(stderr, "verity-host: %s: %s (enforced sites fail closed)\n",
                 engine->config_status().code.c_str(), engine->config_status().detail.c_str());
  }
  if (!engine->store_ok())
    std::fprintf(stderr, "verity-host: verdict log unavailable: %s\n", engine->db_path().c_str());
  HostInfo info;
  info.browser = a.browser;
  info.caller = a.caller;
  Dispatcher dispatcher(*engine, info);
  FdSource in(STDIN_FILENO);
  FdSink out(STDOUT_FILENO);
  SessionOptions so;
  uint64_t cap = engine->max_message_bytes();
  so.max_inbound_bytes = cap > 0 && cap <= 0xFFFFFFFFu ? static_cast<uint32_t>(cap) : kDefaultMaxInboundBytes;
  return RunSession(in, out, dispatcher, so);
}

}  // namespace verity::protocol
