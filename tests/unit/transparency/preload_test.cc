#include "transparency/preload.h"

#include <doctest/doctest.h>

#include "test_util.h"

using namespace verity;
using namespace verity::transparency;
using namespace verity::transparency::testing;

namespace {

struct PreloadWorld : World {
  SignerKey list_key = MakeSignerKey("browser.example/preload", kSigTypeEd25519, SeedFrom(70));
  PreloadPolicy pp{{VerifierFor(list_key)}};

  std::string List(uint64_t issued, std::vector<std::string> domains, int64_t cosign_time = kNow) {
    auto body = FormatPreloadListBody({issued, std::move(domains)});
    REQUIRE(body.ok());
    auto n = SignNote(*body, list_key);
    REQUIRE(n.ok());
    std::string note = *n;
    for (const SignerKey* w : {&w1, &w2})
      note = *AddNoteSignature(note, *w, static_cast<uint64_t>(cosign_time));
    return note;
  }
};

}  // namespace

TEST_CASE("preload list body: format and parse") {
  auto body = FormatPreloadListBody({1763856000, {"mail.example", "bank.example", "mail.example"}});
  REQUIRE(body.ok());
  CHECK(*body == "waict-preload/v1\ntime 1763856000\nbank.example\nmail.example\n");
  auto l = ParsePreloadListBody(*body);
  REQUIRE(l.ok());
  CHECK(l->issued == 1763856000);
  CHECK(l->Contains("bank.example"));
  CHECK_FALSE(l->Contains("bank.exampl"));
  CHECK_FALSE(l->Contains("evil.example"));
  CHECK(ParsePreloadListBody("waict-preload/v1\ntime 5\n").ok());  // empty list
  for (std::string bad : {
           std::string("waict-preload/v2\ntime 5\n"),
           std::string("waict-preload/v1\ntime 05\n"),
           std::string("waict-preload/v1\ntime 9223372036854775808\n"),
           std::string("waict-preload/v1\nissued 5\n"),
           std::string("waict-preload/v1\ntime 5\nb.example\na.example\n"),  // not sorted
           std::string("waict-preload/v1\ntime 5\na.example\na.example\n"),  // duplicate
           std::string("waict-preload/v1\ntime 5\nA.example\n"),
           std::string("waict-preload/v1\ntime 5\na..example\n"),
           std::string("waict-preload/v1\ntime 5\n-a.example\n"),
           std::string("waict-preload/v1\ntime 5\na.example.\n"),
           std::string("waict-preload/v1\ntime 5\n\n"),
           std::string("waict-preload/v1\ntime 5\na.example"),
       }) {
    CAPTURE(bad);
    CHECK(ParsePreloadListBody(bad).code() == ErrorCode::kTransparencyBadPreloadList);
  }
  CHECK(!FormatPreloadListBody({1, {"Bad.Example"}}).ok());
}

TEST_CASE("preload list verification and twins") {
  PreloadWorld w;
  const int64_t day = 86400;
  std::string note = w.List(kNow - day, {"app.example", "bank.example"});
  auto l = VerifyPreloadList(note, w.pp, w.policy, kNow);
  REQUIRE_MESSAGE(l.ok(), l.error().detail);
  CHECK(l->Contains("app.example"));
  // 30 days old passes, older is stale; in the future rejected.
  CHECK(VerifyPreloadList(w.List(kNow - 30 * day, {"a.example"}), w.pp, w.policy, kNow).ok());
  CHECK(VerifyPreloadList(w.List(kNow - 30 * day - 1, {"a.example"}), w.pp, w.policy, kNow).code() ==
        ErrorCode::kTransparencyStalePreloadList);
  CHECK(VerifyPreloadList(w.List(kNow + 301, {"a.example"}), w.pp, w.policy, kNow).code() ==
        ErrorCode::kTransparencyFutureTimestamp);
  // Domain line removed after signing: signatures break.
  Note parsed = *ParseNote(note);
  parsed.text = "waict-preload/v1\ntime " + std::to_string(kNow - day) + "\nbank.example\n";
  CHECK(VerifyPreloadList(FormatNote(parsed), w.pp, w.policy, kNow).code() ==
        ErrorCode::kTransparencyBadSignature);
  // Signed by another key: no verified list signature.
  PreloadWorld other;
  other.list_key = MakeSignerKey("browser.example/preload", kSigTypeEd25519, SeedFrom(71));
  CHECK(VerifyPreloadList(other.List(kNow, {"a.example"}), w.pp, w.policy, kNow).code() ==
        ErrorCode::kTransparencyNoVerifiedSignature);
  // Not cosigned enough.
  std::string uncosigned =
      *SignNote(*FormatPreloadListBody({static_cast<uint64_t>(kNow), {"a.example"}}), w.list_key);
  CHECK(VerifyPreloadList(uncosigned, w.pp, w.policy, kNow).code() ==
        ErrorCode::kTransparencyTooFewWitnesses);
  // Stale cosignatures.
  CHECK(VerifyPreloadList(w.List(kNow, {"a.example"}, kNow - 8 * day), w.pp, w.policy, kNow).code() ==
        ErrorCode::kTransparencyStaleCosignature);
  // Malformed.
  CHECK(VerifyPreloadList("garbage", w.pp, w.policy, kNow).code() == ErrorCode::kTransparencyMalformedNote);
}

TEST_CASE("tombstone cooldown for preloaded sites") {
  const int64_t day = 86400;
  CHECK(CheckPreloadedSite(std::nullopt, kNow).code() == ErrorCode::kTransparencyProofRequired);
  VerifiedHead live;
  live.head.entry.resource_hash[0] = 1;
  live.head.entry.time_created = kNow;
  REQUIRE(CheckPreloadedSite(live, kNow).ok());
  CHECK(*CheckPreloadedSite(live, kNow) == PreloadedSiteState::kEnforce);
  VerifiedHead tomb;
  tomb.tombstone = true;
  tomb.head.entry.time_created = static_cast<uint64_t>(kNow - day);
  REQUIRE(CheckPreloadedSite(tomb, kNow).ok());
  CHECK(*CheckPreloadedSite(tomb, kNow) == PreloadedSiteState::kUnenrolled);
  tomb.head.entry.time_created = static_cast<uint64_t>(kNow - day + 1);
  CHECK(CheckPreloadedSite(tomb, kNow).code() == ErrorCode::kTransparencyTombstoneTooRecent);
  tomb.head.entry.time_created = UINT64_MAX;
  CHECK(CheckPreloadedSite(tomb, kNow).code() == ErrorCode::kTransparencyTombstoneTooRecent);
}

TEST_CASE("tombstone head end to end: verifies without a manifest, then cooldown applies") {
  World w;
  ChainNode tomb = NextChainNode(w.head, static_cast<uint64_t>(kNow - 2 * 86400), Hash32{}, Hash32{});
  w.head = tomb;
  auto t = MptTree::Build({{ComputeMptKey(w.domain), ComputeMptValue(tomb)}});
  w.tree = std::move(*t);
  auto v = VerifyChainHeadWithProof(w.HeadWithProof(), w.domain, {}, w.policy, kNow);
  REQUIRE_MESSAGE(v.ok(), v.error().detail);
  CHECK(v->tombstone);
  CHECK(*CheckPreloadedSite(*v, kNow) == PreloadedSiteState::kUnenrolled);
  CHECK(CheckPreloadedSite(*v, kNow - 86400 - 1).code() == ErrorCode::kTransparencyTombstoneTooRecent);
}
