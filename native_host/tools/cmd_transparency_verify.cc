// verity-cli debug aids (docs/cli.md): run the host's own transparency verification on files, with the
// witness policy built from a host config.json. On failure they print "verity-cli: <error code>:
// <detail>" and exit 1, so scripts can check the exact code.
//   verify-response  manifest response (integrity/manifest_response.h) -> VerifyChainHeadWithProof
//   verify-absence   absence proof + note                               -> VerifyDomainAbsent
//   verify-preload   preload list note                                  -> VerifyPreloadList
#include <cstdio>

#include "cmd_transparency_state.h"
#include "integrity/manifest.h"
#include "integrity/manifest_response.h"
#include "transparency/chain_head.h"
#include "transparency/preload.h"

namespace verity::cli {
namespace {

using namespace verity::transparency;
using tstate::FailWith;

std::string Witnesses(const VerifiedTreeHead& t) {
  std::string out;
  for (const auto& c : t.cosignatures) out += (out.empty() ? "" : ",") + c.name;
  return out;
}

int VerifyResponse(const Args& a) {
  auto config = a.Get("config"), origin = a.Get("origin"), response = a.Get("response");
  if (!config || !origin || !response) return Fail("verify-response needs --config --origin --response");
  auto policy = tstate::LoadHostPolicy(*config);
  if (!policy) return FailWith(policy.error());
  auto now = tstate::TimeFlag(a);
  if (!now) return Fail("--time must be a non-negative integer");
  auto url = integrity::ParseUrl(*origin);
  if (!url) return FailWith(url.error());
  auto body = ReadFile(*response);
  if (!body) return Fail("cannot read " + *response);
  auto split = integrity::SplitManifestResponse(*body);
  if (!split) return FailWith(split.error());
  if (!split->has_proof) return Fail("the response carries no transparency proof");
  auto head =
      VerifyChainHeadWithProof(split->proof, url->host, AsBytes(split->manifest), policy->witnesses, *now);
  if (!head) return FailWith(head.error());
  auto manifest = integrity::ParseManifest(split->manifest, *url);
  if (!manifest && !head->tombstone) return FailWith(manifest.error());
  std::printf("ok %s position %llu%s tree %s/%llu witnesses %s\n", url->host.c_str(),
              static_cast<unsigned long long>(head->head.entry.position_in_chain),
              head->tombstone ? " tombstone" : "", head->tree.body.service.c_str(),
              static_cast<unsigned long long>(head->tree.body.size), Witnesses(head->tree).c_str());
  return 0;
}

int VerifyAbsence(const Args& a) {
  auto config = a.Get("config"), domain = a.Get("domain"), proof = a.Get("proof");
  if (!config || !domain || !proof) return Fail("verify-absence needs --config --domain --proof [--note]");
  auto policy = tstate::LoadHostPolicy(*config);
  if (!policy) return FailWith(policy.error());
  auto now = tstate::TimeFlag(a);
  if (!now) return Fail("--time must be a non-negative integer");
  std::string note_path = a.GetOr("note", *proof + ".note");
  auto p = ReadFile(*proof);
  auto note = ReadFile(note_path);
  if (!p || !note) return Fail("cannot read " + *proof + " or " + note_path);
  auto tree = VerifyDomainAbsent(*note, *domain, AsBytes(*p), policy->witnesses, *now);
  if (!tree) return FailWith(tree.error());
  std::printf("ok %s absent from %s/%llu witnesses %s\n", domain->c_str(), tree->body.service.c_str(),
              static_cast<unsigned long long>(tree->body.size), Witnesses(*tree).c_str());
  return 0;
}

int VerifyPreload(const Args& a) {
  auto config = a.Get("config"), note_path = a.Get("note");
  if (!config || !note_path) return Fail("verify-preload needs --config --note");
  auto policy = tstate::LoadHostPolicy(*config);
  if (!policy) return FailWith(policy.error());
  if (policy->preload.list_keys.empty()) return Fail("the config has no transparency.preload_list_key");
  auto now = tstate::TimeFlag(a);
  if (!now) return Fail("--time must be a non-negative integer");
  auto note = ReadFile(*note_path);
  if (!note) return Fail("cannot read " + *note_path);
  auto list = VerifyPreloadList(*note, policy->preload, policy->witnesses, *now);
  if (!list) return FailWith(list.error());
  std::printf("ok preload list issued %llu, %zu domains\n", static_cast<unsigned long long>(list->issued),
              list->domains.size());
  for (const auto& d : list->domains) std::printf("%s\n", d.c_str());
  return 0;
}

VERITY_COMMAND("verify-response", "verify a manifest response's transparency proof as the host does",
               "  --config <host config.json> --origin https://site --response <file> [--time <unix>]", {},
               VerifyResponse);
VERITY_COMMAND(
    "verify-absence", "verify a domain's absence proof as the host does",
    "  --config <host config.json> --domain <host> --proof <file> [--note <file>] (default <proof>.note)\n"
    "  [--time <unix>]",
    {}, VerifyAbsence);
VERITY_COMMAND("verify-preload", "verify a preload list note as the host does",
               "  --config <host config.json> --note <file> [--time <unix>]", {}, VerifyPreload);

}  // namespace
}  // namespace verity::cli
