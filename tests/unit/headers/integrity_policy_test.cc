// W3C Integrity-Policy header: every row of tests/vectors/sri/integrity_policy_cases.json.
// Rows with expected_policy null must fail to parse (header.syntax). Rows marked "ambiguous" are
// checked against the choice documented in headers/integrity_policy.h (the file's recommendation):
//   bare-token-not-list       -> member ignored: blocked_destinations []
//   string-instead-of-token   -> only Tokens count: blocked_destinations []
//   endpoints-as-strings      -> only Tokens count: endpoints []
// Skipped rows: none.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "headers/integrity_policy.h"
#include "json/json.h"
#include "vector_file.h"

using namespace verity;
using namespace verity::headers;
using verity::testing::At;

namespace {

std::vector<std::string> Strings(const json::Value& v) {
  std::vector<std::string> out;
  for (const auto& i : v.items()) out.push_back(i.AsString());
  return out;
}

}  // namespace

TEST_CASE("headers: Integrity-Policy vectors") {
  auto doc = testing::ReadVectorFile(std::string(VERITY_VECTORS_DIR) + "/sri/integrity_policy_cases.json");
  REQUIRE_MESSAGE(doc.ok(), (doc.ok() ? "" : doc.error().detail));
  const json::Value* cases = doc->Find("cases");
  REQUIRE(cases != nullptr);
  const std::map<std::string, IntegrityPolicy> ambiguous_choice = {
      {"bare-token-not-list", {{"inline"}, {}, {}}},
      {"string-instead-of-token", {{"inline"}, {}, {}}},
      {"endpoints-as-strings", {{"inline"}, {"script"}, {}}},
  };
  int checked = 0;
  int ambiguous = 0;
  for (const auto& c : cases->items()) {
    const std::string id = At(c, "id").AsString();
    INFO("case " << id);
    auto lines = Strings(At(c, "header_field_lines"));
    auto got = ParseIntegrityPolicyLines(lines);
    const json::Value* exp = c.Find("expected_policy");
    REQUIRE(exp != nullptr);
    ++checked;
    if (exp->is_null()) {
      CHECK(got.code() == ErrorCode::kHeaderSyntax);
      continue;
    }
    REQUIRE(got.ok());
    if (exp->is_string()) {
      REQUIRE(exp->AsString() == "ambiguous");
      auto it = ambiguous_choice.find(id);
      REQUIRE_MESSAGE(it != ambiguous_choice.end(), "undocumented ambiguous row");
      CHECK(*got == it->second);
      ++ambiguous;
      continue;
    }
    IntegrityPolicy want{Strings(At(*exp, "sources")), Strings(At(*exp, "blocked_destinations")),
                         Strings(At(*exp, "endpoints"))};
    CHECK(*got == want);
  }
  CHECK(checked == 20);
  CHECK(ambiguous == 3);
}

TEST_CASE("headers: Integrity-Policy extra cases") {
  CHECK(ParseIntegrityPolicyLines({}).code() == ErrorCode::kHeaderAbsent);
  // sources as an Item is ignored like an absent member.
  auto p = ParseIntegrityPolicy("sources=inline, blocked-destinations=(style)");
  REQUIRE(p);
  CHECK(p->sources == std::vector<std::string>{"inline"});
  CHECK(p->blocked_destinations == std::vector<std::string>{"style"});
  // inline among unknown sources is kept once.
  p = ParseIntegrityPolicy("sources=(waict-manifest-v1-abc inline \"inline\")");
  REQUIRE(p);
  CHECK(p->sources == std::vector<std::string>{"inline"});
  // endpoints keep order and duplicates, drop non-tokens.
  p = ParseIntegrityPolicy("endpoints=(b a b 1 ?1)");
  REQUIRE(p);
  CHECK(p->endpoints == std::vector<std::string>{"b", "a", "b"});
  CHECK(ParseIntegrityPolicy("blocked-destinations=(script").code() == ErrorCode::kHeaderSyntax);
}
