// One table of request URLs (tests/vectors/verity-urls/cases.json) with the host's canonical form or
// error code; the extension's canonicaliser (tests/extension-unit/canonical_url.test.js) reads the
// same table, so a decision-table key means the same URL on both sides (issue #12).
#include <doctest/doctest.h>

#include "url/url.h"
#include "vector_file.h"

using namespace verity;

TEST_CASE("shared URL table: the host canonicalises every case as the table says") {
  auto doc = testing::ReadVectorFile(std::string(VERITY_VECTORS_DIR) + "/verity-urls/cases.json");
  REQUIRE_MESSAGE(doc.ok(), doc.error().detail);
  REQUIRE(doc->items().size() >= 40);
  size_t exact = 0;
  for (const auto& c : doc->items()) {
    const std::string input = testing::At(c, "input").AsString();
    auto r = url::CanonicalizeUrl(input);
    if (const json::Value* want = c.Find("canonical")) {
      REQUIRE_MESSAGE(r.ok(), input, ": ", r.error().detail);
      CHECK_MESSAGE(*r == want->AsString(), input);
      auto again = url::CanonicalizeUrl(*r);  // a canonical URL is its own key
      REQUIRE(again.ok());
      CHECK(*again == *r);
    } else {
      REQUIRE_MESSAGE(!r.ok(), input, " -> ", *r);
      CHECK_MESSAGE(WireName(r.code()) == testing::At(c, "error").AsString(), input);
      CHECK(testing::At(c, "js").AsString() == "ask");  // the extension must not guess a key
    }
    exact += testing::At(c, "js").AsString() == "exact";
  }
  CHECK(exact >= 20);
}
