// verity-cli: the operator tool. Each subcommand lives in its own cmd_<area>.cc and registers
// itself with VERITY_COMMAND; main.cc only dispatches.
//
//   verity-cli <command> [--flag value | --switch]... [positional]...
//   verity-cli m2dmrt-declare --declarer shop.test --key shop.key --peer pay.test --peer-cert pay.pem
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace verity::cli {

// Parsed "--name value" / "--switch" / positional arguments.
class Args {
 public:
  Args(std::vector<std::string> raw, std::vector<std::string> switches);
  std::optional<std::string> Get(const std::string& name) const;
  std::string GetOr(const std::string& name, const std::string& fallback) const;
  std::vector<std::string> GetAll(const std::string& name) const;  // repeated flags
  bool Has(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }
  const std::string& error() const { return error_; }  // non-empty if the command line was malformed

 private:
  std::multimap<std::string, std::string> flags_;
  std::vector<std::string> positional_;
  std::string error_;
};

struct Command {
  std::string name;
  std::string summary;                // one line for `verity-cli help`
  std::string usage;                  // flags, shown by `verity-cli help <command>`
  std::vector<std::string> switches;  // flags that take no value
  std::function<int(const Args&)> run;
};

std::map<std::string, Command>& Registry();

struct Registrar {
  explicit Registrar(Command c) { Registry().emplace(c.name, std::move(c)); }
};

// Helpers shared by commands.
std::optional<std::string> ReadFile(const std::string& path);
bool WriteFile(const std::string& path, const std::string& data);
int Fail(const std::string& message);  // prints "verity-cli: message" to stderr, returns 1
// A decimal integer in [lo, hi], the whole string (no sign for lo >= 0, no spaces); nullopt otherwise.
std::optional<int64_t> ParseInt(std::string_view s, int64_t lo, int64_t hi);
// Flag `name` as an integer in [lo, hi], `fallback` when absent; nullopt (after printing why) if bad.
std::optional<int64_t> IntFlag(const Args& a, const std::string& name, int64_t fallback, int64_t lo,
                               int64_t hi);

}  // namespace verity::cli

#define VERITY_CLI_CONCAT2(a, b) a##b
#define VERITY_CLI_CONCAT(a, b) VERITY_CLI_CONCAT2(a, b)
#define VERITY_COMMAND(...)                                                \
  static ::verity::cli::Registrar VERITY_CLI_CONCAT(verity_cli_registrar_, \
                                                    __LINE__)(::verity::cli::Command{__VA_ARGS__})
