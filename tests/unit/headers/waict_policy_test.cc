// Integrity-Policy-WAICT-v1 parsing (headers/waict_policy.h): the draft's example header, each
// member valid / missing / invalid, GREASE and unknown keys, manifest URL resolution, and the
// Firefox Nightly dialect (cases mirror the behaviour of Firefox's prototype parser as read from
// its source; see the header comment).
#include "headers/waict_policy.h"

#include <doctest/doctest.h>

#include <string>

using namespace verity;
using namespace verity::headers;

namespace {
constexpr const char* kOrigin = "https://example.com";
const std::string kBase = R"(max-age=90, mode=enforce, manifest="/m.json")";
ErrorCode Code(const std::string& v) { return ParseWaictPolicy(v, kOrigin).code(); }
}  // namespace

TEST_CASE("waict: the draft's example header") {
  auto p = ParseWaictPolicy(
      R"(max-age=90, mode=report, preload=?0, endpoints=(foo-reports), manifest="/.well-known/waict/manifests/baz_manifest_5X_MjpjR0bpBpP3dEF6-hA")",
      kOrigin);
  REQUIRE(p);
  CHECK(p->mode == WaictMode::kReport);
  CHECK(p->max_age == 90);
  CHECK_FALSE(p->preload);
  CHECK(p->endpoints == std::vector<std::string>{"foo-reports"});
  CHECK(p->manifest_url ==
        "https://example.com/.well-known/waict/manifests/baz_manifest_5X_MjpjR0bpBpP3dEF6-hA");
  CHECK(p->manifest_url_raw == "/.well-known/waict/manifests/baz_manifest_5X_MjpjR0bpBpP3dEF6-hA");
  CHECK_FALSE(p->manifest_cross_origin);
  CHECK(p->dialect == WaictDialect::kDraft);
  CHECK(p->blocked_destinations.empty());
  CHECK(ModeName(p->mode) == "report");
  CHECK(DialectName(p->dialect) == "waict-v2");
}

TEST_CASE("waict: required members") {
  CHECK(Code(kBase) == ErrorCode::kOk);
  CHECK(ParseWaictPolicy(kBase, kOrigin)->mode == WaictMode::kEnforce);
  // missing
  CHECK(Code(R"(mode=enforce, manifest="/m")") == ErrorCode::kHeaderMissingMember);
  CHECK(Code(R"(max-age=1, manifest="/m")") == ErrorCode::kHeaderMissingMember);
  CHECK(Code(R"(max-age=1, mode=enforce)") == ErrorCode::kHeaderMissingMember);
  CHECK(Code("") == ErrorCode::kHeaderMissingMember);
  // max-age
  CHECK(ParseWaictPolicy(R"(max-age=0, mode=enforce, manifest="/m")", kOrigin)->max_age == 0);
  CHECK(Code(R"(max-age=-1, mode=enforce, manifest="/m")") == ErrorCode::kHeaderInvalidMember);
  CHECK(Code(R"(max-age=1.5, mode=enforce, manifest="/m")") == ErrorCode::kHeaderInvalidMember);
  CHECK(Code(R"(max-age="90", mode=enforce, manifest="/m")") == ErrorCode::kHeaderInvalidMember);
  CHECK(Code(R"(max-age=(90), mode=enforce, manifest="/m")") == ErrorCode::kHeaderInvalidMember);
  CHECK(Code(R"(max-age, mode=enforce, manifest="/m")") == ErrorCode::kHeaderInvalidMember);  // ?1
  CHECK(ParseWaictPolicy(R"(max-age=999999999999999, mode=enforce, manifest="/m")", kOrigin)->max_age ==
        999999999999999);
  // mode
  CHECK(Code(R"(max-age=1, mode=block, manifest="/m")") == ErrorCode::kHeaderInvalidMember);
  CHECK(Code(R"(max-age=1, mode="enforce", manifest="/m")") == ErrorCode::kHeaderInvalidMember);
  CHECK(Code(R"(max-age=1, mode=Enforce, manifest="/m")") == ErrorCode::kHeaderInvalidMember);
  // manifest
  CHECK(Code(R"(max-age=1, mode=enforce, manifest="")") == ErrorCode::kHeaderInvalidMember);
  CHECK(Code(R"(max-age=1, mode=enforce, manifest=m.json)") == ErrorCode::kHeaderInvalidMember);
  CHECK(Code(R"(max-age=1, mode=enforce, manifest="data:,{}")") == ErrorCode::kHeaderBadManifestUrl);
  CHECK(Code(R"(max-age=1, mode=enforce, manifest="http://example.com/m")") ==
        ErrorCode::kHeaderBadManifestUrl);
  // not a dictionary / bad origin
  CHECK(Code("not valid sfv !!!") == ErrorCode::kHeaderSyntax);
  CHECK(Code(kBase + ",") == ErrorCode::kHeaderSyntax);
  CHECK(ParseWaictPolicy(kBase, "example.com").code() == ErrorCode::kHeaderBadOrigin);
  CHECK(ParseWaictPolicyLines({}, kOrigin).code() == ErrorCode::kHeaderAbsent);
}

TEST_CASE("waict: parameters, duplicates and multiple field lines") {
  auto p = ParseWaictPolicy(R"(max-age=5;x=1, mode=report;y, manifest="/a";z="q", mode=enforce)", kOrigin);
  REQUIRE(p);
  CHECK(p->max_age == 5);
  CHECK(p->mode == WaictMode::kEnforce);  // last duplicate wins
  auto l = ParseWaictPolicyLines({"max-age=5, mode=report", R"(manifest="/a")"}, kOrigin);
  REQUIRE(l);
  CHECK(l->manifest_url == "https://example.com/a");
}

TEST_CASE("waict: optional and ignored members") {
  auto p = ParseWaictPolicy(
      kBase + R"(, preload=?1, endpoints=(a "b" 3 c), future=1, grease-x=(1 2), GREASE-Y="z")", kOrigin);
  REQUIRE(p);
  CHECK(p->preload);
  CHECK(p->endpoints == std::vector<std::string>{"a", "b", "c"});
  // Invalid optional members are ignored, not fatal.
  p = ParseWaictPolicy(kBase + R"(, preload=1, endpoints=foo)", kOrigin);
  REQUIRE(p);
  CHECK_FALSE(p->preload);
  CHECK(p->endpoints.empty());
  // Uppercase keys are tolerated only as ignorable keys: required members stay lowercase.
  CHECK(Code(R"(MAX-AGE=1, mode=enforce, manifest="/m")") == ErrorCode::kHeaderMissingMember);
}

TEST_CASE("waict: manifest URL resolution and cross-origin flag") {
  auto p = ParseWaictPolicy(R"(max-age=1, mode=enforce, manifest="waict-manifest.json#frag")", kOrigin);
  REQUIRE(p);
  CHECK(p->manifest_url == "https://example.com/waict-manifest.json");
  CHECK_FALSE(p->manifest_cross_origin);
  p = ParseWaictPolicy(R"(max-age=1, mode=enforce, manifest="https://cdn.example/m.json")", kOrigin);
  REQUIRE(p);
  CHECK(p->manifest_url == "https://cdn.example/m.json");
  CHECK(p->manifest_cross_origin);
  p = ParseWaictPolicy(R"(max-age=1, mode=enforce, manifest="https://EXAMPLE.com:443/m")", kOrigin);
  REQUIRE(p);
  CHECK_FALSE(p->manifest_cross_origin);
  p = ParseWaictPolicy(R"(max-age=1, mode=enforce, manifest="/m")", "http://localhost:8788");
  REQUIRE(p);
  CHECK(p->manifest_url == "http://localhost:8788/m");
}

TEST_CASE("waict: Firefox Nightly dialect") {
  // As sent by the WAICT demo server for Firefox.
  auto p = ParseWaictPolicy(
      R"(manifest="/waict-manifest-page1.json", blocked-destinations=(image), mode=enforce, max-age=0)",
      kOrigin);
  REQUIRE(p);
  CHECK(p->dialect == WaictDialect::kFirefoxNightly);
  CHECK(DialectName(p->dialect) == "firefox");
  CHECK(p->blocked_destinations == std::vector<std::string>{"image"});
  CHECK(p->max_age == 0);
  CHECK(p->manifest_url == "https://example.com/waict-manifest-page1.json");
  // Unknown tokens ignored, duplicates folded, order kept.
  p = ParseWaictPolicy(kBase + ", blocked-destinations=(style cat script style)", kOrigin);
  REQUIRE(p);
  CHECK(p->blocked_destinations == std::vector<std::string>{"style", "script"});
  // Empty list is valid.
  p = ParseWaictPolicy(kBase + ", blocked-destinations=()", kOrigin);
  REQUIRE(p);
  CHECK(p->dialect == WaictDialect::kFirefoxNightly);
  CHECK(p->blocked_destinations.empty());
  // Not an inner list of tokens -> the header is void.
  CHECK(Code(kBase + ", blocked-destinations=script") == ErrorCode::kHeaderInvalidMember);
  CHECK(Code(kBase + R"(, blocked-destinations=("script"))") == ErrorCode::kHeaderInvalidMember);
  // Required members are still required in this dialect.
  CHECK(Code(R"(manifest="/m", blocked-destinations=(script), max-age=0)") ==
        ErrorCode::kHeaderMissingMember);
  CHECK(Code(R"(manifest="/m", blocked-destinations=(script), mode=enforce)") ==
        ErrorCode::kHeaderMissingMember);
}

TEST_CASE("waict: IsFetchDestination") {
  CHECK(IsFetchDestination("script"));
  CHECK(IsFetchDestination("serviceworker"));
  CHECK(IsFetchDestination("xslt"));
  CHECK_FALSE(IsFetchDestination(""));
  CHECK_FALSE(IsFetchDestination("wasm"));
  CHECK_FALSE(IsFetchDestination("Script"));
}
