// Every row of tests/vectors/sri/sri_match_cases.json through the host API (digests from the
// file) and the body API (digests computed here). Unsettled rows follow the policy table in
// native_host/src/sri/sri.h; a new unsettled row without a recorded policy fails the test.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "core/encoding.h"
#include "json/json.h"
#include "sri/sri.h"
#include "vector_file.h"

using namespace verity;
using namespace verity::sri;
using verity::testing::At;

namespace {

const std::string kCases = std::string(VERITY_VECTORS_DIR) + "/sri/sri_match_cases.json";

// The policy table of sri.h, keyed by the exact integrity string of the unsettled rows.
const std::map<std::string, SriOutcome>& RecordedPolicy() {
  static const std::map<std::string, SriOutcome> kPolicy = {
      {"sha256-...", SriOutcome::kMismatch},
      {"sha384-cINXh-nCzEHPWzXS7eoT-vYMBpyqczOybRLNU3XAButFWCRhHT5hLByIbPRqIm2f", SriOutcome::kMatch},
      {"sha256-Bu681KMnQ15RYHFvsYdWumweeFAw0hJDTFt9seErghA", SriOutcome::kMatch},
      {"SHA256-Bu681KMnQ15RYHFvsYdWumweeFAw0hJDTFt9seErghA=", SriOutcome::kMatch},
      {"SHA256-deadbeefdeadbeefdeadbeefdeadbeefdeadbeefdead", SriOutcome::kMismatch},
      {"sha-256-Bu681KMnQ15RYHFvsYdWumweeFAw0hJDTFt9seErghA=", SriOutcome::kNoMetadata},
  };
  return kPolicy;
}

BodyDigests DigestsFromVector(const json::Value& body) {
  BodyDigests d;
  const auto& b64 = At(body, "digests_base64");
  d.sha256 = *ParseBase64(At(b64, "sha256").AsString());
  d.sha384 = *ParseBase64(At(b64, "sha384").AsString());
  d.sha512 = *ParseBase64(At(b64, "sha512").AsString());
  return d;
}

}  // namespace

TEST_CASE("sri vectors: bodies reproduce their recorded digests") {
  auto doc = testing::ReadVectorFile(kCases);
  REQUIRE_MESSAGE(doc.ok(), (doc.ok() ? "" : doc.error().detail));
  const json::Value& root = *doc;
  const auto& bodies = At(root, "bodies");
  REQUIRE(bodies.members().size() == 3);
  for (const auto& [name, body] : bodies.members()) {
    CAPTURE(name);
    BodyDigests computed = BodyDigests::Compute(AsBytes(At(body, "utf8").AsString()));
    BodyDigests recorded = DigestsFromVector(body);
    CHECK(*computed.sha256 == *recorded.sha256);
    CHECK(*computed.sha384 == *recorded.sha384);
    CHECK(*computed.sha512 == *recorded.sha512);
  }
}

TEST_CASE("sri vectors: every row matches its expectation or the recorded policy") {
  auto doc = testing::ReadVectorFile(kCases);
  REQUIRE_MESSAGE(doc.ok(), (doc.ok() ? "" : doc.error().detail));
  const json::Value& root = *doc;
  const auto& cases = At(root, "cases").items();
  REQUIRE(cases.size() == 40);
  std::map<std::string, int> by_expected;
  int policy_rows = 0;
  for (const auto& c : cases) {
    const std::string& integrity = At(c, "integrity").AsString();
    const std::string& expected = At(c, "expected").AsString();
    CAPTURE(integrity);
    CAPTURE(At(c, "name").AsString());
    ++by_expected[expected];
    const json::Value* body = At(root, "bodies").Find(At(c, "body").AsString());
    REQUIRE(body != nullptr);

    auto md = ParseMetadata(integrity);
    REQUIRE(md.ok());
    SriOutcome want;
    if (expected == "match") {
      want = md->empty() ? SriOutcome::kNoMetadata : SriOutcome::kMatch;
    } else if (expected == "no-match") {
      want = SriOutcome::kMismatch;
    } else {
      REQUIRE((expected == "divergent" || expected == "disputed"));
      auto it = RecordedPolicy().find(integrity);
      REQUIRE_MESSAGE(it != RecordedPolicy().end(), "unsettled row without a recorded policy in sri.h");
      want = it->second;
      ++policy_rows;
    }
    // Host path: digests supplied by the extension.
    BodyDigests all = DigestsFromVector(*body);
    CHECK(SriOutcomeName(MatchSri(*md, all)) == SriOutcomeName(want));
    // Body path.
    SriCheck viaBody = CheckSriBody(integrity, AsBytes(At(*body, "utf8").AsString()));
    CHECK(SriOutcomeName(viaBody.outcome) == SriOutcomeName(want));
    if (want == SriOutcome::kMismatch) CHECK(viaBody.reason != ErrorCode::kOk);

    // Only the digests RequiredAlgorithms names: same outcome. None of them: kDigestMissing.
    auto required = RequiredAlgorithms(*md);
    BodyDigests only;
    for (auto a : required) only.Set(a, *all.Get(a));
    CHECK(SriOutcomeName(MatchSri(*md, only)) == SriOutcomeName(want));
    if (!required.empty()) {
      CHECK(MatchSri(*md, BodyDigests{}) == SriOutcome::kDigestMissing);
    } else {
      // Nothing to compute: either no constraint or only malformed strongest entries.
      CHECK(MatchSri(*md, BodyDigests{}) == want);
    }
  }
  CHECK(by_expected["match"] == 25);
  CHECK(by_expected["no-match"] == 9);
  CHECK(by_expected["divergent"] == 5);
  CHECK(by_expected["disputed"] == 1);
  CHECK(policy_rows == static_cast<int>(RecordedPolicy().size()));
}

TEST_CASE("sri vectors: matching rows fail against another body (mutated twin)") {
  auto doc = testing::ReadVectorFile(kCases);
  REQUIRE_MESSAGE(doc.ok(), (doc.ok() ? "" : doc.error().detail));
  const json::Value& root = *doc;
  int checked = 0;
  for (const auto& c : At(root, "cases").items()) {
    auto md = ParseMetadata(At(c, "integrity").AsString());
    REQUIRE(md.ok());
    std::string body = At(*At(root, "bodies").Find(At(c, "body").AsString()), "utf8").AsString();
    if (MatchSri(*md, BodyDigests::Compute(AsBytes(body))) != SriOutcome::kMatch) continue;
    CAPTURE(At(c, "integrity").AsString());
    body.back() ^= 1;
    CHECK(MatchSri(*md, BodyDigests::Compute(AsBytes(body))) == SriOutcome::kMismatch);
    ++checked;
  }
  CHECK(checked >= 20);
}
