// libFuzzer target: C2SP signed notes, vkeys, signer keys, WAICT tree-note bodies, and signature
// verification against a fixed key set (one note key, one cosignature/v1, one WAICT cosignature).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "transparency/note.h"
#include "transparency/tree_head.h"

using namespace verity;
using namespace verity::transparency;

namespace {

const std::vector<VerifierKey>& Keys() {
  static const std::vector<VerifierKey> k = [] {
    crypto::Ed25519Seed s{};
    s.fill(1);
    std::vector<VerifierKey> v{VerifierFor(MakeSignerKey("ts.example/log", kSigTypeEd25519, s))};
    s.fill(2);
    v.push_back(VerifierFor(MakeSignerKey("w1.example/witness", kSigTypeCosignatureV1, s)));
    s.fill(4);
    v.push_back(VerifierFor(MakeSignerKey("w3.example/witness", kSigTypeWaictCosignature, s)));
    return v;
  }();
  return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto note = ParseNote(in)) {
    if (FormatNote(*note) != in) __builtin_trap();  // canonical base64 makes parsing exact
    if (note->signatures.empty() || note->signatures.size() > kMaxNoteSignatures) __builtin_trap();
    auto v = VerifyNote(*note, Keys());
    if (v && v->empty()) __builtin_trap();
    if (auto body = ParseTreeNoteBody(note->text)) {
      if (FormatTreeNoteBody(*body) != note->text) __builtin_trap();
    }
  }
  // Key IDs may be upper-case hex on input; the formatted form must parse back to the same key.
  if (auto k = ParseVerifierKey(in)) {
    auto again = ParseVerifierKey(FormatVerifierKey(*k));
    if (!again || again->name != k->name || again->key_id != k->key_id || again->type != k->type ||
        again->public_key != k->public_key) {
      __builtin_trap();
    }
  }
  if (auto k = ParseSignerKey(in)) {
    auto again = ParseSignerKey(FormatSignerKey(*k));
    if (!again || again->key_id != k->key_id || again->seed != k->seed || again->type != k->type)
      __builtin_trap();
  }
  return 0;
}
