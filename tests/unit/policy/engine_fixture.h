// The engine the policy unit tests drive (engine_test.cc, rework_test.cc): one site's origin, an
// in-memory store unless the options name a data folder, and a clock the test moves (now_ms).
// Header / Manifest / Decide send the engine's three requests for that origin and REQUIRE an answer.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "crypto/hash.h"
#include "policy/engine.h"

namespace verity::policy::testing {

struct EngineFixture {
  std::string origin;
  std::string manifest_path = "/m";  // where Manifest says the manifest was fetched from
  int64_t now_ms = 1767225600000;    // 2026-01-01
  std::unique_ptr<Engine> e;

  explicit EngineFixture(std::string site, EngineOptions o = {}) : origin(std::move(site)) {
    if (o.data_dir.empty()) o.in_memory_store = true;
    o.clock = [this] { return now_ms; };
    e = Engine::Open(o);
  }
  EngineFixture(const EngineFixture&) = delete;  // the clock points at this object
  EngineFixture& operator=(const EngineFixture&) = delete;

  // The site's state with `value` as its integrity-policy-waict-v1 header (none if empty); for
  // another origin if one is given.
  SiteView Header(const std::string& value, const std::string& other_origin = {}) {
    SiteStateRequest r;
    r.origin = other_origin.empty() ? origin : other_origin;
    if (!value.empty()) r.headers.emplace_back("integrity-policy-waict-v1", value);
    auto v = e->SiteState(r);
    REQUIRE_MESSAGE(v.ok(), v.error().detail);
    return *v;
  }

  // The manifest response `json` (no proof line) for the origin.
  ManifestReply Manifest(const std::string& json) {
    ManifestRequest r;
    r.origin = origin;
    r.url = origin + manifest_path;
    r.body = json + "\n\n";
    auto m = e->IngestManifest(r);
    REQUIRE(m.ok());
    return *m;
  }

  // The verdict for `body` fetched from `path` as `destination`, with an integrity= attribute if given.
  Verdict Decide(const std::string& path, const std::string& body, std::string_view destination = "script",
                 std::string_view integrity = {}) {
    VerdictRequest r;
    std::string url = origin + path;
    r.origin = origin;
    r.url = url;
    r.destination = destination;
    r.sha256 = crypto::Sha256(body);
    r.integrity = integrity;
    auto v = e->Decide(r);
    REQUIRE(v.ok());
    return *v;
  }
};

}  // namespace verity::policy::testing
