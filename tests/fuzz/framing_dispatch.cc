// libFuzzer target: arbitrary bytes as the host's stdin stream (design §3). The bytes go through
// the real framing reader, dispatcher and verdict engine (in-memory store, fixed clock) exactly as
// verity-host runs them. Properties checked on every input:
//   - no crash, no hang (the fuzzer's timeouts), no sanitizer report;
//   - the session ends with status 0 (memory input never fails with an I/O error);
//   - every reply frame is valid JSON, an object, < 1 MiB, and carries "id" and "ok"; so does every
//     entry of a batch reply.
// Frames declaring more than 4 KiB are over the fuzz cap (kept small so the fuzzer explores
// the cap path cheaply).
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "json/json.h"
#include "policy/engine.h"
#include "protocol/dispatch.h"
#include "protocol/framing.h"
#include "protocol/session.h"

using namespace verity;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  policy::EngineOptions o;
  o.in_memory_store = true;
  o.offline = true;  // m2dmrt_check of a site the input enrolled: no DNS, no TLS probe
  o.clock = [] { return int64_t{1767225600000}; };
  static std::unique_ptr<policy::Engine> engine = policy::Engine::Open(o);  // state carries across inputs
  protocol::Dispatcher dispatcher(*engine, protocol::HostInfo{});
  protocol::MemorySource in(ByteView(data, size), size % 7 + 1);  // vary the read chunking
  protocol::MemorySink out;
  protocol::SessionOptions so;
  so.max_inbound_bytes = 4096;
  so.diagnostics = nullptr;
  if (protocol::RunSession(in, out, dispatcher, so) != 0) std::abort();
  protocol::MemorySource back(AsBytes(out.data()));
  protocol::FrameReader reader(back, protocol::kMaxOutboundBytes);
  for (;;) {
    auto ev = reader.Next();
    if (ev.status == protocol::FrameStatus::kEof) break;
    if (ev.status != protocol::FrameStatus::kFrame) std::abort();
    if (ev.payload.size() >= protocol::kMaxOutboundBytes) std::abort();
    auto v = json::Parse(ev.payload);
    if (!v || !v->is_object() || !v->Find("id") || !v->GetBool("ok")) std::abort();
    // A batch reply answers each entry with an object of its own that has "id" and "ok".
    if (const json::Value* r = v->Find("replies"); r && v->GetString("type").value_or("") == "batch") {
      if (!r->is_array() || r->items().empty()) std::abort();
      for (const auto& e : r->items()) {
        if (!e.is_object() || !e.Find("id") || !e.GetBool("ok")) std::abort();
      }
    }
  }
  return 0;
}
