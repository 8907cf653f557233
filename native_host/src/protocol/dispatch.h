// Message dispatch: one frame payload in, one reply out (docs/protocol.md "Envelope", "Messages").
//
// Request:  {"id":7,"type":"status","origin":"https://app.example"}
// Success:  {"id":7,"ok":true,"type":"status",...result fields}
// Error:    {"id":7,"ok":false,"error":{"code":"protocol.unknown_type","detail":"no such type: foo"}}
//
// The id (integer or string) is echoed verbatim; errors found before an id could be read
// (invalid UTF-8, invalid JSON, not an object, missing id) carry "id":null. Error codes are the stable
// wire names of core/error.h. Every reply returned by Handle() is < 1 MiB: log pages are cut short
// with a cursor, and anything else too large becomes protocol.reply_too_large.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "policy/engine.h"

namespace verity::protocol {

inline constexpr std::string_view kHostVersion = "0.1.0";
inline constexpr int kProtocolVersion = 1;

struct HostInfo {
  std::string version{kHostVersion};
  std::string browser = "chromium";  // detected from argv by the host
  std::string caller;                // the caller origin / extension id given in argv
};

// Error reply. id_json is the already-serialised id ("7", "\"a\"", "null"). detail is cut to 1 KiB.
std::string FormatErrorReply(std::string_view id_json, ErrorCode code, std::string_view detail);

class Dispatcher {
 public:
  Dispatcher(policy::Engine& engine, HostInfo info) : engine_(engine), info_(std::move(info)) {}
  // Handles one complete frame payload. Never fails; the returned JSON is < kMaxOutboundBytes.
  std::string Handle(std::string_view payload);
  // Commits pending work (verdict log rows); called when the input is idle.
  void Idle() { engine_.Idle(); }
  policy::Engine& engine() { return engine_; }

 private:
  policy::Engine& engine_;
  HostInfo info_;
};

}  // namespace verity::protocol
