// The integrity rework's header (per-category modes, headers/category.h + waict_policy.h), its
// per-category record (site_record.h), and the public header vectors: Firefox's gtest cases
// (tests/vectors/firefox-waict/header_parsing_cases.tsv) and the drafts' own example headers.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "headers/site_record.h"
#include "headers/waict_policy.h"

using namespace verity;
using namespace verity::headers;

namespace {

constexpr const char* kOrigin = "https://example.com";

std::optional<WaictMode> ModeOf(const WaictPolicy& p, Category c) { return p.modes[Index(c)]; }

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream f(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(f, line);) out.push_back(line);
  return out;
}

std::string ValueOf(const std::string& line, const std::string& name) {
  std::string prefix = name + ": ";
  if (line.rfind(prefix, 0) != 0) return {};
  return line.substr(prefix.size());
}

Result<WaictPolicy> P(const std::string& v) { return ParseWaictPolicy(v, kOrigin); }

}  // namespace

TEST_CASE("categories: names, destinations, classes, order") {
  for (size_t i = 0; i < kCategoryCount; ++i) {
    auto c = static_cast<Category>(i);
    CHECK(ParseCategoryKey(CategoryKey(c)) == c);
  }
  CHECK_FALSE(ParseCategoryKey("mode").has_value());
  CHECK_FALSE(ParseCategoryKey("mode-json").has_value());
  CHECK_FALSE(ParseCategoryKey("MODE-SCRIPT").has_value());
  // The rework's table: xslt under script, worklets under worker, no json.
  CHECK(CategoryOfDestination("xslt") == Category::kScript);
  CHECK(CategoryOfDestination("audioworklet") == Category::kWorker);
  CHECK(CategoryOfDestination("paintworklet") == Category::kWorker);
  CHECK(CategoryOfDestination("serviceworker") == Category::kWorker);
  CHECK(CategoryOfDestination("iframe") == Category::kFrame);
  CHECK(CategoryOfDestination("audio") == Category::kMedia);
  CHECK(CategoryOfDestination("video") == Category::kMedia);
  CHECK(CategoryOfDestination("wasm") == Category::kWasm);
  CHECK(CategoryOfDestination("embed") == Category::kObject);  // Verity: object-src covers embed
  CHECK_FALSE(CategoryOfDestination("json").has_value());
  CHECK_FALSE(CategoryOfDestination("").has_value());
  CHECK_FALSE(CategoryOfDestination("track").has_value());
  CHECK(IsPassive(Category::kImage));
  CHECK(IsPassive(Category::kFont));
  CHECK(IsPassive(Category::kMedia));
  CHECK_FALSE(IsPassive(Category::kStyle));
  CHECK(Stronger(WaictMode::kEnforce, WaictMode::kWarn));
  CHECK(Stronger(WaictMode::kWarn, WaictMode::kReport));
  CHECK_FALSE(Stronger(WaictMode::kReport, WaictMode::kReport));
  CHECK(ParseModeToken("warn") == WaictMode::kWarn);
  CHECK_FALSE(ParseModeToken("Warn").has_value());
}

TEST_CASE("rework header: the draft's example, every category as written") {
  auto lines =
      Lines(std::string(VERITY_VECTORS_DIR) + "/waict-spec-examples/rework-51ec49a.header-examples.txt");
  REQUIRE(lines.size() >= 1);
  std::string value = ValueOf(lines[0], "Integrity-Policy-WAICT-v1");
  REQUIRE(!value.empty());
  auto p = P(value);
  REQUIRE_MESSAGE(p.ok(), p.error().detail);
  CHECK(p->dialect == WaictDialect::kRework);
  CHECK(DialectName(p->dialect) == "rework");
  CHECK(p->max_age == 90);
  CHECK(p->endpoints == std::vector<std::string>{"foo-reports"});
  CHECK_FALSE(p->preload);
  CHECK(p->manifest_url ==
        "https://example.com/.well-known/waict/manifests/baz_manifest_5X_MjpjR0bpBpP3dEF6-hA");
  const std::map<Category, WaictMode> expected = {
      {Category::kDocument, WaictMode::kEnforce}, {Category::kFrame, WaictMode::kEnforce},
      {Category::kScript, WaictMode::kEnforce},   {Category::kObject, WaictMode::kEnforce},
      {Category::kWorker, WaictMode::kEnforce},   {Category::kStyle, WaictMode::kWarn},
      {Category::kImage, WaictMode::kReport},     {Category::kFont, WaictMode::kReport},
      {Category::kMedia, WaictMode::kReport},     {Category::kWasm, WaictMode::kWarn},
      {Category::kInlineJs, WaictMode::kReport},  {Category::kInlineCss, WaictMode::kReport},
  };
  for (const auto& [c, m] : expected) CHECK_MESSAGE(ModeOf(*p, c) == m, CategoryKey(c));
  CHECK(p->mode == WaictMode::kEnforce);  // strongest, for v2 callers
  CHECK_FALSE(PreloadEligible(*p));
  // The -Req header example is the manifest String as sent.
  REQUIRE(lines.size() >= 2);
  CHECK(ValueOf(lines[1], "Integrity-Policy-WAICT-v1-Req") == "\"" + p->manifest_url_raw + "\"");
}

TEST_CASE("rework header: max-age=0 with one category enrolls (acceptance)") {
  auto p = P(R"(max-age=0, mode-script=enforce, manifest="/m.json")");
  REQUIRE_MESSAGE(p.ok(), p.error().detail);
  CHECK(p->dialect == WaictDialect::kRework);
  CHECK(ModeOf(*p, Category::kScript) == WaictMode::kEnforce);
  CHECK_FALSE(ModeOf(*p, Category::kDocument).has_value());
  CHECK_FALSE(ModeOf(*p, Category::kStyle).has_value());
}

TEST_CASE("rework header: void only when max-age / manifest bad or no valid category") {
  CHECK(P(R"(mode-script=enforce, manifest="/m")").code() == ErrorCode::kHeaderMissingMember);
  CHECK(P(R"(max-age=-1, mode-script=enforce, manifest="/m")").code() == ErrorCode::kHeaderInvalidMember);
  CHECK(P(R"(max-age=1, mode-script=enforce)").code() == ErrorCode::kHeaderMissingMember);
  CHECK(P(R"(max-age=1, mode-script=enforce, manifest=m)").code() == ErrorCode::kHeaderInvalidMember);
  // No valid category key: void.
  CHECK(P(R"(max-age=1, mode-script=block, manifest="/m")").code() == ErrorCode::kHeaderInvalidMember);
  CHECK(P(R"(max-age=1, mode-script="enforce", manifest="/m")").code() == ErrorCode::kHeaderInvalidMember);
  CHECK(P(R"(max-age=1, mode-json=enforce, manifest="/m")").code() == ErrorCode::kHeaderMissingMember);
  // An invalid category key next to a valid one is ignored; unknown mode-* keys too.
  auto p = P(R"(max-age=1, mode-script=enforce, mode-style=block, mode-json=enforce, manifest="/m")");
  REQUIRE(p.ok());
  CHECK(ModeOf(*p, Category::kScript) == WaictMode::kEnforce);
  CHECK_FALSE(ModeOf(*p, Category::kStyle).has_value());
  // Duplicate: the last one wins (RFC 9651), also when it is the invalid one.
  auto d = P(R"(max-age=1, mode-script=report, mode-script=warn, manifest="/m")");
  REQUIRE(d.ok());
  CHECK(ModeOf(*d, Category::kScript) == WaictMode::kWarn);
  CHECK(P(R"(max-age=1, mode-script=report, mode-script=nope, manifest="/m")").code() ==
        ErrorCode::kHeaderInvalidMember);
  // Category keys win over a v2 `mode` (the newest text: other keys are ignored).
  auto both = P(R"(max-age=1, mode=enforce, mode-image=report, manifest="/m")");
  REQUIRE(both.ok());
  CHECK(both->dialect == WaictDialect::kRework);
  CHECK_FALSE(ModeOf(*both, Category::kScript).has_value());
  // ... but with no valid category key the v2 reading stays (mode required and used).
  auto v2 = P(R"(max-age=1, mode=enforce, mode-image=bogus, manifest="/m")");
  REQUIRE(v2.ok());
  CHECK(v2->dialect == WaictDialect::kDraft);
  // report-to (rework) vs endpoints (v2): each dialect reads its own member.
  auto rt = P(R"(max-age=1, mode-script=warn, report-to=(a "b" 3), endpoints=(x), manifest="/m")");
  REQUIRE(rt.ok());
  CHECK(rt->endpoints == std::vector<std::string>{"a", "b"});
  CHECK(P(R"(max-age=1, mode-script=warn, report-to=a, manifest="/m")")->endpoints.empty());
  CHECK(P(R"(max-age=1, mode=report, report-to=(a), endpoints=(x), manifest="/m")")->endpoints ==
        std::vector<std::string>{"x"});
}

TEST_CASE("v2 header: every fetch category and wasm get the mode, inline categories none") {
  auto p = P(R"(max-age=90, mode=report, endpoints=(foo), manifest="/m")");
  REQUIRE(p.ok());
  CHECK(p->dialect == WaictDialect::kDraft);
  for (size_t i = 0; i < kCategoryCount; ++i) {
    auto c = static_cast<Category>(i);
    if (c == Category::kInlineJs || c == Category::kInlineCss) {
      CHECK_FALSE(ModeOf(*p, c).has_value());
    } else {
      CHECK_MESSAGE(ModeOf(*p, c) == WaictMode::kReport, CategoryKey(c));
    }
  }
  // v2 has no warn.
  CHECK(P(R"(max-age=90, mode=warn, manifest="/m")").code() == ErrorCode::kHeaderInvalidMember);
}

TEST_CASE("Firefox header: categories of the listed destinations only") {
  auto p = P(R"(manifest="/m", max-age=0, mode=enforce, blocked-destinations=(script image cat))");
  REQUIRE(p.ok());
  CHECK(p->dialect == WaictDialect::kFirefoxNightly);
  CHECK(ModeOf(*p, Category::kScript) == WaictMode::kEnforce);
  CHECK(ModeOf(*p, Category::kImage) == WaictMode::kEnforce);
  CHECK_FALSE(ModeOf(*p, Category::kDocument).has_value());
  CHECK_FALSE(ModeOf(*p, Category::kStyle).has_value());
  // blocked-destinations wins over category keys (Firefox's reading of its own format).
  auto mixed =
      P(R"(manifest="/m", max-age=0, mode=report, mode-style=enforce, blocked-destinations=(script))");
  REQUIRE(mixed.ok());
  CHECK(mixed->dialect == WaictDialect::kFirefoxNightly);
  CHECK_FALSE(ModeOf(*mixed, Category::kStyle).has_value());
}

TEST_CASE("preload eligibility (rework Preloading)") {
  std::string all;
  for (size_t i = 0; i < kCategoryCount; ++i)
    all += std::string(CategoryKey(static_cast<Category>(i))) + "=enforce, ";
  auto ok = P(all + R"(max-age=31536000, preload=?1, manifest="/m")");
  REQUIRE(ok.ok());
  CHECK(PreloadEligible(*ok));
  // Mutated twins: each rule broken once.
  CHECK_FALSE(PreloadEligible(*P(all + R"(max-age=31535999, preload=?1, manifest="/m")")));
  CHECK_FALSE(PreloadEligible(*P(all + R"(max-age=31536000, preload=?0, manifest="/m")")));
  CHECK_FALSE(PreloadEligible(*P(all + R"(max-age=31536000, manifest="/m")")));
  std::string one_warn = all;
  one_warn.replace(one_warn.find("mode-font=enforce"), 17, "mode-font=warn");
  CHECK_FALSE(PreloadEligible(*P(one_warn + R"(max-age=31536000, preload=?1, manifest="/m")")));
  std::string missing = all;
  missing.erase(missing.find("mode-media=enforce, "), 20);
  CHECK_FALSE(PreloadEligible(*P(missing + R"(max-age=31536000, preload=?1, manifest="/m")")));
  // v2 with mode=enforce does not name the inline categories: not eligible under the rework.
  CHECK_FALSE(PreloadEligible(*P(R"(max-age=31536000, mode=enforce, preload=?1, manifest="/m")")));
}

TEST_CASE("per-category record: independent ratchet and expiry") {
  auto h = [](const std::string& v) { return ParseWaictPolicy(v, "https://a.example"); };
  auto r = ApplyPolicyHeader(std::nullopt,
                             h(R"(max-age=100, mode-script=report, mode-style=warn, manifest="/m")"), 1000);
  REQUIRE(r);
  CHECK(r->categories[Index(Category::kScript)] == CategoryRecord{WaictMode::kReport, 1100});
  CHECK(r->categories[Index(Category::kStyle)] == CategoryRecord{WaictMode::kWarn, 1100});
  CHECK(r->mode == WaictMode::kWarn);
  CHECK(r->expires_at == 1100);
  // Upgrade script at once (never for less time than report had: 1100, not 1060), style's weaker mode
  // is ignored, image added.
  auto r2 = ApplyPolicyHeader(
      r, h(R"(max-age=50, mode-script=enforce, mode-style=report, mode-image=report, manifest="/m2")"), 1010);
  REQUIRE(r2);
  CHECK(r2->categories[Index(Category::kScript)] == CategoryRecord{WaictMode::kEnforce, 1100});
  CHECK(r2->categories[Index(Category::kStyle)] == CategoryRecord{WaictMode::kWarn, 1100});
  CHECK(r2->categories[Index(Category::kImage)] == CategoryRecord{WaictMode::kReport, 1060});
  CHECK(r2->manifest_url == "https://a.example/m2");
  CHECK(r2->mode == WaictMode::kEnforce);
  // A header without mode-script leaves it ageing; after 1060 image is gone, script and style live on.
  auto r3 = ApplyPolicyHeader(r2, h(R"(max-age=0, mode-font=report, manifest="/m2")"), 1070);
  REQUIRE(r3);
  CHECK(r3->categories[Index(Category::kScript)].mode == WaictMode::kEnforce);
  CHECK_FALSE(r3->categories[Index(Category::kImage)].mode.has_value());
  CHECK(r3->categories[Index(Category::kStyle)].mode == WaictMode::kWarn);
  CHECK_FALSE(r3->categories[Index(Category::kFont)].mode.has_value());  // max-age=0: not stored
  CHECK(r3->mode == WaictMode::kEnforce);
  CHECK_FALSE(ApplyPolicyHeader(r3, h(R"(max-age=0, mode-font=report, manifest="/m2")"), 1100).has_value());
  // Same mode extends, never shortens.
  auto e = ApplyPolicyHeader(r, h(R"(max-age=500, mode-style=warn, manifest="/m")"), 1050);
  CHECK(e->categories[Index(Category::kStyle)].expires_at == 1550);
  auto e2 = ApplyPolicyHeader(e, h(R"(max-age=1, mode-style=warn, manifest="/m")"), 1060);
  CHECK(e2->categories[Index(Category::kStyle)].expires_at == 1550);
}

TEST_CASE("effective modes: the stronger of record and current header, per category") {
  auto h = ParseWaictPolicy(R"(max-age=100, mode-script=enforce, mode-style=report, manifest="/m")",
                            "https://a.example");
  auto rec = ApplyPolicyHeader(std::nullopt, h, 1000);
  auto cur =
      ParseWaictPolicy(R"(max-age=0, mode-style=enforce, mode-script=report, mode-font=warn, manifest="/m")",
                       "https://a.example");
  REQUIRE(cur.ok());
  auto e = Effective(rec, &*cur, 1010);
  CHECK(e.modes[Index(Category::kScript)] == WaictMode::kEnforce);  // record wins (downgrade protection)
  CHECK(e.expires[Index(Category::kScript)] == 1100);
  CHECK(e.modes[Index(Category::kStyle)] == WaictMode::kEnforce);  // header upgrades at once
  CHECK(e.expires[Index(Category::kStyle)] == 0);
  CHECK(e.modes[Index(Category::kFont)] == WaictMode::kWarn);
  CHECK_FALSE(e.modes[Index(Category::kImage)].has_value());
  auto dead = Effective(rec, nullptr, 1100);
  CHECK_FALSE(StrongestMode(dead.modes).has_value());
}

TEST_CASE("category records: store text round trip and malformed text") {
  CategoryRecords c{};
  c[Index(Category::kScript)] = {WaictMode::kEnforce, 1767225600};
  c[Index(Category::kInlineCss)] = {WaictMode::kWarn, 5};
  std::string text = FormatCategoryRecords(c);
  CHECK(text == "mode-script=enforce@1767225600 mode-inline-css=warn@5");
  auto back = ParseCategoryRecords(text);
  REQUIRE(back.ok());
  CHECK(*back == c);
  CHECK(ParseCategoryRecords("")->at(0).mode == std::nullopt);
  for (const char* bad :
       {"mode-script=enforce", "mode-script@1", "mode-json=enforce@1", "mode-script=block@1",
        "mode-script=enforce@-1", "mode-script=enforce@1x", "mode-script=enforce@", "mode-script=enforce@1 ",
        "mode-script=enforce@1  mode-style=warn@1", "mode-script=enforce@1 mode-script=warn@2",
        "mode-script=enforce@99999999999999999999", "mode-script=enforce@01", "mode-style=warn@0883612500",
        "mode-style=warn@1 mode-script=enforce@1"}) {
    CHECK_MESSAGE(ParseCategoryRecords(bad).code() == ErrorCode::kHeaderBadCategoryRecords, bad);
  }
}

// Firefox's TestWAICTHeaderParsing.cpp cases. Verity gives Firefox's result for each, except the
// deliberate deviations below (docs/formats.md "Deviations from Firefox").
const std::map<std::string, std::string> kHeaderDeviations = {
    {"BlockedDestinations_Missing",
     "without blocked-destinations the header is a valid WAICT v2 header (mode=enforce covers every "
     "category): Verity enforces it, Firefox ignores it (Verity is stricter)"},
};

TEST_CASE("Firefox gtest headers (TestWAICTHeaderParsing.cpp)") {
  auto lines = Lines(std::string(VERITY_VECTORS_DIR) + "/firefox-waict/header_parsing_cases.tsv");
  int cases = 0;
  for (const std::string& line : lines) {
    if (line.empty() || line[0] == '#') continue;
    size_t t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    REQUIRE(t2 != std::string::npos);
    std::string name = line.substr(0, t1), expected = line.substr(t1 + 1, t2 - t1 - 1),
                value = line.substr(t2 + 1);
    auto p = P(value);
    if (auto dev = kHeaderDeviations.find(name); dev != kHeaderDeviations.end()) {
      INFO("deliberate deviation: " << dev->second);
      CHECK(expected == "fail");
      REQUIRE(p.ok());
      CHECK(p->dialect == WaictDialect::kDraft);
      CHECK(p->modes[Index(Category::kScript)] == WaictMode::kEnforce);
      CHECK(p->modes[Index(Category::kDocument)] == WaictMode::kEnforce);
      ++cases;
      continue;
    }
    CHECK_MESSAGE((p.ok() ? "ok" : "fail") == expected,
                  name << ": " << (p.ok() ? "ok" : std::string(WireName(p.code())) + " " + p.error().detail));
    ++cases;
  }
  CHECK(cases == 26);
}

TEST_CASE("the v2 draft's example header") {
  auto lines = Lines(std::string(VERITY_VECTORS_DIR) + "/waict-spec-examples/v2-be8b5f8.header-examples.txt");
  REQUIRE(!lines.empty());
  auto p = P(ValueOf(lines[0], "Integrity-Policy-WAICT-v1"));
  REQUIRE(p.ok());
  CHECK(p->dialect == WaictDialect::kDraft);
  CHECK(p->mode == WaictMode::kReport);
}
