// Where the host's operator diagnostics go: one line per event, for the person running the host
// (the browser shows stderr of a native host in its own log). Never protocol output, never page data.
//
//   StderrDiagnostics().Report("preload list /x/preload-list.note", "invalid: bad signature")
//     -> stderr: "verity-host: preload list /x/preload-list.note: invalid: bad signature"
// The engine and the session take a Diagnostics* (EngineOptions::diagnostics,
// SessionOptions::diagnostics); tests and fuzzers pass NoDiagnostics() or a recording sink.
#pragma once

#include <cstdio>
#include <string_view>

namespace verity::policy {

class Diagnostics {
 public:
  virtual ~Diagnostics() = default;
  // `detail` may be empty (then no ": " follows `what`).
  virtual void Report(std::string_view what, std::string_view detail) = 0;
};

// Writes "verity-host: <what>[: <detail>]\n" to `f` and flushes; nullptr discards.
class FileDiagnostics final : public Diagnostics {
 public:
  explicit FileDiagnostics(std::FILE* f) : f_(f) {}
  void Report(std::string_view what, std::string_view detail) override;

 private:
  std::FILE* f_;
};

Diagnostics& StderrDiagnostics();
Diagnostics& NoDiagnostics();

}  // namespace verity::policy
