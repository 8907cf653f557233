// ApplyPolicyHeader: the rules R0-R3 of headers/site_record.h (draft rules) and the HSTS-like
// alternative.
#include "headers/site_record.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>

using namespace verity;
using namespace verity::headers;

namespace {

Result<WaictPolicy> H(const std::string& mode, int64_t max_age, const std::string& manifest = "/m",
                      const std::string& extra = "") {
  return ParseWaictPolicy(
      "max-age=" + std::to_string(max_age) + ", mode=" + mode + ", manifest=\"" + manifest + "\"" + extra,
      "https://a.example");
}
Result<WaictPolicy> Absent() { return ParseWaictPolicyLines({}, "https://a.example"); }
Result<WaictPolicy> Invalid() {
  return ParseWaictPolicy("max-age=-1, mode=enforce, manifest=\"/x\"", "https://a.example");
}

}  // namespace

TEST_CASE("site record: first header") {
  auto r = ApplyPolicyHeader(std::nullopt, H("enforce", 600, "/m", ", endpoints=(e1), preload=?1"), 1000);
  REQUIRE(r);
  CHECK(r->mode == WaictMode::kEnforce);
  CHECK(r->expires_at == 1600);
  CHECK(r->manifest_url == "https://a.example/m");
  CHECK(r->endpoints == std::vector<std::string>{"e1"});
  CHECK(r->preload);
  CHECK(IsLive(r, 1599));
  CHECK_FALSE(IsLive(r, 1600));
  // max-age=0 with nothing stored: nothing to remember.
  CHECK_FALSE(ApplyPolicyHeader(std::nullopt, H("enforce", 0), 1000).has_value());
  // absent / invalid with nothing stored: nothing.
  CHECK_FALSE(ApplyPolicyHeader(std::nullopt, Absent(), 1000).has_value());
  CHECK_FALSE(ApplyPolicyHeader(std::nullopt, Invalid(), 1000).has_value());
}

TEST_CASE("site record: absent or invalid header keeps a live record; expired record is gone") {
  auto rec = ApplyPolicyHeader(std::nullopt, H("enforce", 600), 1000);
  REQUIRE(rec);
  CHECK(ApplyPolicyHeader(rec, Absent(), 1500) == rec);
  CHECK(ApplyPolicyHeader(rec, Invalid(), 1500) == rec);
  CHECK_FALSE(ApplyPolicyHeader(rec, Absent(), 1600).has_value());
  CHECK_FALSE(ApplyPolicyHeader(rec, Invalid(), 99999).has_value());
  // A dead record does not block a downgrade: a new report header after expiry starts afresh.
  auto fresh = ApplyPolicyHeader(rec, H("report", 60), 1600);
  REQUIRE(fresh);
  CHECK(fresh->mode == WaictMode::kReport);
  CHECK(fresh->expires_at == 1660);
}

TEST_CASE("site record: draft rules - upgrade, extend, no downgrade") {
  auto rep = ApplyPolicyHeader(std::nullopt, H("report", 600), 1000);
  REQUIRE(rep);
  // upgrade report -> enforce at once, for no less time than report had left (R3b, docs/decisions.md)
  auto up = ApplyPolicyHeader(rep, H("enforce", 100), 1100);
  REQUIRE(up);
  CHECK(up->mode == WaictMode::kEnforce);
  CHECK(up->expires_at == 1600);
  auto up_longer = ApplyPolicyHeader(rep, H("enforce", 900), 1100);
  REQUIRE(up_longer);
  CHECK(up_longer->expires_at == 2000);
  // same mode: extend, never shorten
  auto ext = ApplyPolicyHeader(up, H("enforce", 1000), 1150);
  REQUIRE(ext);
  CHECK(ext->expires_at == 2150);
  auto shorter = ApplyPolicyHeader(ext, H("enforce", 10), 1200);
  REQUIRE(shorter);
  CHECK(shorter->expires_at == 2150);
  // downgrade enforce -> report ignored (mode and expiry kept), but manifest/endpoints follow
  auto down = ApplyPolicyHeader(ext, H("report", 99999, "/m2", ", endpoints=(r)"), 1300);
  REQUIRE(down);
  CHECK(down->mode == WaictMode::kEnforce);
  CHECK(down->expires_at == 2150);
  CHECK(down->manifest_url == "https://a.example/m2");
  CHECK(down->endpoints == std::vector<std::string>{"r"});
  // max-age=0 cannot switch a live record off
  auto zero = ApplyPolicyHeader(ext, H("enforce", 0), 1300);
  REQUIRE(zero);
  CHECK(zero->expires_at == 2150);
  auto zero_report = ApplyPolicyHeader(ext, H("report", 0), 1300);
  REQUIRE(zero_report);
  CHECK(zero_report->mode == WaictMode::kEnforce);
  // an upgrade with max-age=0 does not end the record (read literally the draft would drop it: a
  // downgrade by way of an upgrade); the stronger mode holds until the old expiry
  auto up_zero = ApplyPolicyHeader(rep, H("enforce", 0), 1100);
  REQUIRE(up_zero);
  CHECK(up_zero->mode == WaictMode::kEnforce);
  CHECK(up_zero->expires_at == 1600);
  // with no live record, max-age=0 still stores nothing (R2)
  CHECK_FALSE(ApplyPolicyHeader(std::nullopt, H("enforce", 0), 1100).has_value());
}

TEST_CASE("site record: Firefox dialect destinations only grow while live") {
  auto r = ApplyPolicyHeader(std::nullopt, H("enforce", 600, "/m", ", blocked-destinations=(script)"), 1000);
  REQUIRE(r);
  CHECK(r->dialect == WaictDialect::kFirefoxNightly);
  auto r2 = ApplyPolicyHeader(r, H("enforce", 600, "/m", ", blocked-destinations=(image)"), 1100);
  REQUIRE(r2);
  CHECK(r2->blocked_destinations == std::vector<std::string>{"script", "image"});
  auto r3 = ApplyPolicyHeader(r2, H("enforce", 600, "/m", ", blocked-destinations=()"), 1100);
  REQUIRE(r3);
  CHECK(r3->blocked_destinations == std::vector<std::string>{"script", "image"});
}

TEST_CASE("site record: HSTS-like rule") {
  const auto kHsts = UpdateRule::kHstsLike;
  auto rec = ApplyPolicyHeader(std::nullopt, H("enforce", 600), 1000, kHsts);
  REQUIRE(rec);
  auto down = ApplyPolicyHeader(rec, H("report", 60), 1100, kHsts);
  REQUIRE(down);
  CHECK(down->mode == WaictMode::kReport);
  CHECK(down->expires_at == 1160);
  CHECK_FALSE(ApplyPolicyHeader(rec, H("enforce", 0), 1100, kHsts).has_value());
  CHECK(ApplyPolicyHeader(rec, Invalid(), 1100, kHsts) == rec);
  CHECK_FALSE(ApplyPolicyHeader(rec, Absent(), 1600, kHsts).has_value());
}

TEST_CASE("site record: expiry saturates instead of overflowing") {
  auto r = ApplyPolicyHeader(std::nullopt, H("enforce", 999999999999999), INT64_MAX - 5);
  REQUIRE(r);
  CHECK(r->expires_at == INT64_MAX);
}
