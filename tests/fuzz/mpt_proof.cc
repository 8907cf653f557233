// libFuzzer target: MPT inclusion and absence proof parsing and verification.
// Input: 32-byte root || 32-byte key || 32-byte value || proof bytes (shorter inputs: proof only).
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "transparency/mpt.h"

using namespace verity;
using namespace verity::transparency;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Hash32 root{}, key{}, value{};
  ByteView proof(data, size);
  if (size >= 96) {
    std::memcpy(root.data(), data, 32);
    std::memcpy(key.data(), data + 32, 32);
    std::memcpy(value.data(), data + 64, 32);
    proof = proof.subspan(96);
  }
  if (auto p = ParseMptInclusionProof(proof)) {
    if (FormatMptInclusionProof(*p) != Bytes(proof.begin(), proof.end())) __builtin_trap();
    bool ok = VerifyMptInclusion(root, key, value, proof).ok();
    bool expect = p->value == value && ComputeMptRootFromSteps(key, value, p->steps) == root;
    if (ok != expect) __builtin_trap();
  } else if (VerifyMptInclusion(root, key, value, proof).ok()) {
    __builtin_trap();
  }
  if (auto a = ParseMptAbsenceProof(proof)) {
    if (FormatMptAbsenceProof(*a) != Bytes(proof.begin(), proof.end())) __builtin_trap();
    // An absence proof must never verify for the key it names.
    if (!a->empty_tree && VerifyMptAbsence(root, a->other_key, proof).ok()) __builtin_trap();
  }
  (void)VerifyMptAbsence(root, key, proof);
  return 0;
}
