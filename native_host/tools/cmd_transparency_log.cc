// verity-cli transparency-service commands (design §4.2, docs/cli.md):
//   keygen             signer key (C2SP PRIVATE+KEY form, mode 0600) and its verifier key
//   chain-append       append a ChainNode (manifest or tombstone) to a domain's chain
//   tree-build         MPT over every domain's head, signed prefix-tree note, heads + updates log
//   manifest-response  "manifest LF base64url(ChainHeadWithProof) LF" from the newest cosigned tree
//   absence-proof      MPT absence proof of a domain that is not in the newest cosigned tree
//   preload-build      signed preload list note (witnesses then cosign it with witness-cosign --note)
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>

#include "cmd_transparency_state.h"
#include "core/encoding.h"
#include "transparency/chain_head.h"
#include "transparency/mpt.h"
#include "transparency/preload.h"

namespace verity::cli {
namespace {

namespace fs = std::filesystem;
using namespace verity::transparency;
using tstate::FailWith;

int Keygen(const Args& a) {
  auto name = a.Get("name"), type = a.Get("type"), out = a.Get("out");
  if (!name || !type || !out) return Fail("keygen needs --name --type --out");
  uint8_t t = 0;
  if (*type == "service" || *type == "preload") {
    t = kSigTypeEd25519;
  } else if (*type == "witness-c2sp") {
    t = kSigTypeCosignatureV1;
  } else if (*type == "witness-waict") {
    t = kSigTypeWaictCosignature;
  } else {
    return Fail("--type must be service, preload, witness-c2sp or witness-waict");
  }
  if (!IsValidKeyName(*name)) return Fail("invalid key name '" + *name + "'");
  if (fs::exists(*out) && !a.Has("force")) return Fail(*out + " exists (use --force to replace it)");
  SignerKey key = GenerateSignerKey(*name, t);
  if (auto st = tstate::AtomicWrite(*out, FormatSignerKey(key) + "\n", 0600); !st)
    return FailWith(st.error());
  ::chmod(out->c_str(), 0600);  // AtomicWrite's mode only applies to a new temporary file
  std::string vkey = FormatVerifierKey(VerifierFor(key));
  std::string vout = a.GetOr("vkey-out", fs::path(*out).replace_extension(".vkey").string());
  if (auto st = tstate::AtomicWrite(vout, vkey + "\n"); !st) return FailWith(st.error());
  std::printf("%s\n", vkey.c_str());
  return 0;
}

int ChainAppend(const Args& a) {
  auto state = a.Get("state"), domain = a.Get("domain"), manifest = a.Get("manifest");
  bool tombstone = a.Has("tombstone");
  if (!state || !domain || (manifest.has_value() == tombstone))
    return Fail("chain-append needs --state --domain and one of --manifest <file> | --tombstone");
  if (!IsValidPreloadDomain(*domain))
    return Fail("invalid domain '" + *domain + "' (lowercase A-label host)");
  auto now = tstate::TimeFlag(a);
  if (!now) return Fail("--time must be a non-negative integer");
  Hash32 resource{};
  if (manifest) {
    auto bytes = ReadFile(*manifest);
    if (!bytes) return Fail("cannot read " + *manifest);
    resource = ComputeResourceHash(AsBytes(*bytes));
  }
  const std::vector<std::string> hosts = a.GetAll("asset-host");
  if (auto st = CheckAssetHosts(hosts); !st) return FailWith(st.error());
  Hash32 asset_hosts = ComputeAssetHostsHash(hosts);  // waict-apis.md @ f6c398d (docs/formats.md §12)
  tstate::StateLock lock(*state);
  if (!lock.ok()) return Fail("cannot lock " + *state);
  auto chain = tstate::ReadChain(*state, *domain);
  if (!chain) return FailWith(chain.error());
  if (a.Has("if-changed") && !chain->empty() && !tombstone && chain->back().entry.resource_hash == resource &&
      chain->back().entry.asset_hosts_hash == asset_hosts) {
    std::printf("%s unchanged at position %llu\n", domain->c_str(),
                static_cast<unsigned long long>(chain->back().entry.position_in_chain));
    return 0;
  }
  ChainNode node;
  if (chain->empty()) {
    if (tombstone) return Fail(*domain + " has no chain to end with a tombstone");
    node = FirstChainNode(static_cast<uint64_t>(*now), resource, asset_hosts);
  } else {
    node = NextChainNode(chain->back(), static_cast<uint64_t>(*now), resource, asset_hosts);
    if (auto st = VerifyChainLink(chain->back(), node); !st) return FailWith(st.error());
  }
  chain->push_back(node);
  std::string raw;
  for (const auto& n : *chain) raw += AsChars(FormatChainNode(n));
  if (auto st = tstate::AtomicWrite(tstate::ChainPath(*state, *domain), raw); !st)
    return FailWith(st.error());
  std::printf("%s position %llu time %llu%s chain_hash %s asset_hosts_hash %s\n", domain->c_str(),
              static_cast<unsigned long long>(node.entry.position_in_chain),
              static_cast<unsigned long long>(node.entry.time_created), tombstone ? " tombstone" : "",
              FormatBase64(node.chain_hash).c_str(), FormatHex(node.entry.asset_hosts_hash).c_str());
  return 0;
}

int TreeBuild(const Args& a) {
  auto state = a.Get("state"), key_path = a.Get("service-key");
  if (!state || !key_path) return Fail("tree-build needs --state --service-key");
  auto key = tstate::LoadSignerKey(*key_path);
  if (!key) return FailWith(key.error());
  if (key->type != kSigTypeEd25519) return Fail("the service key must be of --type service (0x01)");
  std::string service = a.GetOr("service", key->name.substr(0, key->name.find('/')));
  if (!IsValidServiceDomain(service)) return Fail("invalid service domain '" + service + "' (use --service)");
  tstate::StateLock lock(*state);
  if (!lock.ok()) return Fail("cannot lock " + *state);
  uint64_t prev = tstate::LatestTree(*state);
  HeadMap heads;
  if (prev > 0) {
    auto t = tstate::ReadTree(*state, prev);
    if (!t) return FailWith(t.error());
    heads = std::move(t->heads);
  }
  // New nodes of every chain since the previous tree, domains in order.
  std::vector<DomainNode> updates;
  std::error_code ec;
  std::vector<std::string> domains;
  for (const auto& e : fs::directory_iterator(*state + "/chains", ec))
    if (e.is_regular_file() && IsValidPreloadDomain(e.path().filename().string()))
      domains.push_back(e.path().filename().string());
  std::sort(domains.begin(), domains.end());
  for (const auto& d : domains) {
    auto chain = tstate::ReadChain(*state, d);
    if (!chain) return FailWith(chain.error());
    auto it = heads.find(d);
    size_t from = it == heads.end() ? 0 : it->second.entry.position_in_chain + 1;
    if (it != heads.end() && (chain->size() < from || (*chain)[from - 1] != it->second))
      return Fail("chain of " + d + " no longer contains the head of tree " + std::to_string(prev));
    for (size_t i = from; i < chain->size(); ++i) updates.push_back({d, (*chain)[i]});
  }
  if (auto st = ApplyChainUpdates(heads, updates); !st) return FailWith(st.error());
  auto tree = BuildHeadsTree(heads);
  if (!tree) return FailWith(tree.error());
  uint64_t n = prev + 1;
  auto note = SignNote(FormatTreeNoteBody({service, n, tree->root()}), *key);
  if (!note) return FailWith(note.error());
  for (auto [ext, data] : {std::pair<std::string, std::string>{"updates", FormatDomainNodes(updates)},
                           {"heads", FormatHeads(heads)},
                           {"note", *note}}) {
    if (auto st = tstate::AtomicWrite(tstate::TreePath(*state, n, ext), data); !st)
      return FailWith(st.error());
  }
  if (auto st = tstate::AtomicWrite(*state + "/trees/latest", std::to_string(n) + "\n"); !st)
    return FailWith(st.error());
  std::printf("tree %llu: %zu domains, %zu appended nodes, root %s\n", static_cast<unsigned long long>(n),
              heads.size(), updates.size(), FormatBase64(tree->root()).c_str());
  return 0;
}

int ManifestResponse(const Args& a) {
  auto state = a.Get("state"), domain = a.Get("domain"), manifest = a.Get("manifest"), out = a.Get("out");
  if (!state || !domain || !manifest || !out)
    return Fail("manifest-response needs --state --domain --manifest --out");
  auto bytes = ReadFile(*manifest);
  if (!bytes) return Fail("cannot read " + *manifest);
  auto min_cosignatures = tstate::UintFlag(a, "min-cosignatures", 1);
  if (!min_cosignatures) return Fail("--min-cosignatures must be a non-negative integer");
  auto tree = tstate::LatestCosignedTree(*state, static_cast<uint64_t>(*min_cosignatures));
  if (!tree) return FailWith(tree.error());
  auto it = tree->heads.find(*domain);
  if (it == tree->heads.end()) return Fail(*domain + " is not in tree " + std::to_string(tree->n));
  const ChainNode& head = it->second;
  // --tombstone: the response of a site that leaves WAICT (its last manifest, proven by the
  // tombstone head); hosts honour it only once the tombstone is older than their cooldown.
  const bool tombstone = a.Has("tombstone");
  if (IsTombstone(head.entry) && !tombstone)
    return Fail(*domain + " is unenrolled (tombstone head) in tree " + std::to_string(tree->n) +
                " (--tombstone writes its tombstone response)");
  if (!IsTombstone(head.entry) && tombstone)
    return Fail(*domain + "'s head in tree " + std::to_string(tree->n) + " is not a tombstone");
  if (!tombstone && head.entry.resource_hash != ComputeResourceHash(AsBytes(*bytes)))
    return Fail("the manifest is not " + *domain + "'s chain head in tree " + std::to_string(tree->n) +
                " (append it and build/cosign a new tree)");
  auto mpt = BuildHeadsTree(tree->heads);
  if (!mpt) return FailWith(mpt.error());
  auto proof = mpt->ProveInclusion(ComputeMptKey(*domain));
  if (!proof) return FailWith(proof.error());
  auto framed = FormatChainHeadWithProof({head, FormatMptInclusionProof(*proof), tree->note});
  if (!framed) return FailWith(framed.error());
  std::string body = *bytes + "\n" + FormatBase64Url(*framed) + "\n";
  if (a.Has("proof-out")) {
    if (auto st = tstate::AtomicWrite(*a.Get("proof-out"), std::string(AsChars(*framed))); !st)
      return FailWith(st.error());
  }
  if (auto st = tstate::AtomicWrite(*out, body); !st) return FailWith(st.error());
  std::fprintf(stderr, "%s: tree %llu, position %llu, %zu-byte proof\n", domain->c_str(),
               static_cast<unsigned long long>(tree->n),
               static_cast<unsigned long long>(head.entry.position_in_chain), framed->size());
  return 0;
}

int AbsenceProof(const Args& a) {
  auto state = a.Get("state"), domain = a.Get("domain"), out = a.Get("out");
  if (!state || !domain || !out) return Fail("absence-proof needs --state --domain --out");
  auto min_cosignatures = tstate::UintFlag(a, "min-cosignatures", 1);
  if (!min_cosignatures) return Fail("--min-cosignatures must be a non-negative integer");
  auto tree = tstate::LatestCosignedTree(*state, static_cast<uint64_t>(*min_cosignatures));
  if (!tree) return FailWith(tree.error());
  auto mpt = BuildHeadsTree(tree->heads);
  if (!mpt) return FailWith(mpt.error());
  auto proof = mpt->ProveAbsence(ComputeMptKey(*domain));
  if (!proof) return FailWith(proof.error());
  if (auto st = tstate::AtomicWrite(*out, std::string(AsChars(FormatMptAbsenceProof(*proof)))); !st)
    return FailWith(st.error());
  std::string note_out = a.GetOr("note-out", *out + ".note");
  if (auto st = tstate::AtomicWrite(note_out, tree->note); !st) return FailWith(st.error());
  std::fprintf(stderr, "%s absent from tree %llu (note: %s)\n", domain->c_str(),
               static_cast<unsigned long long>(tree->n), note_out.c_str());
  return 0;
}

int PreloadBuild(const Args& a) {
  auto key_path = a.Get("key"), out = a.Get("out");
  if (!key_path || !out) return Fail("preload-build needs --key --out and --domain (repeated)");
  auto key = tstate::LoadSignerKey(*key_path);
  if (!key) return FailWith(key.error());
  if (key->type != kSigTypeEd25519) return Fail("the preload key must be of --type preload (0x01)");
  auto now = tstate::TimeFlag(a);
  if (!now) return Fail("--time must be a non-negative integer");
  PreloadList list{static_cast<uint64_t>(*now), a.GetAll("domain")};
  auto body = FormatPreloadListBody(list);
  if (!body) return FailWith(body.error());
  auto note = SignNote(*body, *key);
  if (!note) return FailWith(note.error());
  if (auto st = tstate::AtomicWrite(*out, *note); !st) return FailWith(st.error());
  return 0;
}

VERITY_COMMAND("keygen", "generate a transparency signer key (service, witness or preload list)",
               "  --name <key name>  --type service|witness-c2sp|witness-waict|preload  --out <file.key>\n"
               "  [--vkey-out <file>] (default <out>.vkey)  [--force]\n"
               "  Writes the PRIVATE+KEY file with mode 0600, the vkey next to it, prints the vkey.",
               {"force"}, Keygen);
VERITY_COMMAND(
    "chain-append", "append a manifest (or a tombstone) to a domain's WAICT chain",
    "  --state <dir> --domain <host> (--manifest <file> | --tombstone) [--time <unix>]\n"
    "  [--asset-host <url>]... [--if-changed] (no new node if the head already has this manifest)\n"
    "  resource_hash = SHA-256(\"waict-rh\" || exact file bytes)",
    {"tombstone", "if-changed"}, ChainAppend);
VERITY_COMMAND("tree-build", "build and sign the prefix tree over every domain's chain head",
               "  --state <dir> --service-key <file.key> [--service <domain>] (default: key name before '/')",
               {}, TreeBuild);
VERITY_COMMAND(
    "manifest-response", "write 'manifest LF base64url(ChainHeadWithProof) LF' for a domain",
    "  --state <dir> --domain <host> --manifest <file> --out <file> [--min-cosignatures k] (default 1)\n"
    "  [--proof-out <file>] (raw ChainHeadWithProof)\n"
    "  [--tombstone] (the domain's head is a tombstone: prove that instead of the manifest)",
    {"tombstone"}, ManifestResponse);
VERITY_COMMAND("absence-proof", "MPT absence proof of a domain that is not in the newest cosigned tree",
               "  --state <dir> --domain <host> --out <proof file> [--note-out <file>] (default <out>.note)\n"
               "  [--min-cosignatures k]",
               {}, AbsenceProof);
VERITY_COMMAND("preload-build", "sign a transparency preload list (cosign it with witness-cosign --note)",
               "  --key <preload.key> --domain <host>... [--time <unix>] --out <note file>", {},
               PreloadBuild);

}  // namespace
}  // namespace verity::cli
