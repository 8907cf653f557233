// libFuzzer target for the policy headers: Integrity-Policy-WAICT-v1 in its three dialects (+ the
// per-category site-record update rule), W3C Integrity-Policy, manifest URL resolution and the
// stored category-record text. Checks invariants, not just crashes:
//   - a parsed WAICT policy has max_age >= 0, an absolute http(s) manifest URL without '#', at
//     least one category mode, and `mode` is the strongest of them;
//   - ApplyPolicyHeader never returns a dead record and, under the draft rules, never lets a live
//     enforce category become weaker or expire earlier;
//   - ParseCategoryRecords accepts only what FormatCategoryRecords writes back byte for byte.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "headers/integrity_policy.h"
#include "headers/site_record.h"
#include "headers/url.h"
#include "headers/waict_policy.h"

using namespace verity;
using namespace verity::headers;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr std::string_view kOrigins[] = {"https://example.com", "http://localhost:8080",
                                                  "https://[::1]:8443"};
  std::string_view origin = kOrigins[data[0] % 3];
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);

  auto p = ParseWaictPolicy(in, origin);
  if (p) {
    if (p->max_age < 0) abort();
    const std::string& u = p->manifest_url;
    if (u.rfind("https://", 0) != 0 && u.rfind("http://", 0) != 0) abort();
    if (u.find('#') != std::string::npos || u.find(' ') != std::string::npos) abort();
    auto strongest = StrongestMode(p->modes);
    if (p->dialect != WaictDialect::kFirefoxNightly && !strongest) abort();  // Firefox may list none
    if (strongest && *strongest != p->mode) abort();
    if (p->dialect == WaictDialect::kRework && FormatWaictReqHeader(p->manifest_url_raw).size() < 2) abort();
  }

  const int64_t now = 1'700'000'000;
  // A live record that enforces every category (mode and expires_at are derived from categories).
  SiteRecord live;
  for (auto& c : live.categories) c = CategoryRecord{WaictMode::kEnforce, now + 1000};
  live.categories[Index(Category::kStyle)] = CategoryRecord{WaictMode::kWarn, now + 500};
  Normalize(live, now);
  if (live.mode != WaictMode::kEnforce || live.expires_at != now + 1000) abort();
  auto next = ApplyPolicyHeader(live, p, now);
  if (!next || next->expires_at <= now) abort();  // an enforce record with time left never ends early
  if (next->mode != WaictMode::kEnforce || next->expires_at < live.expires_at) abort();
  for (size_t i = 0; i < kCategoryCount; ++i) {  // no category is downgraded or shortened
    const CategoryRecord& c = next->categories[i];
    if (i == Index(Category::kStyle)) {  // warn may rise to enforce, never fall to report
      if (!c.mode || *c.mode == WaictMode::kReport || c.expires_at <= now) abort();
      continue;
    }
    if (c.mode != WaictMode::kEnforce || c.expires_at < now + 1000) abort();
  }
  auto fresh = ApplyPolicyHeader(std::nullopt, p, now);
  if (fresh && fresh->expires_at <= now) abort();
  auto hsts = ApplyPolicyHeader(live, p, now, UpdateRule::kHstsLike);
  if (hsts && hsts->expires_at <= now) abort();

  auto ip = ParseIntegrityPolicy(in);
  if (ip) {
    for (const auto& d : ip->blocked_destinations)
      if (d != "script" && d != "style") abort();
  }

  if (auto cats = ParseCategoryRecords(in); cats && FormatCategoryRecords(*cats) != in) abort();

  auto base = ParseOrigin(origin);
  if (!base) abort();
  auto r = ResolveUrl(in, *base);
  if (r && (r->url.find('#') != std::string::npos || r->url.find(' ') != std::string::npos)) abort();
  return 0;
}
