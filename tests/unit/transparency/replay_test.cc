// Operator-side state files and the witness replay (transparency/replay.h).
#include "transparency/replay.h"

#include "test_util.h"

namespace verity::transparency {
namespace {

using testing::kNow;

ChainNode Node(uint64_t t, std::string_view manifest) {
  return FirstChainNode(t, ComputeResourceHash(AsBytes(manifest)), ComputeAssetHostsHash({}));
}
ChainNode Next(const ChainNode& prev, uint64_t t, std::string_view manifest) {
  return NextChainNode(prev, t, ComputeResourceHash(AsBytes(manifest)), ComputeAssetHostsHash({}));
}

struct Log {
  ChainNode a0 = Node(kNow - 100, "a0"), a1 = Next(a0, kNow - 50, "a1"), b0 = Node(kNow - 90, "b0");
  std::vector<DomainNode> first = {{"a.example", a0}, {"b.example", b0}};
  std::vector<DomainNode> second = {{"a.example", a1}};

  TreeNoteBody Body(uint64_t size, const HeadMap& heads) const {
    auto t = BuildHeadsTree(heads);
    REQUIRE(t.ok());
    return {"ts.example", size, t->root()};
  }
};

TEST_CASE("replay: a witness follows two trees of valid appends") {
  Log log;
  WitnessState s;
  auto r1 = ReplayTree(s, log.Body(1, {{"a.example", log.a0}, {"b.example", log.b0}}), log.first);
  REQUIRE(r1.ok());
  CHECK(r1->service == "ts.example");
  CHECK(r1->heads.size() == 2);
  auto r2 = ReplayTree(*r1, log.Body(2, {{"a.example", log.a1}, {"b.example", log.b0}}), log.second);
  REQUIRE(r2.ok());
  CHECK(r2->heads.at("a.example") == log.a1);
  // Re-cosigning the same tree is allowed; the same size with another root is a fork.
  CHECK(ReplayTree(*r2, log.Body(2, r2->heads), {}).ok());
  CHECK(ReplayTree(*r2, log.Body(2, r1->heads), {}).code() == ErrorCode::kTransparencyInconsistentTree);
  // A smaller size is a rollback; another service is refused.
  CHECK(ReplayTree(*r2, log.Body(1, r2->heads), {}).code() == ErrorCode::kTransparencyInconsistentTree);
  TreeNoteBody other = log.Body(3, r2->heads);
  other.service = "other.example";
  CHECK(ReplayTree(*r2, other, {}).code() == ErrorCode::kTransparencyInconsistentTree);
}

TEST_CASE("replay: rewritten history, skipped positions, time going back and withheld updates fail") {
  Log log;
  WitnessState s;
  auto r1 = ReplayTree(s, log.Body(1, {{"a.example", log.a0}, {"b.example", log.b0}}), log.first);
  REQUIRE(r1.ok());
  // Rewritten: a different node at position 0 for a known domain.
  ChainNode forged = Node(kNow - 40, "evil");
  HeadMap forged_heads = {{"a.example", forged}, {"b.example", log.b0}};
  CHECK(ReplayTree(*r1, log.Body(2, forged_heads), {{"a.example", forged}}).code() ==
        ErrorCode::kTransparencyBadChainNode);
  // Rewritten without telling the witness: the root does not follow.
  CHECK(ReplayTree(*r1, log.Body(2, forged_heads), {}).code() == ErrorCode::kTransparencyInconsistentTree);
  // Skipped position.
  ChainNode a2 = Next(log.a1, kNow - 40, "a2");
  CHECK(
      ReplayTree(*r1, log.Body(2, {{"a.example", a2}, {"b.example", log.b0}}), {{"a.example", a2}}).code() ==
      ErrorCode::kTransparencyBadChainNode);
  // Time going backwards.
  ChainNode back = Next(log.a0, kNow - 200, "a1");
  CHECK(ReplayTree(*r1, log.Body(2, {{"a.example", back}, {"b.example", log.b0}}), {{"a.example", back}})
            .code() == ErrorCode::kTransparencyBadChainNode);
  // A new chain that does not start at 0.
  ChainNode c1 = Next(Node(kNow - 30, "c0"), kNow - 20, "c1");
  HeadMap with_c = r1->heads;
  with_c["c.example"] = c1;
  CHECK(ReplayTree(*r1, log.Body(2, with_c), {{"c.example", c1}}).code() ==
        ErrorCode::kTransparencyBadChainNode);
  // The state is unchanged after failures: the honest tree still replays.
  CHECK(ReplayTree(*r1, log.Body(2, {{"a.example", log.a1}, {"b.example", log.b0}}), log.second).ok());
}

TEST_CASE("replay: state files round-trip and reject malformed text") {
  Log log;
  WitnessState s;
  s.service = "ts.example";
  s.size = 7;
  s.heads = {{"a.example", log.a1}, {"b.example", log.b0}};
  s.root = log.Body(7, s.heads).root;
  std::string text = FormatWitnessState(s);
  auto back = ParseWitnessState(text);
  REQUIRE(back.ok());
  CHECK(back->service == s.service);
  CHECK(back->size == 7);
  CHECK(back->root == s.root);
  CHECK(back->heads == s.heads);
  CHECK(FormatWitnessState(*back) == text);
  // Fresh state.
  auto fresh = ParseWitnessState(FormatWitnessState(WitnessState{}));
  REQUIRE(fresh.ok());
  CHECK(fresh->service.empty());
  CHECK(fresh->root == EmptyMptRoot());

  std::string heads = FormatHeads(s.heads);
  CHECK(ParseHeads(heads).ok());
  auto bad = [](std::string t) {
    return ParseWitnessState(t).code() == ErrorCode::kTransparencyBadReplayLog;
  };
  CHECK(bad(""));
  CHECK(bad("verity-witness-state/v2\n- 0 " + FormatBase64(EmptyMptRoot()) + "\n"));
  CHECK(bad("verity-witness-state/v1\n- 01 " + FormatBase64(EmptyMptRoot()) + "\n"));
  CHECK(bad("verity-witness-state/v1\n- 1\n"));
  CHECK(bad("verity-witness-state/v1\nTS.example 1 " + FormatBase64(EmptyMptRoot()) + "\n"));
  CHECK(bad(text.substr(0, text.size() - 1)));             // no final LF
  CHECK(bad(text + text.substr(text.find("a.example"))));  // domains not ascending
  // Heads: swapped order, bad domain, truncated node.
  std::string a = FormatDomainNodes({{"a.example", log.a1}}), b = FormatDomainNodes({{"b.example", log.b0}});
  CHECK(ParseHeads(b + a).code() == ErrorCode::kTransparencyBadReplayLog);
  CHECK(ParseDomainNodes(b + a, false).ok());
  CHECK(ParseHeads("A.example " + a.substr(a.find(' ') + 1)).code() == ErrorCode::kTransparencyBadReplayLog);
  CHECK(ParseHeads(a.substr(0, a.size() - 3) + "\n").code() == ErrorCode::kTransparencyBadReplayLog);
  CHECK(ParseHeads("a.example\n").code() == ErrorCode::kTransparencyBadReplayLog);
  // Padded base64url: one reading per line only.
  CHECK(ParseHeads(a.substr(0, a.size() - 1) + "==\n").code() == ErrorCode::kTransparencyBadReplayLog);
}

}  // namespace
}  // namespace verity::transparency
