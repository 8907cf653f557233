// verity-cli entry point: dispatches to the registered subcommands (see command.h).
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "command.h"

namespace verity::cli {

std::map<std::string, Command>& Registry() {
  static std::map<std::string, Command> registry;
  return registry;
}

Args::Args(std::vector<std::string> raw, std::vector<std::string> switches) {
  for (size_t i = 0; i < raw.size(); ++i) {
    const std::string& a = raw[i];
    if (a.rfind("--", 0) != 0 || a == "--") {
      positional_.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    if (auto eq = name.find('='); eq != std::string::npos) {
      flags_.emplace(name.substr(0, eq), name.substr(eq + 1));
      continue;
    }
    bool is_switch = false;
    for (const auto& s : switches) is_switch |= (s == name);
    if (is_switch) {
      flags_.emplace(name, "");
    } else if (i + 1 < raw.size()) {
      flags_.emplace(name, raw[++i]);
    } else {
      error_ = "--" + name + " needs a value";
    }
  }
}

std::optional<std::string> Args::Get(const std::string& name) const {
  auto it = flags_.find(name);
  if (it == flags_.end()) return std::nullopt;
  return it->second;
}
std::string Args::GetOr(const std::string& name, const std::string& fallback) const {
  auto v = Get(name);
  return v ? *v : fallback;
}
std::vector<std::string> Args::GetAll(const std::string& name) const {
  std::vector<std::string> out;
  for (auto [it, end] = flags_.equal_range(name); it != end; ++it) out.push_back(it->second);
  return out;
}
bool Args::Has(const std::string& name) const { return flags_.count(name) > 0; }

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

bool WriteFile(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << data;
  return static_cast<bool>(f);
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "verity-cli: %s\n", message.c_str());
  return 1;
}

std::optional<int64_t> ParseInt(std::string_view s, int64_t lo, int64_t hi) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi) return std::nullopt;
  return v;
}

std::optional<int64_t> IntFlag(const Args& a, const std::string& name, int64_t fallback, int64_t lo,
                               int64_t hi) {
  auto text = a.Get(name);
  if (!text) return fallback;
  auto v = ParseInt(*text, lo, hi);
  if (!v) Fail("--" + name + " wants an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return v;
}

}  // namespace verity::cli

int main(int argc, char** argv) {
  using namespace verity::cli;
  std::vector<std::string> raw(argv + 1, argv + argc);
  auto& reg = Registry();
  if (raw.empty() || raw[0] == "help" || raw[0] == "--help" || raw[0] == "-h") {
    if (raw.size() >= 2 && reg.count(raw[1])) {
      std::printf("verity-cli %s — %s\n%s\n", raw[1].c_str(), reg[raw[1]].summary.c_str(),
                  reg[raw[1]].usage.c_str());
      return 0;
    }
    std::printf("verity-cli — Verity's operator tool\n\ncommands:\n");
    for (const auto& [name, c] : reg) std::printf("  %-22s %s\n", name.c_str(), c.summary.c_str());
    std::printf("\n'verity-cli help <command>' for its flags.\n");
    return raw.empty() ? 2 : 0;
  }
  auto it = reg.find(raw[0]);
  if (it == reg.end()) return Fail("unknown command '" + raw[0] + "' (try 'verity-cli help')");
  Args args(std::vector<std::string>(raw.begin() + 1, raw.end()), it->second.switches);
  if (!args.error().empty()) return Fail(args.error());
  return it->second.run(args);
}
