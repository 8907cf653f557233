// verity-cli witness-cosign (design §4.2, docs/cli.md "Witnessing"): a witness replays every tree the
// service built since the one it last cosigned (transparency/replay.h), and cosigns the newest tree
// only if each chain merely grew by valid appends and the signed root follows from those chains.
// With --note it cosigns a preload list instead (signature and issue time checked).
#include <cstdio>

#include "cmd_transparency_state.h"
#include "transparency/preload.h"

namespace verity::cli {
namespace {

using namespace verity::transparency;
using tstate::FailWith;

// `note` with `key`'s previous lines removed and a fresh cosignature at `time`.
Result<std::string> Cosign(std::string_view note, const SignerKey& key, uint64_t time) {
  auto parsed = ParseNote(note);
  if (!parsed) return parsed.error();
  std::erase_if(parsed->signatures,
                [&](const NoteSignature& s) { return s.name == key.name && s.key_id == key.key_id; });
  return AddNoteSignature(FormatNote(*parsed), key, time);
}

Status VerifySigned(std::string_view note, const VerifierKey& signer, std::string* text) {
  auto parsed = ParseNote(note);
  if (!parsed) return parsed.error();
  auto v = VerifyNote(*parsed, std::span<const VerifierKey>(&signer, 1));
  if (!v) return v.error();
  *text = parsed->text;
  return OkStatus();
}

int CosignPreload(const Args& a, const SignerKey& key, int64_t now) {
  std::string path = *a.Get("note");
  auto vkey = a.Get("preload-vkey");
  if (!vkey) return Fail("witness-cosign --note needs --preload-vkey");
  auto signer = tstate::LoadVerifierKey(*vkey);
  if (!signer) return FailWith(signer.error());
  auto note = ReadFile(path);
  if (!note) return Fail("cannot read " + path);
  std::string text;
  if (auto st = VerifySigned(*note, *signer, &text); !st) return FailWith(st.error());
  auto list = ParsePreloadListBody(text);
  if (!list) return FailWith(list.error());
  if (static_cast<int64_t>(list->issued) > now + kDefaultMaxFutureSkewSeconds)
    return FailWith(MakeError(ErrorCode::kTransparencyFutureTimestamp, "preload list issued in the future"));
  auto out = Cosign(*note, key, static_cast<uint64_t>(now));
  if (!out) return FailWith(out.error());
  if (auto st = tstate::AtomicWrite(path, *out); !st) return FailWith(st.error());
  std::printf("cosigned preload list (%zu domains, issued %llu) as %s\n", list->domains.size(),
              static_cast<unsigned long long>(list->issued), key.name.c_str());
  return 0;
}

int WitnessCosign(const Args& a) {
  auto key_path = a.Get("witness-key");
  if (!key_path) return Fail("witness-cosign needs --witness-key");
  auto key = tstate::LoadSignerKey(*key_path);
  if (!key) return FailWith(key.error());
  if (key->type != kSigTypeCosignatureV1 && key->type != kSigTypeWaictCosignature)
    return Fail("the witness key must be of --type witness-c2sp or witness-waict");
  auto now = tstate::TimeFlag(a);
  if (!now) return Fail("--time must be a non-negative integer");
  if (a.Has("note")) return CosignPreload(a, *key, *now);

  auto state = a.Get("state"), wdir = a.Get("witness-state"), vkey = a.Get("service-vkey");
  if (!state || !wdir || !vkey) return Fail("witness-cosign needs --state --witness-state --service-vkey");
  auto service_key = tstate::LoadVerifierKey(*vkey);
  if (!service_key) return FailWith(service_key.error());
  tstate::StateLock wlock(*wdir), lock(*state);
  if (!wlock.ok() || !lock.ok()) return Fail("cannot lock the state folders");
  std::string wpath = *wdir + "/state";
  WitnessState ws;
  if (auto text = ReadFile(wpath)) {
    auto parsed = ParseWitnessState(*text);
    if (!parsed) return FailWith(parsed.error());
    ws = std::move(*parsed);
  }
  uint64_t latest = tstate::LatestTree(*state);
  if (latest == 0) return Fail("no tree in " + *state + " (run tree-build)");
  if (latest < ws.size)
    return FailWith(MakeError(ErrorCode::kTransparencyInconsistentTree,
                              "the newest tree is " + std::to_string(latest) + ", this witness cosigned " +
                                  std::to_string(ws.size) + " (rollback)"));
  std::string note;
  for (uint64_t n = std::max<uint64_t>(ws.size, 1); n <= latest; ++n) {
    auto tree_note = ReadFile(tstate::TreePath(*state, n, "note"));
    auto updates_text = ReadFile(tstate::TreePath(*state, n, "updates"));
    if (!tree_note || !updates_text) return Fail("tree " + std::to_string(n) + " is missing in " + *state);
    std::string text;
    if (auto st = VerifySigned(*tree_note, *service_key, &text); !st) return FailWith(st.error());
    auto body = ParseTreeNoteBody(text);
    if (!body) return FailWith(body.error());
    if (body->size != n)
      return Fail("trees/" + std::to_string(n) + ".note is signed for size " + std::to_string(body->size));
    auto updates = ParseDomainNodes(*updates_text, /*ascending=*/false);
    if (!updates) return FailWith(updates.error());
    auto next = ReplayTree(ws, *body, n == ws.size ? std::vector<DomainNode>{} : *updates);
    if (!next) return FailWith(next.error());
    ws = std::move(*next);
    note = std::move(*tree_note);
  }
  auto out = Cosign(note, *key, static_cast<uint64_t>(*now));
  if (!out) return FailWith(out.error());
  if (auto st = tstate::AtomicWrite(tstate::TreePath(*state, latest, "note"), *out); !st)
    return FailWith(st.error());
  if (auto st = tstate::AtomicWrite(wpath, FormatWitnessState(ws)); !st) return FailWith(st.error());
  std::printf("cosigned tree %llu of %s (%zu domains) as %s\n", static_cast<unsigned long long>(latest),
              ws.service.c_str(), ws.heads.size(), key->name.c_str());
  return 0;
}

VERITY_COMMAND(
    "witness-cosign", "replay the service's chains since the last cosigned tree, then cosign",
    "  --state <service state dir> --service-vkey <file|vkey> --witness-key <file.key>\n"
    "  --witness-state <dir> [--time <unix>]\n"
    "  or: --note <preload list note> --preload-vkey <file|vkey> --witness-key <file.key> [--time]\n"
    "  The key type decides the form: witness-c2sp -> cosignature/v1, witness-waict -> WAICT.",
    {}, WitnessCosign);

}  // namespace
}  // namespace verity::cli
