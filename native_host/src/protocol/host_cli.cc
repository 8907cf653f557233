#include "protocol/host_cli.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>

#include "core/error.h"
#include "policy/engine.h"
#include "protocol/dispatch.h"
#include "protocol/log_export.h"
#include "protocol/self_check.h"
#include "protocol/session.h"

namespace verity::protocol {

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
