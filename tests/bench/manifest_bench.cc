// Manifest split + parse time (1,000 and 10,000 entries, each dialect) and decisions per second.
// Target (design §4.1 brief): a 10,000-entry manifest parses in well under 5 ms.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "integrity/decision.h"
#include "integrity/manifest.h"
#include "integrity/manifest_response.h"
#include "json/json.h"

using namespace verity;
using namespace verity::integrity;

namespace {

Hash32 EntryHash(int64_t i) { return crypto::Sha256("asset body " + std::to_string(i)); }
std::string EntryPath(int64_t i) {
  return "/static/chunks/" + std::to_string(i % 97) + "/module-" + std::to_string(i) + ".js";
}

std::string WaictManifest(int64_t n) {
  std::string s = R"({"hashes":{)";
  for (int64_t i = 0; i < n; ++i) {
    if (i) s += ',';
    s += '"' + EntryPath(i) + R"(":")" + FormatBase64Url(EntryHash(i)) + '"';
  }
  s += R"(},"wasm_hashes":[")" + FormatBase64Url(EntryHash(-1)) + R"("]})";
  return s;
}

std::string ArticleManifest(int64_t n) {
  std::string s =
      R"J({"manifest":{"version":1,"integrity-policy":"blocked-destinations=(script), checked-destinations=(wasm)","hashes":{)J";
  for (int64_t i = 0; i < n; ++i) {
    if (i) s += ',';
    s += '"' + FormatHex(EntryHash(i)) + R"(":")" + EntryPath(i) + '"';
  }
  s += "}}}";
  return s;
}

const Url& Origin() {
  static const Url o = *ParseUrl("https://app.example.com");
  return o;
}

void BM_ParseWaict(benchmark::State& state) {
  std::string json = WaictManifest(state.range(0));
  for (auto _ : state) {
    auto m = ParseManifest(json, Origin());
    if (!m) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(json.size()));
  state.counters["entries"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_ParseWaict)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_ParseArticle(benchmark::State& state) {
  std::string json = ArticleManifest(state.range(0));
  for (auto _ : state) {
    auto m = ParseManifest(json, Origin());
    if (!m) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(json.size()));
}
BENCHMARK(BM_ParseArticle)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// Breakdown: the owned JSON tree alone, and key canonicalisation alone.
void BM_JsonTreeOnly(benchmark::State& state) {
  std::string json = WaictManifest(state.range(0));
  for (auto _ : state) {
    auto v = json::Parse(json);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_JsonTreeOnly)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_CanonicalizeKeys(benchmark::State& state) {
  std::vector<std::string> keys;
  for (int64_t i = 0; i < state.range(0); ++i) keys.push_back(EntryPath(i));
  for (auto _ : state) {
    for (const std::string& k : keys) {
      auto c = CanonicalizeUrl(k, Origin());
      benchmark::DoNotOptimize(c);
    }
  }
}
BENCHMARK(BM_CanonicalizeKeys)->Arg(10000)->Unit(benchmark::kMillisecond);

// Split + parse of a full manifest response with a 2 KB proof line.
void BM_SplitAndParse(benchmark::State& state) {
  Bytes proof(2048, 0x5a);
  std::string body = WaictManifest(state.range(0)) + "\n" + FormatBase64Url(proof) + "\n";
  for (auto _ : state) {
    auto r = SplitManifestResponse(body);
    if (!r) state.SkipWithError("split failed");
    auto m = ParseManifest(r->manifest, Origin());
    if (!m) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_SplitAndParse)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_Decide(benchmark::State& state) {
  const int64_t n = 10000;
  auto m = ParseManifest(WaictManifest(n), Origin());
  std::vector<std::string> urls;
  std::vector<Hash32> hashes;
  for (int64_t i = 0; i < 1024; ++i) {
    urls.push_back("https://app.example.com" + EntryPath(i * 7 % n));
    hashes.push_back(EntryHash(i * 7 % n));
  }
  size_t k = 0, allowed = 0;
  for (auto _ : state) {
    ResourceFacts r;
    r.url = urls[k & 1023];
    r.destination = Destination::kScript;
    r.body_hash = hashes[k & 1023];
    Decision d = DecideResource(*m, r, Mode::kEnforce);
    allowed += d.action == Action::kAllow;
    benchmark::DoNotOptimize(d);
    ++k;
  }
  if (allowed != k) state.SkipWithError("unexpected verdict");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Decide);

}  // namespace

BENCHMARK_MAIN();
