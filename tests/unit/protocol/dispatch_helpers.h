// Shared by the protocol tests: an in-memory engine with a fixed clock, one request through the
// real Dispatcher parsed back as JSON, and the error code of a reply ("" when ok).
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <string_view>

#include "json/json.h"
#include "policy/engine.h"
#include "protocol/dispatch.h"

namespace verity::protocol::testing {

// offline: no DNS and no TLS probes (m2dmrt_check answers without the network).
inline std::unique_ptr<policy::Engine> MemEngine(bool offline = false) {
  policy::EngineOptions o;
  o.in_memory_store = true;
  o.offline = offline;
  o.clock = [] { return int64_t{1767225600000}; };
  return policy::Engine::Open(o);
}

inline json::Value Call(Dispatcher& d, std::string_view req) {
  std::string out = d.Handle(req);
  auto v = json::Parse(out);
  REQUIRE_MESSAGE(v.ok(), out);
  return std::move(*v);
}

inline std::string Code(const json::Value& v) {
  const json::Value* e = v.Find("error");
  return e ? std::string(e->GetString("code").value_or("")) : "";
}

}  // namespace verity::protocol::testing
