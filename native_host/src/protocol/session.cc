#include "protocol/session.h"

namespace verity::protocol {
namespace {

void Diag(policy::Diagnostics* d, std::string_view what, std::string_view detail) {
  if (d) d->Report(what, detail);
}

}  // namespace

int RunSession(ByteSource& in, ByteSink& out, Dispatcher& dispatcher, const SessionOptions& options) {
  FrameReader reader(in, options.max_inbound_bytes);
  FrameWriter writer(out, 64 * 1024, [&dispatcher] { dispatcher.Idle(); });
  auto* fd_sink = dynamic_cast<FdSink*>(&out);
  for (;;) {
    if (!reader.HasBufferedFrame()) {
      // About to block on the pipe: everything answered so far must reach the browser now.
      if (auto st = writer.Flush(); !st) {
        bool closed = fd_sink && fd_sink->peer_closed();
        Diag(options.diagnostics, closed ? "output closed by the browser" : "write failed",
             st.error().detail);
        dispatcher.Idle();
        return closed ? 0 : 1;
      }
      dispatcher.Idle();
    }
    FrameEvent ev = reader.Next();
    std::string reply;
    switch (ev.status) {
      case FrameStatus::kFrame:
        reply = dispatcher.Handle(ev.payload);
        break;
      case FrameStatus::kEmpty:
        reply = FormatErrorReply("null", ErrorCode::kProtocolEmptyFrame, "zero-length frame");
        break;
      case FrameStatus::kTooLarge:
        reply = FormatErrorReply("null", ErrorCode::kProtocolFrameTooLarge, ev.detail);
        break;
      case FrameStatus::kEof:
        (void)writer.Flush();
        dispatcher.Idle();
        Diag(options.diagnostics, "input closed, exiting", "");
        return 0;
      case FrameStatus::kTruncated:
        (void)writer.Flush();
        dispatcher.Idle();
        Diag(options.diagnostics, "input closed inside a frame, exiting", ev.detail);
        return 0;
      case FrameStatus::kIoError:
        (void)writer.Flush();
        dispatcher.Idle();
        Diag(options.diagnostics, "read failed", ev.detail);
        return 1;
    }
    if (auto st = writer.Write(reply); !st) {
      // Handle() keeps replies < 1 MiB; this is the hard backstop.
      Diag(options.diagnostics, "reply dropped", st.error().detail);
      if (st.code() == ErrorCode::kProtocolReplyTooLarge) {
        (void)writer.Write(FormatErrorReply("null", ErrorCode::kProtocolReplyTooLarge, st.error().detail));
      } else {
        bool closed = fd_sink && fd_sink->peer_closed();
        dispatcher.Idle();
        return closed ? 0 : 1;
      }
    }
  }
}

}  // namespace verity::protocol
