#include "policy/diagnostics.h"

namespace verity::policy {

void FileDiagnostics::Report(std::string_view what, std::string_view detail) {
  if (!f_) return;
  std::fprintf(f_, "verity-host: %.*s%s%.*s\n", static_cast<int>(what.size()), what.data(),
               detail.empty() ? "" : ": ", static_cast<int>(detail.size()), detail.data());
  std::fflush(f_);
}

Diagnostics& StderrDiagnostics() {
  static FileDiagnostics d(stderr);
  return d;
}

Diagnostics& NoDiagnostics() {
  static FileDiagnostics d(nullptr);
  return d;
}

}  // namespace verity::policy
