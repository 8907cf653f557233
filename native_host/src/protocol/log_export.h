// verity-host --export-log json|csv [--origin O] [--out FILE] (docs/protocol.md "Export"): the file
// handling of the export. The rows and their formats are the engine's verdict log
// (policy/verdict_log.h → store/store.h ExportJson / ExportCsv):
//   json: [\n{"seq":2,"time":1767225600123,"browser":"chromium",...,"kind":"verdict"},\n...\n]\n
//   csv:  seq,time,browser,origin,url,destination,action,reason,detail,manifest_id,kind\r\n ...
// `out_path` empty or "-": standard output. Errors: core.io (cannot open / write the file),
// policy.store_unavailable, store.* from the query.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "policy/engine.h"

namespace verity::protocol {

// format: "json" | "csv" (HostArgs checked it).
Status ExportLogToFile(policy::Engine& engine, std::string_view format, std::optional<std::string> origin,
                       const std::string& out_path);

}  // namespace verity::protocol
