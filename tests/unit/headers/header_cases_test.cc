// One table of Integrity-Policy-WAICT-v1 cases (tests/vectors/verity-headers/cases.json) that the
// host's reader and the extension's (tests/extension-unit/header_cases.test.js) must answer alike.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "headers/category.h"
#include "headers/waict_policy.h"
#include "json/json.h"

using namespace verity;
using namespace verity::headers;

namespace {

std::string ReadCases() {
  std::ifstream f(std::string(VERITY_VECTORS_DIR) + "/verity-headers/cases.json", std::ios::binary);
  REQUIRE(f.good());
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The table uses the extension's names: "v2" for the draft, else the host's own dialect names.
std::string_view TableDialect(WaictDialect d) { return d == WaictDialect::kDraft ? "v2" : DialectName(d); }

std::vector<std::string> Strings(const json::Value* v) {
  std::vector<std::string> out;
  if (v)
    for (const auto& s : v->items()) out.push_back(s.AsString());
  return out;
}

}  // namespace

TEST_CASE("shared header table: the host reads every case as the table (and the extension) says") {
  auto cases = json::Parse(ReadCases());
  REQUIRE(cases.ok());
  REQUIRE(cases->items().size() >= 20);
  for (const auto& c : cases->items()) {
    const std::string header(*c.GetString("header"));
    CAPTURE(header);
    auto p = ParseWaictPolicy(header, "https://a.example");
    CHECK(p.ok() == *c.GetBool("enrolls"));
    if (!p.ok() || !*c.GetBool("enrolls")) continue;
    CHECK(TableDialect(p->dialect) == *c.GetString("dialect"));
    CHECK(ModeName(p->mode) == *c.GetString("mode"));
    CHECK(p->max_age == *c.GetInt("max_age"));
    CHECK(p->manifest_url_raw == *c.GetString("manifest"));
    const json::Value* modes = c.Find("modes");
    for (size_t i = 0; i < kCategoryCount; ++i) {
      const std::string key(CategoryKey(static_cast<Category>(i)));
      CAPTURE(key);
      auto want = modes ? modes->GetString(key) : std::nullopt;
      if (p->dialect != WaictDialect::kRework) break;  // v2/Firefox: one site-wide mode (checked above)
      CHECK(p->modes[i].has_value() == want.has_value());
      if (p->modes[i] && want) CHECK(ModeName(*p->modes[i]) == *want);
    }
    CHECK(p->blocked_destinations == Strings(c.Find("blocked_destinations")));
    CHECK(p->endpoints == Strings(c.Find("report_to")));
  }
}
