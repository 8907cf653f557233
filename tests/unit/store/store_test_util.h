// Helpers for the store tests: temp dirs, the sqlite3 CLI (so tests never include sqlite3.h).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace verity::store::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "verity-store-XXXXXX").string();
    char* p = ::mkdtemp(tmpl.data());
    if (p == nullptr) std::abort();
    path_ = p;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline bool HaveSqliteCli() { return std::system("sqlite3 -version >/dev/null 2>&1") == 0; }

// Runs `sql` with the sqlite3 command-line shell; returns stdout+stderr and sets *status.
inline std::string SqliteCli(const std::string& db, const std::string& sql, int* status = nullptr) {
  std::string cmd = "sqlite3 -batch '" + db + "' \"" + sql + "\" 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int st = ::pclose(p);
  if (status != nullptr) *status = st;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace verity::store::testing
