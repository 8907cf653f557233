// Verity's own formats as data vectors (issue #11 item 5, transparency-dev style): one JSON file per
// case under tests/vectors/verity/<format>/, made by this program's `gen` mode from fixed seeds and
// times (so the output is byte-for-byte reproducible and CTest checks that), read back by its `check`
// mode, which runs every case through the real verifier and reports every failure. Another
// implementation can test against the same files: docs/formats.md describes each format.
//
//   verity_vectors gen DIR     writes DIR/policy.json and DIR/<format>/<nn>-<name>.json
//   verity_vectors check DIR   exit 0 iff every case gives its expected result
//
// A case file (all bytes as standard padded base64; times are POSIX seconds):
//   {"format": "chain_head_with_proof",
//    "description": "one byte of the service's note signature flipped",
//    "input": {"bytes": "...", "domain": "app.example", "manifest": "...", "now": 1763900000},
//    "expected": "transparency.bad_signature"}          // "ok" or an error code's wire name
// policy.json: the trusted service keys, witnesses (C2SP vkeys), the witness threshold and the
// preload-list key every case is verified against.
//
// Formats: chain_head_with_proof (VerifyChainHeadWithProof), domain_absent (VerifyDomainAbsent),
// cosigned_tree_note (VerifyTreeNote), preload_list (VerifyPreloadList), m2dmrt_declaration
// (ParseDeclaration syntax), and the M2DMRT signature and registration formats of m2dmrt_vectors.h.
// In `gen` mode each case's expected code is what the case is written to show; generation fails if
// the verifier disagrees, so a vector is never "whatever the code did".
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/encoding.h"
#include "json/json.h"
#include "m2dmrt/declaration.h"
#include "m2dmrt_vectors.h"
#include "transparency/chain.h"
#include "transparency/chain_head.h"
#include "transparency/mpt.h"
#include "transparency/note.h"
#include "transparency/preload.h"
#include "transparency/tree_head.h"
#include "vector_case.h"

namespace verity::vectors {
namespace {

namespace fs = std::filesystem;
using namespace transparency;

constexpr int64_t kNow = 1763900000;  // 2025-11-23
constexpr std::string_view kDomain = "app.example";
constexpr std::string_view kManifest = R"({"manifest":"v2","hashes":{}})";

crypto::Ed25519Seed Seed(uint8_t tag) {
  crypto::Ed25519Seed s{};
  s.fill(tag);
  return s;
}

// The fixture every transparency case is made from: one service, three witnesses (two C2SP
// cosignature/v1, one WAICT), k = 2, a list key; a tree of 20 domains with app.example's head.
struct Fixture {
  SignerKey service = MakeSignerKey("ts.example/log", kSigTypeEd25519, Seed(1));
  SignerKey w1 = MakeSignerKey("w1.example/witness", kSigTypeCosignatureV1, Seed(2));
  SignerKey w2 = MakeSignerKey("w2.example/witness", kSigTypeCosignatureV1, Seed(3));
  SignerKey w3 = MakeSignerKey("w3.example/witness", kSigTypeWaictCosignature, Seed(4));
  SignerKey list = MakeSignerKey("preload.example/list", kSigTypeEd25519, Seed(5));
  SignerKey stranger = MakeSignerKey("stranger.example/log", kSigTypeEd25519, Seed(6));
  ChainNode head;
  MptTree tree;
  WitnessPolicy policy;
  PreloadPolicy preload;

  Fixture() {
    ChainNode first =
        FirstChainNode(kNow - 7200, ComputeResourceHash(AsBytes("old manifest")), ComputeAssetHostsHash({}));
    head =
        NextChainNode(first, kNow - 3600, ComputeResourceHash(AsBytes(kManifest)), ComputeAssetHostsHash({}));
    std::vector<MptLeaf> leaves;
    leaves.push_back({ComputeMptKey(kDomain), ComputeMptValue(head)});
    for (int i = 0; i < 20; ++i) {
      std::string d = "site" + std::to_string(i) + ".example";
      leaves.push_back({ComputeMptKey(d), ComputeResourceHash(AsBytes(d))});
    }
    tree = std::move(*MptTree::Build(std::move(leaves)));
    policy.services.push_back({"ts.example", {VerifierFor(service)}});
    policy.witnesses = {VerifierFor(w1), VerifierFor(w2), VerifierFor(w3)};
    policy.min_witnesses = 2;
    preload.list_keys = {VerifierFor(list)};
  }

  std::string Body(std::string_view svc = "ts.example") const {
    return FormatTreeNoteBody({std::string(svc), 9, tree.root()});
  }
  std::string Signed(const std::string& body, const SignerKey& by,
                     std::vector<std::pair<const SignerKey*, int64_t>> cosigs) const {
    std::string note = *SignNote(body, by);
    for (auto [k, t] : cosigs) note = *AddNoteSignature(note, *k, static_cast<uint64_t>(t));
    return note;
  }
  std::string Note() const {
    return Signed(Body(), service, {{&w1, kNow - 60}, {&w2, kNow - 60}, {&w3, kNow - 60}});
  }
  Bytes Proof() const { return FormatMptInclusionProof(*tree.ProveInclusion(ComputeMptKey(kDomain))); }
  Bytes HeadWithProof(const ChainNode& h, const Bytes& proof, const std::string& note) const {
    return *FormatChainHeadWithProof({h, proof, note});
  }
};

// ---- verifiers by format: input object -> "ok" or an error wire name

struct Policies {
  WitnessPolicy witness;
  PreloadPolicy preload;
};

Result<Policies> ReadPolicy(const json::Value& v) {
  Policies p;
  for (const auto& s : v.Find("services")->items()) {
    TrustedService ts{std::string(*s.GetString("domain")), {}};
    for (const auto& k : s.Find("keys")->items()) {
      auto key = ParseVerifierKey(k.AsString());
      if (!key) return key.error();
      ts.keys.push_back(*key);
    }
    p.witness.services.push_back(std::move(ts));
  }
  for (const auto& k : v.Find("witnesses")->items()) {
    auto key = ParseVerifierKey(k.AsString());
    if (!key) return key.error();
    p.witness.witnesses.push_back(*key);
  }
  p.witness.min_witnesses = static_cast<uint64_t>(*v.GetInt("witness_threshold"));
  for (const auto& k : v.Find("preload_list_keys")->items()) {
    auto key = ParseVerifierKey(k.AsString());
    if (!key) return key.error();
    p.preload.list_keys.push_back(*key);
  }
  return p;
}

std::string Run(std::string_view format, const json::Value& in, const Policies& p) {
  const int64_t now = Int(in, "now");
  if (format == "chain_head_with_proof") {
    return Code(
        VerifyChainHeadWithProof(B64(in, "bytes"), Str(in, "domain"), B64(in, "manifest"), p.witness, now));
  }
  if (format == "domain_absent") {
    return Code(VerifyDomainAbsent(Str(in, "note"), Str(in, "domain"), B64(in, "proof"), p.witness, now));
  }
  if (format == "cosigned_tree_note") return Code(VerifyTreeNote(Str(in, "note"), p.witness, now));
  if (format == "preload_list") return Code(VerifyPreloadList(Str(in, "note"), p.preload, p.witness, now));
  if (format == "m2dmrt_declaration") return Code(m2dmrt::ParseDeclaration(Str(in, "rdata")));
  return RunM2dmrt(format, in).value_or("unknown format");
}

// ---- generation

std::string FlipSigByte(std::string note, size_t line, size_t offset) {
  // The line-th signature line ("— name base64\n"), one bit of its decoded signature flipped.
  size_t pos = note.find("\n\n") + 2;
  for (size_t i = 0; i < line; ++i) pos = note.find('\n', pos) + 1;
  size_t sp = note.find(' ', note.find(' ', pos) + 1) + 1;
  size_t end = note.find('\n', sp);
  Bytes raw = *ParseBase64(note.substr(sp, end - sp));
  raw = Flip(raw, 4 + offset);  // after the 4-byte key ID
  return note.substr(0, sp) + FormatBase64(raw) + note.substr(end);
}

std::vector<Case> MakeCases(const Fixture& f) {
  std::vector<Case> cs;
  const Bytes manifest(kManifest.begin(), kManifest.end());
  auto head_case = [&](std::string name, std::string desc, std::string expected, const Bytes& bytes,
                       std::string_view domain = kDomain, const Bytes* man = nullptr, int64_t now = kNow) {
    CaseList(cs, "chain_head_with_proof")
        .Add(std::move(name), std::move(desc), std::move(expected),
             {{"bytes", B(bytes)},
              {"domain", S(std::string(domain))},
              {"manifest", B(man ? *man : manifest)},
              {"now", N(now)}});
  };
  const Bytes good = f.HeadWithProof(f.head, f.Proof(), f.Note());
  head_case("valid",
            "the head, its inclusion proof and a note signed by the service and cosigned by 3 witnesses",
            "ok", good);
  head_case("truncated", "the last byte cut off", "transparency.bad_chain_head",
            Bytes(good.begin(), good.end() - 1));
  head_case("trailing_byte", "one byte appended", "transparency.bad_chain_head", [&] {
    Bytes b = good;
    b.push_back(0);
    return b;
  }());
  const std::string other_text = "another manifest";
  Bytes other(other_text.begin(), other_text.end());
  head_case("manifest_mismatch", "the site served other manifest bytes than the head's resource_hash",
            "transparency.resource_hash_mismatch", good, kDomain, &other);
  head_case("other_domain", "the proof is for app.example, the site is site3.example",
            "transparency.bad_mpt_proof", good, "site3.example");
  ChainNode h2 = f.head;
  h2.entry.time_created += 1;
  head_case("head_time_changed", "time_created + 1: the MPT value no longer matches the signed root",
            "transparency.bad_mpt_proof", f.HeadWithProof(h2, f.Proof(), f.Note()));
  Bytes proof = f.Proof();
  head_case("proof_byte_flipped", "one bit of the inclusion proof's last byte flipped",
            "transparency.bad_mpt_proof", f.HeadWithProof(f.head, Flip(proof, proof.size() - 1), f.Note()));
  head_case("service_signature_flipped", "one bit of the service's Ed25519 signature flipped",
            "transparency.bad_signature", f.HeadWithProof(f.head, f.Proof(), FlipSigByte(f.Note(), 0, 10)));
  head_case("c2sp_cosignature_flipped", "one bit of w1's cosignature/v1 signature flipped",
            "transparency.bad_cosignature", f.HeadWithProof(f.head, f.Proof(), FlipSigByte(f.Note(), 1, 20)));
  head_case("waict_cosignature_time_flipped", "one bit of w3's waict-cosignature/v1 timestamp flipped",
            "transparency.bad_cosignature", f.HeadWithProof(f.head, f.Proof(), FlipSigByte(f.Note(), 3, 7)));
  head_case("one_witness", "only w1 cosigned (2 required)", "transparency.too_few_witnesses",
            f.HeadWithProof(f.head, f.Proof(), f.Signed(f.Body(), f.service, {{&f.w1, kNow}})));
  head_case("stale_cosignatures", "every cosignature 7 days + 1 s old", "transparency.stale_cosignature",
            f.HeadWithProof(f.head, f.Proof(),
                            f.Signed(f.Body(), f.service,
                                     {{&f.w1, kNow - 7 * 86400 - 1}, {&f.w2, kNow - 7 * 86400 - 1}})));
  head_case("future_cosignature", "w1 cosigned 301 s in the future", "transparency.future_timestamp",
            f.HeadWithProof(f.head, f.Proof(),
                            f.Signed(f.Body(), f.service, {{&f.w1, kNow + 301}, {&f.w2, kNow}})));
  head_case("unknown_service", "the note names another service", "transparency.unknown_service",
            f.HeadWithProof(f.head, f.Proof(),
                            f.Signed(f.Body("other.example"), f.service, {{&f.w1, kNow}, {&f.w2, kNow}})));
  head_case(
      "signed_by_stranger", "the service's name, a key nobody configured",
      "transparency.no_verified_signature",
      f.HeadWithProof(f.head, f.Proof(), f.Signed(f.Body(), f.stranger, {{&f.w1, kNow}, {&f.w2, kNow}})));

  // domain_absent
  const std::string note = f.Note();
  auto absent = [&](std::string name, std::string desc, std::string expected, std::string domain,
                    const Bytes& pr) {
    CaseList(cs, "domain_absent")
        .Add(std::move(name), std::move(desc), std::move(expected),
             {{"note", S(note)}, {"domain", S(std::move(domain))}, {"proof", B(pr)}, {"now", N(kNow)}});
  };
  const Bytes abs = FormatMptAbsenceProof(*f.tree.ProveAbsence(ComputeMptKey("new.example")));
  absent("valid", "new.example is not in the signed tree", "ok", "new.example", abs);
  absent("other_domain", "the absence proof of new.example offered for old.example",
         "transparency.bad_mpt_proof", "old.example", abs);
  absent("proof_byte_flipped", "one bit of the absence proof flipped", "transparency.bad_mpt_proof",
         "new.example", Flip(abs, abs.size() / 2));

  // cosigned_tree_note
  auto tree_note = [&](std::string name, std::string desc, std::string expected, std::string n,
                       int64_t now = kNow) {
    CaseList(cs, "cosigned_tree_note")
        .Add(std::move(name), std::move(desc), std::move(expected),
             {{"note", S(std::move(n))}, {"now", N(now)}});
  };
  tree_note("valid", "service + w1 (c2sp) + w3 (waict)", "ok",
            f.Signed(f.Body(), f.service, {{&f.w1, kNow}, {&f.w3, kNow}}));
  tree_note("duplicate_witness", "w1 twice counts once", "transparency.too_few_witnesses",
            f.Signed(f.Body(), f.service, {{&f.w1, kNow}, {&f.w1, kNow - 5}}));
  SignerKey w3_as_c2sp = f.w3;
  w3_as_c2sp.scheme = KeyScheme::kCosignatureV1;  // w3's key ID, the cosignature/v1 message
  tree_note("waict_key_signs_c2sp_message",
            "w3 (0x06) signed the cosignature/v1 message instead of waict-cosignature/v1",
            "transparency.bad_cosignature",
            f.Signed(f.Body(), f.service, {{&f.w1, kNow}, {&w3_as_c2sp, kNow}}));
  std::string body = f.Body();
  tree_note("bad_body", "tree size with a leading zero", "transparency.bad_tree_note",
            f.Signed(body.replace(body.find('\n') + 1, 1, "09"), f.service, {{&f.w1, kNow}, {&f.w2, kNow}}));

  // preload_list
  auto list_note = [&](std::vector<std::string> domains, int64_t issued, const SignerKey& by) {
    std::string text = "waict-preload/v1\ntime " + std::to_string(issued) + "\n";
    for (const auto& d : domains) text += d + "\n";
    return f.Signed(text, by, {{&f.w1, kNow}, {&f.w2, kNow}});
  };
  auto preload = [&](std::string name, std::string desc, std::string expected, std::string n) {
    CaseList(cs, "preload_list")
        .Add(std::move(name), std::move(desc), std::move(expected),
             {{"note", S(std::move(n))}, {"now", N(kNow)}});
  };
  preload("valid", "two domains, issued an hour ago, list key + 2 witnesses", "ok",
          list_note({"bank.example", "mail.example"}, kNow - 3600, f.list));
  preload("unsorted", "domains not in ascending order", "transparency.bad_preload_list",
          list_note({"mail.example", "bank.example"}, kNow - 3600, f.list));
  preload("stale", "issued 30 days + 1 s ago", "transparency.stale_preload_list",
          list_note({"bank.example"}, kNow - 30 * 86400 - 1, f.list));
  preload("wrong_key", "signed by the service key, not the list key", "transparency.no_verified_signature",
          list_note({"bank.example"}, kNow - 3600, f.service));

  // m2dmrt_declaration (syntax; the signature check needs the observed TLS keys, see docs/m2dmrt.md)
  const std::string kd(64, 'a'), kp(64, 'b');
  const std::string decl = "v=M2DMRT1; d=shop.test; p=pay.test; kd=" + kd + "; kp=" + kp +
                           "; nb=1767225600; na=1798761600; a=es256; s=" + FormatBase64(Bytes(64, 7));
  auto m2 = [&](std::string name, std::string desc, std::string expected, std::string rdata) {
    CaseList(cs, "m2dmrt_declaration")
        .Add(std::move(name), std::move(desc), std::move(expected), {{"rdata", S(std::move(rdata))}});
  };
  auto edit = [&](std::string from, std::string to) {
    std::string d = decl;
    d.replace(d.find(from), from.size(), to);
    return d;
  };
  m2("valid", "every field, canonical order", "ok", decl);
  m2("no_signature", "s missing", "m2dmrt.malformed_record", decl.substr(0, decl.find("; s=")));
  m2("nb_after_na", "nb later than na", "m2dmrt.malformed_record", edit("nb=1767225600", "nb=1898761600"));
  m2("kd_short", "kd has 63 hex digits", "m2dmrt.malformed_record", edit("kd=" + kd, "kd=" + kd.substr(1)));
  m2("key_twice", "d appears twice", "m2dmrt.malformed_record", decl + "; d=evil.test");
  m2("bad_base64", "s is not base64", "m2dmrt.malformed_record", edit("s=", "s=*"));
  AddM2dmrtCases(cs);
  return cs;
}

json::Value CaseJson(const Case& c) {
  std::vector<json::Member> in(c.input.begin(), c.input.end());
  return json::Value::Object({{"format", S(c.format)},
                              {"description", S(c.description)},
                              {"input", json::Value::Object(std::move(in))},
                              {"expected", S(c.expected)}});
}

// Two-space indented JSON, one member or item per line (reviewable diffs).
void PrettyTo(const json::Value& v, int depth, std::string& out) {
  const std::string pad(2 * (depth + 1), ' '), end_pad(2 * depth, ' ');
  if (v.is_object() || v.is_array()) {
    const bool obj = v.is_object();
    const size_t n = obj ? v.members().size() : v.items().size();
    out += obj ? "{" : "[";
    for (size_t i = 0; i < n; ++i) {
      out += "\n" + pad;
      if (obj) {
        out += json::Quote(v.members()[i].first) + ": ";
        PrettyTo(v.members()[i].second, depth + 1, out);
      } else {
        PrettyTo(v.items()[i], depth + 1, out);
      }
      if (i + 1 < n) out += ",";
    }
    out += (n ? "\n" + end_pad : "") + (obj ? "}" : "]");
    return;
  }
  json::Writer w;
  w.Write(v);
  out += w.Take();
}

std::string Pretty(const json::Value& v) {
  std::string out;
  PrettyTo(v, 0, out);
  return out + "\n";
}

json::Value PolicyJson(const Fixture& f) {
  std::vector<json::Value> svc, wit, list;
  for (const auto& s : f.policy.services) {
    std::vector<json::Value> keys;
    for (const auto& k : s.keys) keys.push_back(S(FormatVerifierKey(k)));
    svc.push_back(
        json::Value::Object({{"domain", S(s.domain)}, {"keys", json::Value::Array(std::move(keys))}}));
  }
  for (const auto& k : f.policy.witnesses) wit.push_back(S(FormatVerifierKey(k)));
  for (const auto& k : f.preload.list_keys) list.push_back(S(FormatVerifierKey(k)));
  return json::Value::Object({{"services", json::Value::Array(std::move(svc))},
                              {"witnesses", json::Value::Array(std::move(wit))},
                              {"witness_threshold", N(static_cast<int64_t>(*f.policy.min_witnesses))},
                              {"preload_list_keys", json::Value::Array(std::move(list))}});
}

bool WriteFile(const fs::path& p, const std::string& s) {
  fs::create_directories(p.parent_path());
  std::ofstream o(p, std::ios::binary);
  o << s;
  return o.good();
}

std::string ReadFile(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

int Gen(const fs::path& dir) {
  Fixture f;
  Policies p{f.policy, f.preload};
  int bad = 0;
  if (!WriteFile(dir / "policy.json", Pretty(PolicyJson(f)))) return 2;
  std::vector<Case> cs = MakeCases(f);
  std::map<std::string, int> seq;
  for (const Case& c : cs) {
    json::Value v = CaseJson(c);
    std::string got = Run(c.format, *v.Find("input"), p);
    if (got != c.expected) {
      std::fprintf(stderr, "gen: %s/%s: written to give %s, the verifier says %s\n", c.format.c_str(),
                   c.name.c_str(), c.expected.c_str(), got.c_str());
      ++bad;
    }
    char num[16];
    std::snprintf(num, sizeof num, "%02d", ++seq[c.format]);
    if (!WriteFile(dir / c.format / (std::string(num) + "-" + c.name + ".json"), Pretty(v))) return 2;
  }
  std::printf("gen: %zu cases, %d disagreeing\n", cs.size(), bad);
  return bad == 0 ? 0 : 1;
}

int Check(const fs::path& dir) {
  auto pol = json::Parse(ReadFile(dir / "policy.json"));
  if (!pol) {
    std::fprintf(stderr, "check: policy.json: %s\n", pol.error().detail.c_str());
    return 2;
  }
  auto p = ReadPolicy(*pol);
  if (!p) {
    std::fprintf(stderr, "check: policy.json keys: %s\n", p.error().detail.c_str());
    return 2;
  }
  int n = 0, bad = 0;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".json" && e.path().filename() != "policy.json")
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    ++n;
    auto v = json::Parse(ReadFile(path));
    const json::Value* in = v ? v->Find("input") : nullptr;
    if (!v || !in || !v->GetString("format") || !v->GetString("expected")) {
      std::printf("FAIL %s: not a case file\n", path.c_str());
      ++bad;
      continue;
    }
    std::string got = Run(*v->GetString("format"), *in, *p);
    if (got != *v->GetString("expected")) {
      std::printf("FAIL %s: expected %s, got %s\n", path.c_str(),
                  std::string(*v->GetString("expected")).c_str(), got.c_str());
      ++bad;
    }
  }
  std::printf("vectors: %d cases, %d passed, %d failed\n", n, n - bad, bad);
  return n > 0 && bad == 0 ? 0 : 1;
}

}  // namespace
}  // namespace verity::vectors

int main(int argc, char** argv) {
  using namespace verity::vectors;
  if (argc != 3) {
    std::fprintf(stderr, "usage: verity_vectors gen|check DIR\n");
    return 2;
  }
  std::string mode = argv[1];
  if (mode == "gen") return Gen(argv[2]);
  if (mode == "check") return Check(argv[2]);
  std::fprintf(stderr, "usage: verity_vectors gen|check DIR\n");
  return 2;
}
