// Operator-side costs at 10k domains (transparency/replay.h; docs/performance.md): what
// manifest-response does per call (parse a tree's heads file, build the MPT, prove one domain) and
// what witness-cosign does per tree (replay 10k new chains, recompute the root).
#include <benchmark/benchmark.h>

#include <string>

#include "core/bytes.h"
#include "transparency/replay.h"

namespace {

using namespace verity;
using namespace verity::transparency;

constexpr size_t kDomains = 10000;

std::vector<DomainNode> Nodes() {
  std::vector<DomainNode> out;
  for (size_t i = 0; i < kDomains; ++i) {
    std::string d = "site" + std::to_string(i) + ".example";
    out.push_back(
        {d, FirstChainNode(1763900000, ComputeResourceHash(AsBytes(d)), ComputeAssetHostsHash({}))});
  }
  return out;
}

HeadMap Heads() {
  HeadMap h;
  for (auto& n : Nodes()) h.emplace(n.domain, n.node);
  return h;
}

void BM_ManifestResponseProof_10k(benchmark::State& state) {
  const std::string text = FormatHeads(Heads());
  const Hash32 key = ComputeMptKey("site4242.example");
  for (auto _ : state) {
    auto heads = ParseHeads(text);
    auto tree = BuildHeadsTree(*heads);
    auto proof = tree->ProveInclusion(key);
    benchmark::DoNotOptimize(FormatMptInclusionProof(*proof));
  }
}
BENCHMARK(BM_ManifestResponseProof_10k)->Unit(benchmark::kMillisecond);

void BM_ProveFromBuiltTree_10k(benchmark::State& state) {
  auto tree = BuildHeadsTree(Heads());
  size_t i = 0;
  for (auto _ : state) {
    auto proof = tree->ProveInclusion(ComputeMptKey("site" + std::to_string(i++ % kDomains) + ".example"));
    benchmark::DoNotOptimize(FormatMptInclusionProof(*proof));
  }
}
BENCHMARK(BM_ProveFromBuiltTree_10k)->Unit(benchmark::kMicrosecond);

void BM_WitnessReplay_10k(benchmark::State& state) {
  const std::string updates_text = FormatDomainNodes(Nodes());
  auto root = BuildHeadsTree(Heads())->root();
  for (auto _ : state) {
    auto updates = ParseDomainNodes(updates_text, false);
    auto next = ReplayTree(WitnessState{}, {"ts.example", 1, root}, *updates);
    if (!next) state.SkipWithError("replay failed");
    benchmark::DoNotOptimize(next);
  }
}
BENCHMARK(BM_WitnessReplay_10k)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
