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
//
// Batch (docs/protocol.md "batch"): several verdict requests in one frame, answered in one frame,
// each entry exactly as if it had been sent alone and in the same order:
//   {"id":9,"type":"batch","requests":[{"id":1,"type":"verdict",...},{"id":2,"type":"verdict",...}]}
//   {"id":9,"ok":true,"type":"batch","replies":[{"id":1,"ok":true,"type":"verdict",...},{"id":2,...}]}
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "json/json.h"
#include "policy/engine.h"
#include "protocol/framing.h"

namespace verity::protocol {

inline constexpr std::string_view kHostVersion = "0.1.0";
inline constexpr int kProtocolVersion = 1;
// Most requests one batch may carry (announced in the hello reply as "batch_max").
inline constexpr size_t kMaxBatchRequests = 256;
// Upper bound of the reply_too_large entry a batch gives a request that does not fit: a 256-byte
// string id quoted with every byte escaped (6x), the code and the short detail. Room for one per
// request is always kept, so every request of a batch is answered below 1 MiB.
inline constexpr size_t kMaxBatchNoRoomReplyBytes = 256 * 6 + 160;
static_assert(kMaxBatchRequests * kMaxBatchNoRoomReplyBytes < kMaxOutboundBytes / 2);

struct HostInfo {
  std::string version{kHostVersion};
  std::string browser = "chromium";  // detected from argv by the host
  std::string caller;                // the caller origin / extension id given in argv
};

// Error reply. id_json is the already-serialised id ("7", "\"a\"", "null"). detail is cut to 1 KiB.
std::string FormatErrorReply(std::string_view id_json, ErrorCode code, std::string_view detail);

class Dispatcher {
 public:
  // batch_reply_limit: a batch reply is kept below this (1 MiB; smaller in tests).
  Dispatcher(policy::Engine& engine, HostInfo info, size_t batch_reply_limit = kMaxOutboundBytes)
      : engine_(engine), info_(std::move(info)), batch_reply_limit_(batch_reply_limit) {}
  // Handles one complete frame payload. Never fails; the returned JSON is < kMaxOutboundBytes.
  std::string Handle(std::string_view payload);
  // Commits the queued verdict log rows (policy/verdict_log.h durability rule): the session calls it
  // before any reply is written and when the input is idle. A failure was reported by the log.
  void Idle() { (void)engine_.CommitLog(); }
  policy::Engine& engine() { return engine_; }

 private:
  // One parsed message; in_batch: it is an entry of a batch (only verdicts are allowed there).
  std::string HandleMessage(const json::Value& msg, bool in_batch);
  std::string HandleBatch(const std::string& id_json, const json::Value& msg);

  policy::Engine& engine_;
  HostInfo info_;
  size_t batch_reply_limit_;
};

}  // namespace verity::protocol
