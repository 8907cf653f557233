// Host throughput benchmarks (docs/performance.md). Not a test.
//
// BM_PipeVerdicts: the REAL verity-host binary (VERITY_HOST_BIN, default <build>/verity-host) behind
//   pipes, private HOME, one enforce-mode site with a 10,000-entry manifest; each iteration pipelines
//   a batch of verdict requests (URLs cycling over the manifest, 1 in 16 tampered) and reads every
//   reply. items_per_second = verdicts per second through stdio framing, dispatch, decision and the
//   SQLite verdict log.
// BM_PipeVerdictBatches/K: the same 10,000 verdicts as `batch` messages of K verdicts each.
// BM_DispatchVerdict: the same request through Dispatcher::Handle in-process (no pipes).
// BM_LoadManifest/N: split + SHA-256 + parse of an N-entry manifest response (what `manifest` costs).
// BM_LoadManifestWithProof/N: the same with transparency required: the proof line is a
//   ChainHeadWithProof (1,000-domain tree, service signature + 2 witness cosignatures) verified
//   against a witness policy (policy/transparency_gate.h); the difference is what transparency adds.
#include <benchmark/benchmark.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "json/json.h"
#include "policy/engine.h"
#include "policy/rules.h"
#include "protocol/dispatch.h"
#include "protocol/framing.h"
#include "transparency/chain.h"
#include "transparency/chain_head.h"
#include "transparency/mpt.h"
#include "transparency/note.h"
#include "transparency/tree_head.h"

using namespace verity;

namespace {

const std::string kOrigin = "https://bench.example";

std::string Body(int i) {
  return "/* resource " + std::to_string(i) + " */ console.log(" + std::to_string(i) + ");\n";
}

std::string ManifestJson(int n) {
  std::string m = R"({"hashes":{)";
  for (int i = 0; i < n; ++i) {
    if (i) m += ',';
    m += "\"/assets/r" + std::to_string(i) + ".js\":\"" + FormatBase64Url(crypto::Sha256(Body(i))) + "\"";
  }
  m += "}}";
  return m;
}

std::string VerdictRequest(int id, int i, bool tamper) {
  std::string body = Body(i) + (tamper ? "x" : "");
  return R"({"id":)" + std::to_string(id) + R"(,"type":"verdict","origin":")" + kOrigin + R"(","url":")" +
         kOrigin + "/assets/r" + std::to_string(i) + R"(.js","destination":"script","sha256":")" +
         FormatBase64(crypto::Sha256(body)) + R"(","status":200,"from_cache":false,"tab":7})";
}

std::string SetupRequests(int entries) {
  std::string s = protocol::EncodeFrame(
      R"({"id":1,"type":"site_state","origin":")" + kOrigin +
      R"(","headers":{"integrity-policy-waict-v1":"max-age=0, mode=enforce, manifest=\"/m\""}})");
  s += protocol::EncodeFrame(R"({"id":2,"type":"manifest","origin":")" + kOrigin + R"(","url":")" + kOrigin +
                             R"(/m","status":200,"body":)" + json::Quote(ManifestJson(entries) + "\n\n") +
                             "}");
  return s;
}

std::string HostBinary() {
  if (const char* e = std::getenv("VERITY_HOST_BIN")) return e;
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "verity-host";
  buf[n] = 0;
  return (std::filesystem::path(buf).parent_path() / ".." / ".." / "verity-host").string();
}

constexpr std::string_view kAllow = "\"action\":\"allow\"";

class Host {
 public:
  Host() {
    char tmpl[] = "/tmp/verity-bench-XXXXXX";
    home_ = ::mkdtemp(tmpl);
    int in[2], out[2];
    if (::pipe(in) != 0 || ::pipe(out) != 0) std::abort();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    for (int fd : {in[0], in[1], out[0], out[1]}) posix_spawn_file_actions_addclose(&fa, fd);
    std::vector<std::string> env_s = {"HOME=" + home_, "XDG_CONFIG_HOME=" + home_ + "/c",
                                      "XDG_DATA_HOME=" + home_ + "/d"};
    std::vector<char*> envp;
    for (auto& s : env_s) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::string bin = HostBinary();
    std::string arg = "chrome-extension://bench/";
    char* argv[] = {bin.data(), arg.data(), nullptr};
    if (posix_spawn(&pid_, bin.c_str(), &fa, nullptr, argv, envp.data()) != 0) std::abort();
    posix_spawn_file_actions_destroy(&fa);
    ::close(in[0]);
    ::close(out[1]);
    in_ = in[1];
    out_ = out[0];
  }
  ~Host() {
    ::close(in_);
    int st;
    ::waitpid(pid_, &st, 0);
    ::close(out_);
    std::error_code ec;
    std::filesystem::remove_all(home_, ec);
  }
  // Writes `bytes` from a thread while reading `replies` frames; returns the number of allow replies.
  size_t Exchange(const std::string& bytes, size_t replies) {
    std::thread w([&] {
      size_t done = 0;
      while (done < bytes.size()) {
        ssize_t r = ::write(in_, bytes.data() + done, bytes.size() - done);
        if (r <= 0) std::abort();
        done += static_cast<size_t>(r);
      }
    });
    size_t allows = 0;
    for (size_t i = 0; i < replies; ++i) {
      uint32_t len = 0;
      ReadExact(reinterpret_cast<char*>(&len), 4);
      if (len >= protocol::kMaxOutboundBytes) std::abort();
      buf_.resize(len);
      ReadExact(buf_.data(), len);
      for (size_t at = buf_.find(kAllow); at != std::string::npos; at = buf_.find(kAllow, at + 1)) ++allows;
    }
    w.join();
    return allows;
  }

 private:
  void ReadExact(char* p, size_t n) {
    while (n) {
      ssize_t r = ::read(out_, p, n);
      if (r <= 0) std::abort();
      p += r;
      n -= static_cast<size_t>(r);
    }
  }
  std::string home_;
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1;
  std::string buf_;
};

void BM_PipeVerdicts(benchmark::State& state) {
  const int entries = 10000;
  const int batch = static_cast<int>(state.range(0));
  Host host;
  host.Exchange(SetupRequests(entries), 2);
  std::string requests;
  for (int k = 0; k < batch; ++k)
    requests += protocol::EncodeFrame(VerdictRequest(100 + k, (k * 7919) % entries, k % 16 == 15));
  size_t allows = 0;
  for (auto _ : state) allows += host.Exchange(requests, static_cast<size_t>(batch));
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["allow_fraction"] =
      static_cast<double>(allows) / static_cast<double>(state.iterations() * batch);
}
BENCHMARK(BM_PipeVerdicts)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same 10,000 verdicts sent as `batch` messages of range(0) verdicts each (what the extension
// sends while a verdict is in flight; docs/protocol.md "batch").
void BM_PipeVerdictBatches(benchmark::State& state) {
  const int entries = 10000, total = 10000;
  const int per = static_cast<int>(state.range(0));
  Host host;
  host.Exchange(SetupRequests(entries), 2);
  std::string requests;
  size_t messages = 0;
  for (int k = 0; k < total; k += per) {
    std::string b = R"({"id":)" + std::to_string(1000000 + k) + R"(,"type":"batch","requests":[)";
    for (int j = k; j < std::min(total, k + per); ++j) {
      b += (j > k ? "," : "") + VerdictRequest(100 + j, (j * 7919) % entries, j % 16 == 15);
    }
    requests += protocol::EncodeFrame(b + "]}");
    ++messages;
  }
  size_t allows = 0;
  for (auto _ : state) allows += host.Exchange(requests, messages);
  state.SetItemsProcessed(state.iterations() * total);
  state.counters["allow_fraction"] =
      static_cast<double>(allows) / static_cast<double>(state.iterations() * total);
}
BENCHMARK(BM_PipeVerdictBatches)->Arg(16)->Arg(64)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_DispatchVerdict(benchmark::State& state) {
  char tmpl[] = "/tmp/verity-bench-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  policy::EngineOptions o;
  o.data_dir = dir;
  o.config_path = dir + "/none.json";
  {
    auto engine = policy::Engine::Open(o);
    protocol::Dispatcher d(*engine, protocol::HostInfo{});
    std::string setup = SetupRequests(10000);
    protocol::MemorySource src(AsBytes(setup));
    protocol::FrameReader r(src, 64u << 20);
    for (int i = 0; i < 2; ++i) d.Handle(r.Next().payload);
    std::vector<std::string> reqs;
    for (int k = 0; k < 1024; ++k) reqs.push_back(VerdictRequest(k, (k * 7919) % 10000, k % 16 == 15));
    size_t k = 0;
    for (auto _ : state) {
      benchmark::DoNotOptimize(d.Handle(reqs[k++ & 1023]));
    }
    d.Idle();
    state.SetItemsProcessed(state.iterations());
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
BENCHMARK(BM_DispatchVerdict);

void BM_LoadManifest(benchmark::State& state) {
  std::string body = ManifestJson(static_cast<int>(state.range(0))) + "\n\n";
  for (auto _ : state) {
    auto m = policy::LoadManifest(kOrigin, body, policy::ProofContext{});
    if (m->summary.state != ManifestState::kIntegrityOnly) state.SkipWithError("manifest rejected");
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_LoadManifest)->Arg(10)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

void BM_LoadManifestWithProof(benchmark::State& state) {
  namespace tp = transparency;
  const int64_t now = 1767225600;
  std::string manifest = ManifestJson(static_cast<int>(state.range(0)));
  tp::SignerKey service = tp::GenerateSignerKey("ts.example", tp::kSigTypeEd25519);
  tp::SignerKey w1 = tp::GenerateSignerKey("w1.example", tp::kSigTypeCosignatureV1);
  tp::SignerKey w2 = tp::GenerateSignerKey("w2.example", tp::kSigTypeWaictCosignature);
  tp::ChainNode head = tp::FirstChainNode(now - 3600, tp::ComputeResourceHash(AsBytes(manifest)), {});
  std::vector<tp::MptLeaf> leaves{{tp::ComputeMptKey("bench.example"), tp::ComputeMptValue(head)}};
  for (int i = 0; i < 999; ++i) {
    std::string d = "d" + std::to_string(i) + ".example";
    leaves.push_back({tp::ComputeMptKey(d), crypto::Sha256(d)});
  }
  auto tree = tp::MptTree::Build(std::move(leaves));
  auto incl = tree->ProveInclusion(tp::ComputeMptKey("bench.example"));
  auto note = tp::SignNote(tp::FormatTreeNoteBody({"ts.example", 1, tree->root()}), service);
  note = tp::AddNoteSignature(*note, w1, now - 60);
  note = tp::AddNoteSignature(*note, w2, now - 60);
  auto proof = tp::FormatChainHeadWithProof({head, tp::FormatMptInclusionProof(*incl), *note});
  std::string body = manifest + "\n" + FormatBase64Url(*proof) + "\n";
  tp::WitnessPolicy policy;
  policy.services.push_back({"ts.example", {tp::VerifierFor(service)}});
  policy.witnesses = {tp::VerifierFor(w1), tp::VerifierFor(w2)};
  policy::ProofContext ctx;
  ctx.required = true;
  ctx.domain = "bench.example";
  ctx.now_s = now;
  ctx.policy = &policy;
  for (auto _ : state) {
    auto m = policy::LoadManifest(kOrigin, body, ctx);
    if (m->summary.state != ManifestState::kVerified) state.SkipWithError(m->detail.c_str());
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_LoadManifestWithProof)->Arg(10)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
