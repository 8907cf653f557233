// Public manifest vectors: Firefox's own gtest inputs (tests/vectors/firefox-waict, with
// Firefox's expected results) and the drafts' own examples (tests/vectors/waict-spec-examples).
// Every case runs; where Verity deliberately differs from Firefox the case is listed in
// kDeviations with the reason (docs/formats.md "Deviations from Firefox" lists the same).
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "core/encoding.h"
#include "integrity/hash_text.h"
#include "integrity/manifest.h"
#include "vector_file.h"

using namespace verity;
using namespace verity::integrity;

namespace {

std::string ReadText(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

Url Origin() { return *ParseUrl("https://example.com"); }

// Firefox's result names for a Verity parse outcome.
std::string FirefoxName(const Result<Manifest>& r) {
  if (r.ok()) return "OK";
  switch (r.code()) {
    case ErrorCode::kManifestInvalidJson:
    case ErrorCode::kManifestNotObject:
    case ErrorCode::kManifestDuplicateKey:
      return "InvalidJSON";
    case ErrorCode::kManifestNoHashes:
      return "MissingHashes";
    case ErrorCode::kManifestBadHash:
    case ErrorCode::kManifestBadUrlKey:
      return "InvalidHashFormat";
    default:
      return std::string(WireName(r.code()));
  }
}

// Cases where Verity's reading of a manifest served to a WAICT-v2/rework site (no
// blocked-destinations in the header: ManifestHint::kAuto) differs from Firefox's, and why.
const std::map<std::string, std::string> kAutoDeviations = {
    {"MissingBothHashesAndAnyHashes",
     "v2/rework: every member is optional, {} is a valid (empty) manifest; nothing is allowed by it"},
    {"EmptyHashesAndNoAnyHashes", "v2/rework: an empty url_hashes object is valid; it allows nothing"},
};

}  // namespace

TEST_CASE(
    "Firefox gtest manifests (TestWAICTManifestValidation.cpp): Firefox's result on a Firefox-format site") {
  auto doc = testing::ReadVectorFile(std::string(VERITY_VECTORS_DIR) +
                                     "/firefox-waict/manifest_validation_cases.json");
  REQUIRE_MESSAGE(doc.ok(), doc.error().detail);
  REQUIRE(doc->is_array());
  CHECK(doc->items().size() == 37);
  std::set<std::string> seen;
  for (const json::Value& c : doc->items()) {
    std::string name(testing::At(c, "name").AsString());
    std::string expected(testing::At(c, "firefox_expected").AsString());
    std::string input(testing::At(c, "input").AsString());
    seen.insert(expected);
    // A site whose header carries blocked-destinations (the Firefox format): no deviation at all.
    auto ff = ParseManifest(input, Origin(), ManifestHint::kFirefoxHeader);
    CHECK_MESSAGE(FirefoxName(ff) == expected,
                  name << ": Verity " << FirefoxName(ff) << (ff.ok() ? "" : " " + ff.error().detail));
    if (ff.ok()) CHECK_MESSAGE(ff->dialect == Dialect::kFirefox, name);
    // The same text served to a v2/rework site: Firefox's result except the documented cases.
    auto au = ParseManifest(input, Origin());
    auto dev = kAutoDeviations.find(name);
    if (dev == kAutoDeviations.end()) {
      CHECK_MESSAGE(FirefoxName(au) == expected, name << " (auto): Verity " << FirefoxName(au));
    } else {
      INFO("deliberate deviation: " << dev->second);
      CHECK_MESSAGE(FirefoxName(au) == "OK", name);
      CHECK_MESSAGE(au->entry_count() == 0, name);
    }
  }
  // The file exercises all four of Firefox's outcomes.
  CHECK(seen == std::set<std::string>{"OK", "InvalidJSON", "MissingHashes", "InvalidHashFormat"});
}

TEST_CASE("Firefox gtest manifest with non-zero trailing bits keeps its bytes") {
  auto doc = testing::ReadVectorFile(std::string(VERITY_VECTORS_DIR) +
                                     "/firefox-waict/manifest_validation_cases.json");
  REQUIRE(doc.ok());
  for (const json::Value& c : doc->items()) {
    if (testing::At(c, "name").AsString() != "ValidManifestWithMixedCaseBase64") continue;
    auto m = ParseManifest(testing::At(c, "input").AsString(), Origin(), ManifestHint::kFirefoxHeader);
    REQUIRE(m.ok());
    const HashList* h = m->Find("https://example.com/script.js");
    REQUIRE(h != nullptr);
    CHECK(FormatSha256(h->first) == "R4J9Yw07MpTfSq6zRYOv0aU8HFN2nQJQqmbQkl_SwCw");
  }
}

TEST_CASE("the drafts' own manifest examples parse (they used to fail on trailing bits)") {
  const std::string dir = std::string(VERITY_VECTORS_DIR) + "/waict-spec-examples/";
  struct Example {
    const char* file;
    size_t url_entries, inline_js, event_handler, eval, inline_css, style_attr, inline_url;
  };
  const Example examples[] = {
      {"v2-be8b5f8.manifest-example.json", 3, 0, 0, 0, 0, 0, 0},
      {"rework-51ec49a.manifest-example.json", 3, 1, 0, 1, 1, 0, 1},
      {"rework-newest-idx67521482535.manifest-example.json", 3, 1, 1, 1, 1, 1, 1},
  };
  for (const Example& e : examples) {
    std::string text = ReadText(dir + e.file);
    REQUIRE_MESSAGE(!text.empty(), e.file);
    auto m = ParseManifest(text, Origin());
    REQUIRE_MESSAGE(m.ok(), e.file << ": " << m.error().detail);
    CHECK(m->dialect == Dialect::kWaict);
    CHECK(m->url_hashes.size() == e.url_entries);
    CHECK(m->wasm_hashes.size() == 2);
    CHECK(m->fallback_hashes.size() == 2);
    CHECK(m->wildcard_hashes.size() == 3);
    CHECK(m->inline_js_hashes.size() == e.inline_js);
    CHECK(m->event_handler_hashes.size() == e.event_handler);
    CHECK(m->eval_hashes.size() == e.eval);
    CHECK(m->inline_css_hashes.size() == e.inline_css);
    CHECK(m->style_attr_hashes.size() == e.style_attr);
    CHECK(m->inline_url_hashes.size() == e.inline_url);
    CHECK(m->resource_delimiter == "/* MY DELIM */");
    // Relative and cross-origin keys resolve against the top-level origin.
    CHECK(m->Find("https://example.com/assets/x.html") != nullptr);
    CHECK(m->Find("https://my-fave-cdn.example/assets/css/main.css") != nullptr);
    // The v2 example (standard base64, padded) and the rework ones (base64url) name the same bytes.
    CHECK(FormatSha256(m->Find("https://example.com/favicon.ico")->first) ==
          "zbt5ebcBGt1-gr6F0vJbpOv7p4tV_fIbFH4AafxtBl0");
  }
  // Mutated twin: a truncated example hash voids the manifest (draft: not 32 bytes -> invalid).
  std::string text = ReadText(dir + "rework-51ec49a.manifest-example.json");
  auto pos = text.find("9Yp1l4ZGmRkNvT7WdF3xJoYqUbLcEzKi5sHaDPnVrM4");
  REQUIRE(pos != std::string::npos);
  text.erase(pos, 2);
  CHECK(ParseManifest(text, Origin()).code() == ErrorCode::kManifestBadHash);
}
