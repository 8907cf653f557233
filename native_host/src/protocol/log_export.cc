#include "protocol/log_export.h"

#include <fstream>
#include <iostream>

namespace verity::protocol {

Status ExportLogToFile(policy::Engine& engine, std::string_view format, std::optional<std::string> origin,
                       const std::string& out_path) {
  auto fmt = format == "csv" ? policy::LogExportFormat::kCsv : policy::LogExportFormat::kJson;
  if (out_path.empty() || out_path == "-") {
    Status st = engine.ExportLog(fmt, std::move(origin), std::cout);
    std::cout.flush();
    return st;
  }
  std::ofstream file(out_path, std::ios::binary | std::ios::trunc);
  if (!file) return MakeError(ErrorCode::kIo, "cannot open " + out_path);
  Status st = engine.ExportLog(fmt, std::move(origin), file);
  file.close();
  if (st && !file) return MakeError(ErrorCode::kIo, "cannot write " + out_path);
  return st;
}

}  // namespace verity::protocol
