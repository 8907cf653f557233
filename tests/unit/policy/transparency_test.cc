// The verdict engine with real transparency artifacts built in-test (design §4.2): a service key
// signs a prefix-tree note, two witnesses cosign it (C2SP cosignature/v1 and the WAICT form), an MPT
// holds several domains, the site serves "manifest LF base64(ChainHeadWithProof) LF". Every valid
// case has mutated twins that must block with the specific transparency code.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config/config.h"
#include "core/encoding.h"
#include "crypto/hash.h"
#include "policy/engine.h"
#include "policy/transparency_gate.h"
#include "transparency/chain.h"
#include "transparency/chain_head.h"
#include "transparency/mpt.h"
#include "transparency/note.h"
#include "transparency/preload.h"
#include "transparency/tree_head.h"

using namespace verity;
using namespace verity::policy;
using namespace verity::transparency;

namespace {

constexpr int64_t kNow = 1767225600;  // 2026-01-01
const std::string kOrigin = "https://app.example";
const std::string kDomain = "app.example";
const std::string kScript = "console.log('app')\n";

std::string ManifestJson(const std::string& body = kScript) {
  return R"({"hashes":{"/app.js":")" + FormatBase64Url(crypto::Sha256(body)) + R"("}})";
}

// The operator side: service, two witnesses (one per cosignature form), a preload-list key.
struct Operator {
  SignerKey service = GenerateSignerKey("ts.example", kSigTypeEd25519);
  SignerKey w1 = GenerateSignerKey("w1.example", kSigTypeCosignatureV1);
  SignerKey w2 = GenerateSignerKey("w2.example", kSigTypeWaictCosignature);
  SignerKey list_key = GenerateSignerKey("preload.example", kSigTypeEd25519);

  // config.json text. w2 is configured as a type-0x01 vkey + form "waict" (the glue re-types it).
  std::string Config(bool with_service = true, const SignerKey* service_key = nullptr,
                     const std::string& extra = "") const {
    const SignerKey& sk = service_key ? *service_key : service;
    std::string services =
        with_service ? R"([{"name":"ts.example","key":")" + FormatVerifierKey(VerifierFor(sk)) + R"("}])"
                     : "[]";
    std::string w2_key = FormatVerifierKey(MakeVerifierKey(w2.name, kSigTypeEd25519, w2.pair.public_key));
    return R"({"transparency":{"services":)" + services + R"(,"witnesses":[{"name":"w1","key":")" +
           FormatVerifierKey(VerifierFor(w1)) + R"(","form":"c2sp"},{"name":"w2","key":")" + w2_key +
           R"(","form":"waict"}],"witness_threshold":2,"preload_list_key":")" +
           FormatVerifierKey(VerifierFor(list_key)) + "\"" + extra + "}}";
  }

  // A signed, cosigned tree note over `root`.
  std::string Note(const Hash32& root, int64_t cosign_time = kNow - 60, int witnesses = 2) const {
    auto n = SignNote(FormatTreeNoteBody({"ts.example", 7, root}), service);
    REQUIRE(n.ok());
    std::string note = *n;
    const SignerKey* ws[] = {&w1, &w2};
    for (int i = 0; i < witnesses; ++i) {
      auto c = AddNoteSignature(note, *ws[i], static_cast<uint64_t>(cosign_time));
      REQUIRE(c.ok());
      note = *c;
    }
    return note;
  }

  // A tree where `domain` has `head`, plus filler domains.
  static MptTree Tree(const std::string& domain, const ChainNode& head) {
    std::vector<MptLeaf> leaves{{ComputeMptKey(domain), ComputeMptValue(head)}};
    for (int i = 0; i < 8; ++i) {
      std::string d = "site" + std::to_string(i) + ".example";
      leaves.push_back({ComputeMptKey(d), crypto::Sha256(d)});
    }
    auto t = MptTree::Build(std::move(leaves));
    REQUIRE(t.ok());
    return std::move(*t);
  }

  static Bytes Proof(const MptTree& tree, const std::string& domain) {
    auto p = tree.ProveInclusion(ComputeMptKey(domain));
    REQUIRE(p.ok());
    return FormatMptInclusionProof(*p);
  }

  // The ChainHeadWithProof bytes for `head` of `domain`.
  Bytes HeadWithProof(const ChainNode& head, const std::string& domain = kDomain,
                      int64_t cosign_time = kNow - 60, int witnesses = 2) const {
    MptTree tree = Tree(domain, head);
    auto b = FormatChainHeadWithProof({head, Proof(tree, domain), Note(tree.root(), cosign_time, witnesses)});
    REQUIRE(b.ok());
    return *b;
  }

  std::string PreloadNote(const std::vector<std::string>& domains, int64_t issued) const {
    PreloadList l;
    l.issued = static_cast<uint64_t>(issued);
    l.domains = domains;
    auto body = FormatPreloadListBody(l);
    REQUIRE(body.ok());
    auto n = SignNote(*body, list_key);
    REQUIRE(n.ok());
    auto c1 = AddNoteSignature(*n, w1, static_cast<uint64_t>(kNow - 60));
    REQUIRE(c1.ok());
    auto c2 = AddNoteSignature(*c1, w2, static_cast<uint64_t>(kNow - 60));
    REQUIRE(c2.ok());
    return *c2;
  }
};

ChainNode LiveHead(const std::string& manifest, uint64_t position = 1, int64_t created = kNow - 3600) {
  ChainNode n =
      FirstChainNode(static_cast<uint64_t>(created) - 7200, ComputeResourceHash(AsBytes("old")), {});
  while (n.entry.position_in_chain < position) {
    n = NextChainNode(n, static_cast<uint64_t>(created), ComputeResourceHash(AsBytes(manifest)), {});
  }
  return n;
}

ChainNode TombstoneHead(int64_t created) {
  ChainNode first =
      FirstChainNode(static_cast<uint64_t>(created) - 7200, ComputeResourceHash(AsBytes("old")), {});
  return NextChainNode(first, static_cast<uint64_t>(created), Hash32{}, {});
}

std::string Body(const std::string& manifest, ByteView proof) {
  return manifest + "\n" + FormatBase64Url(proof) + "\n";
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  REQUIRE(f.good());
}

// A data folder + config file; engines opened on it share the store (rollback memory).
struct Host {
  std::string dir;
  int64_t now_ms = kNow * 1000;
  std::unique_ptr<Engine> e;

  explicit Host(const std::string& config_json) {
    char tmpl[] = "/tmp/verity-twire-XXXXXX";
    dir = ::mkdtemp(tmpl);
    std::filesystem::create_directories(dir + "/data");
    WriteFile(dir + "/config.json", config_json);
  }
  ~Host() {
    e.reset();
    std::filesystem::remove_all(dir);
  }
  Engine& Open() {
    e.reset();
    EngineOptions o;
    o.config_path = dir + "/config.json";
    o.data_dir = dir + "/data";
    o.clock = [this] { return now_ms; };
    e = Engine::Open(o);
    REQUIRE(e->config_status().ok);
    return *e;
  }
  SiteView Site(const std::string& header) {
    SiteStateRequest r{kOrigin, {}};
    if (!header.empty()) r.headers.emplace_back("integrity-policy-waict-v1", header);
    auto v = e->SiteState(r);
    REQUIRE(v.ok());
    return *v;
  }
  ManifestReply Manifest(const std::string& body) {
    auto m = e->IngestManifest({kOrigin, kOrigin + "/m", 200, body});
    REQUIRE(m.ok());
    return *m;
  }
  Verdict Decide(const std::string& script = kScript) {
    VerdictRequest r;
    std::string url = kOrigin + "/app.js";
    r.origin = kOrigin;
    r.url = url;
    r.destination = "script";
    r.sha256 = crypto::Sha256(script);
    auto v = e->Decide(r);
    REQUIRE(v.ok());
    return *v;
  }
};

constexpr const char* kEnforce = R"(max-age=86400, mode=enforce, manifest="/m")";
constexpr const char* kReport = R"(max-age=86400, mode=report, manifest="/m")";

// The manifest is rejected with `code`, and verdicts block (enforce) with invalid_transparency_proof
// and the code first in the detail (the log row carries the same).
void ExpectRejected(Host& h, const std::string& body, ErrorCode code,
                    std::string_view reason = "invalid_transparency_proof") {
  const std::string wire(WireName(code));
  auto m = h.Manifest(body);
  CHECK(FormatState(m.state) == "invalid");
  CHECK(FormatState(m.transparency) == "invalid");
  CHECK(m.transparency_code == wire);
  CHECK(m.reason == reason);
  auto v = h.Decide();
  CHECK(v.action == Action::kBlock);
  CHECK(v.reason == reason);
  CHECK(v.detail.rfind(wire, 0) == 0);
  LogQuery q;
  q.limit = 1;
  auto page = h.e->QueryLog(q);
  REQUIRE(page.ok());
  REQUIRE(page->rows.size() == 1);
  CHECK(page->rows[0].reason == reason);
  CHECK(page->rows[0].detail.rfind(wire, 0) == 0);
}

}  // namespace

TEST_CASE("config -> WitnessPolicy: services, both witness forms, threshold, ages") {
  Operator op;
  auto cfg =
      config::ParseConfig(op.Config(true, nullptr, R"(,"max_cosignature_age_s":3600,"future_skew_s":10)"));
  REQUIRE(cfg.ok());
  auto p = WitnessPolicyFromConfig(cfg->transparency);
  REQUIRE(p.ok());
  REQUIRE(p->services.size() == 1);
  CHECK(p->services[0].domain == "ts.example");
  REQUIRE(p->services[0].keys.size() == 1);
  CHECK(p->services[0].keys[0].key_id == VerifierFor(op.service).key_id);
  REQUIRE(p->witnesses.size() == 2);
  CHECK(p->witnesses[0].type == kSigTypeCosignatureV1);
  CHECK(p->witnesses[0].key_id == VerifierFor(op.w1).key_id);
  // Configured as type 0x01 + form "waict": re-typed to the WAICT cosignature key (new key ID).
  CHECK(p->witnesses[1].type == kSigTypeWaictCosignature);
  CHECK(p->witnesses[1].key_id == VerifierFor(op.w2).key_id);
  CHECK(p->min_witnesses == std::optional<uint64_t>(2));
  CHECK(p->max_cosignature_age_seconds == 3600);
  CHECK(p->max_future_skew_seconds == 10);
  auto pp = PreloadPolicyFromConfig(cfg->transparency);
  REQUIRE(pp.ok());
  REQUIRE(pp->list_keys.size() == 1);
  CHECK(pp->list_keys[0].key_id == VerifierFor(op.list_key).key_id);

  // A vkey whose key ID does not match its name and key passes the config's syntax check only.
  std::string good = FormatVerifierKey(VerifierFor(op.service));
  std::string bad = good;
  size_t plus = bad.find('+');
  bad[plus + 1] = bad[plus + 1] == '0' ? '1' : '0';
  std::string text = op.Config();
  text.replace(text.find(good), good.size(), bad);
  auto bad_cfg = config::ParseConfig(text);
  REQUIRE(bad_cfg.ok());
  CHECK(WitnessPolicyFromConfig(bad_cfg->transparency).code() == ErrorCode::kTransparencyBadVerifierKey);
}

TEST_CASE("a valid proof verifies end to end: verified + allow; mutated twins block with their code") {
  Operator op;
  Host h(op.Config());
  h.Open();
  h.Site(kEnforce);
  const std::string manifest = ManifestJson();
  const ChainNode head = LiveHead(manifest);
  const Bytes proof = op.HeadWithProof(head);

  auto ok = h.Manifest(Body(manifest, proof));
  CHECK(FormatState(ok.state) == "verified");
  CHECK(FormatState(ok.transparency) == "verified");
  CHECK(ok.transparency_code.empty());
  auto v = h.Decide();
  CHECK(v.action == Action::kAllow);
  CHECK(v.reason == "match");
  CHECK(h.Decide("tampered").reason == "no_manifest_match");

  SUBCASE("chain node byte") {
    Bytes b = proof;
    b[20] ^= 0x01;  // inside resource_hash: the MPT value no longer matches
    ExpectRejected(h, Body(manifest, b), ErrorCode::kTransparencyBadMptProof);
  }
  SUBCASE("MPT proof byte") {
    Bytes b = proof;
    b[kChainNodeSize + 2 + 60] ^= 0x80;  // inside the proof's value/sibling bytes
    ExpectRejected(h, Body(manifest, b), ErrorCode::kTransparencyBadMptProof);
  }
  SUBCASE("note text") {
    MptTree tree = Operator::Tree(kDomain, head);
    std::string note = op.Note(tree.root());
    note[note.find('\n') + 1] = '8';  // tree size 7 -> 8: the service signature no longer verifies
    auto b = FormatChainHeadWithProof({head, Operator::Proof(tree, kDomain), note});
    REQUIRE(b.ok());
    ExpectRejected(h, Body(manifest, *b), ErrorCode::kTransparencyBadSignature);
  }
  SUBCASE("cosignature byte") {
    MptTree tree = Operator::Tree(kDomain, head);
    auto parsed = ParseNote(op.Note(tree.root()));
    REQUIRE(parsed.ok());
    Note n = *parsed;
    bool flipped = false;
    for (auto& sig : n.signatures) {
      if (sig.name == op.w2.name) {
        sig.signature.back() ^= 0x01;
        flipped = true;
      }
    }
    REQUIRE(flipped);
    auto b = FormatChainHeadWithProof({head, Operator::Proof(tree, kDomain), FormatNote(n)});
    REQUIRE(b.ok());
    ExpectRejected(h, Body(manifest, *b), ErrorCode::kTransparencyBadCosignature);
  }
  SUBCASE("stale cosignatures") {
    ExpectRejected(h, Body(manifest, op.HeadWithProof(head, kDomain, kNow - 8 * 86400)),
                   ErrorCode::kTransparencyStaleCosignature);
  }
  SUBCASE("cosignature from the future") {
    ExpectRejected(h, Body(manifest, op.HeadWithProof(head, kDomain, kNow + 3600)),
                   ErrorCode::kTransparencyFutureTimestamp);
  }
  SUBCASE("chain head from the future") {
    ChainNode future = LiveHead(manifest, 2, kNow + 3600);
    ExpectRejected(h, Body(manifest, op.HeadWithProof(future)), ErrorCode::kTransparencyFutureTimestamp);
  }
  SUBCASE("too few witnesses") {
    ExpectRejected(h, Body(manifest, op.HeadWithProof(head, kDomain, kNow - 60, 1)),
                   ErrorCode::kTransparencyTooFewWitnesses);
  }
  SUBCASE("manifest bytes changed") {
    ExpectRejected(h, Body(manifest + " ", proof), ErrorCode::kTransparencyResourceHashMismatch);
  }
  SUBCASE("proof for another domain") {
    ExpectRejected(h, Body(manifest, op.HeadWithProof(head, "other.example")),
                   ErrorCode::kTransparencyBadMptProof);
  }
  SUBCASE("no proof line") { ExpectRejected(h, manifest + "\n\n", ErrorCode::kTransparencyMissingProof); }
}

TEST_CASE("report-mode site: transparency failures report, never allow") {
  Operator op;
  Host h(op.Config());
  h.Open();
  h.Site(kReport);
  const std::string manifest = ManifestJson();
  auto m = h.Manifest(manifest + "\n\n");
  CHECK(m.transparency_code == "transparency.missing_proof");
  auto v = h.Decide();
  CHECK(v.action == Action::kReport);
  CHECK(v.reason == "invalid_transparency_proof");
  // The valid twin allows.
  CHECK(FormatState(h.Manifest(Body(manifest, op.HeadWithProof(LiveHead(manifest)))).state) == "verified");
  CHECK(h.Decide().action == Action::kAllow);
}

TEST_CASE("wrong service key in the config, or no service: fail closed") {
  Operator op;
  const std::string manifest = ManifestJson();
  const Bytes proof = op.HeadWithProof(LiveHead(manifest));
  SUBCASE("wrong key") {
    SignerKey other = GenerateSignerKey("ts.example", kSigTypeEd25519);
    Host h(op.Config(true, &other));
    h.Open();
    h.Site(kEnforce);
    ExpectRejected(h, Body(manifest, proof), ErrorCode::kTransparencyNoVerifiedSignature);
  }
  SUBCASE("no trusted service") {
    Host h(op.Config(false));
    h.Open();
    h.Site(kEnforce);
    ExpectRejected(h, Body(manifest, proof), ErrorCode::kTransparencyNoTrustedService,
                   "transparency.no_trusted_service");
    h.Site(R"(max-age=0, mode=enforce, manifest="/m")");  // no transparency required: integrity only
    h.now_ms += 86401 * 1000LL;                           // (after the stored max-age ran out)
    h.Site(R"(max-age=0, mode=enforce, manifest="/m")");
    h.Manifest(Body(manifest, proof));
    CHECK(h.Decide().action == Action::kAllow);
  }
}

TEST_CASE("rollback to an older chain head is caught after an engine restart") {
  Operator op;
  Host h(op.Config());
  const std::string old_manifest = ManifestJson();
  const std::string new_manifest = ManifestJson(kScript + "// v2\n");
  const ChainNode old_head = LiveHead(old_manifest, 1);
  const ChainNode new_head =
      NextChainNode(old_head, kNow - 600, ComputeResourceHash(AsBytes(new_manifest)), {});
  const std::string old_body = Body(old_manifest, op.HeadWithProof(old_head));
  const std::string new_body = Body(new_manifest, op.HeadWithProof(new_head));
  h.Open();
  h.Site(kEnforce);
  CHECK(FormatState(h.Manifest(old_body).state) == "verified");
  CHECK(FormatState(h.Manifest(new_body).state) == "verified");
  h.Open();  // a new engine (host restart) on the same data folder
  h.Site(kEnforce);
  ExpectRejected(h, old_body, ErrorCode::kTransparencyRollback);
  // The current head still verifies (same position again is not a rollback).
  CHECK(FormatState(h.Manifest(new_body).state) == "verified");
  CHECK(h.Decide(kScript + "// v2\n").action == Action::kAllow);
}

TEST_CASE("tombstones: a fresh one blocks, one older than the cooldown unenrolls") {
  Operator op;
  Host h(op.Config());
  h.Open();
  h.Site(kEnforce);
  const std::string manifest = ManifestJson();
  auto fresh = h.Manifest(Body(manifest, op.HeadWithProof(TombstoneHead(kNow - 3600))));
  CHECK(fresh.transparency_code == "transparency.tombstone_too_recent");
  CHECK(h.Decide().action == Action::kBlock);
  auto old = h.Manifest(Body(manifest, op.HeadWithProof(TombstoneHead(kNow - 25 * 3600))));
  CHECK(FormatState(old.state) == "unenrolled");
  CHECK(FormatState(old.transparency) == "unenrolled");
  auto v = h.Decide("anything at all");
  CHECK(v.action == Action::kAllow);
  CHECK(v.reason == "tombstone");
}

TEST_CASE("preload list: preloaded sites are enforced without a header and need a proof") {
  Operator op;
  Host h(op.Config());
  const std::string manifest = ManifestJson();
  auto write_list = [&](int64_t issued, const std::vector<std::string>& domains) {
    WriteFile(h.dir + "/data/preload-list.note", op.PreloadNote(domains, issued));
  };
  SUBCASE("trusted list") {
    write_list(kNow - 86400, {"app.example", "bank.example"});
    h.Open();
    auto info = h.e->Preload();
    CHECK(FormatState(info.status) == "ok");
    CHECK(info.domains == std::vector<std::string>{"app.example", "bank.example"});
    auto s = h.Site("");
    CHECK(s.checked);
    CHECK(FormatState(s.source) == "preloaded");
    CHECK(*s.mode == "enforce");
    CHECK(s.manifest_url == kOrigin + "/.well-known/waict/manifest");
    CHECK(h.Decide().reason == "manifest_unavailable");
    // Without a proof: block (proof_required), even though the integrity manifest matches.
    ExpectRejected(h, manifest + "\n\n", ErrorCode::kTransparencyProofRequired);
    ExpectRejected(h, Body(manifest, op.HeadWithProof(TombstoneHead(kNow - 3600))),
                   ErrorCode::kTransparencyTombstoneTooRecent);
    const ChainNode live = LiveHead(manifest, 1, kNow - 30 * 3600);
    CHECK(FormatState(h.Manifest(Body(manifest, op.HeadWithProof(live))).state) == "verified");
    CHECK(h.Decide().action == Action::kAllow);
    // The site unenrolls: a tombstone after its live head, older than the cooldown.
    const ChainNode tomb = NextChainNode(live, kNow - 25 * 3600, Hash32{}, {});
    CHECK(FormatState(h.Manifest(Body(manifest, op.HeadWithProof(tomb))).state) == "unenrolled");
    CHECK(h.Decide("x").reason == "tombstone");
    OverrideRequest o{kOrigin, kOrigin + "/app.js", "invalid_transparency_proof"};
    CHECK_FALSE(h.e->Override(o)->granted);
  }
  SUBCASE("stale list: not trusted") {
    write_list(kNow - 31 * 86400, {"app.example"});
    h.Open();
    CHECK(FormatState(h.e->Preload().status) == "stale");
    CHECK(h.e->Preload().domains.empty());
    CHECK_FALSE(h.Site("").checked);
  }
  SUBCASE("list signed by another key: not trusted") {
    SignerKey k = op.list_key;
    op.list_key = GenerateSignerKey("preload.example", kSigTypeEd25519);
    write_list(kNow - 86400, {"app.example"});
    op.list_key = k;
    h.Open();
    CHECK(FormatState(h.e->Preload().status) == "invalid");
    CHECK_FALSE(h.Site("").checked);
  }
  SUBCASE("list that goes stale while the host runs") {
    write_list(kNow - 29 * 86400, {"app.example"});
    h.Open();
    CHECK(h.e->Preload().domains.size() == 1);
    h.now_ms += 2 * 86400 * 1000LL;
    CHECK(FormatState(h.e->Preload().status) == "stale");
    CHECK(h.e->Preload().domains.empty());
  }
  SUBCASE("no list file") {
    h.Open();
    CHECK(FormatState(h.e->Preload().status) == "absent");
    CHECK_FALSE(h.Site("").checked);
  }
}
