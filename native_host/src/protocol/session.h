// The host's main loop over stdin/stdout (docs/protocol.md "Framing"): read frames, dispatch, write
// replies in request order.
//
//   stdin : [len=27]{"id":1,"type":"hello"} [len=0] [len=0xFFFFFFFF ...]
//   stdout: [len=..]{"id":1,"ok":true,"type":"hello",...}
//           [len=..]{"id":null,"ok":false,"error":{"code":"protocol.empty_frame",...}}
//           [len=..]{"id":null,"ok":false,"error":{"code":"protocol.frame_too_large",...}}
//
// Replies are buffered while more complete requests are already waiting in the input buffer
// (pipelining) and flushed before the loop could block on a read; Dispatcher::Idle() (commit of
// queued log rows) runs before every write of replies, as the verdict log's durability rule asks
// (policy/verdict_log.h), and when the input is idle. End of input between frames or inside a frame ends the
// session with exit status 0 and one line on the diagnostics stream.
#pragma once

#include <cstdint>

#include "policy/diagnostics.h"
#include "protocol/dispatch.h"
#include "protocol/framing.h"

namespace verity::protocol {

struct SessionOptions {
  uint32_t max_inbound_bytes = kDefaultMaxInboundBytes;
  policy::Diagnostics* diagnostics = &policy::StderrDiagnostics();  // may be nullptr (fuzzing)
};

// Returns the process exit status: 0 on end of input (clean or truncated) or when the peer closed
// the output pipe; 1 on a read/write I/O error.
int RunSession(ByteSource& in, ByteSink& out, Dispatcher& dispatcher, const SessionOptions& options);

}  // namespace verity::protocol
