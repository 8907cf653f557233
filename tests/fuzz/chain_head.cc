// libFuzzer target: ChainHeadWithProof framing and full verification against a fixed policy
// (service key seed 0x01.., witnesses 0x02.. cosignature/v1, 0x03.. cosignature/v1, 0x04.. WAICT).
#include "transparency/chain_head.h"

#include <cstddef>
#include <cstdint>

using namespace verity;
using namespace verity::transparency;

namespace {

crypto::Ed25519Seed Seed(uint8_t tag) {
  crypto::Ed25519Seed s{};
  s.fill(tag);
  return s;
}

const WitnessPolicy& Policy() {
  static const WitnessPolicy p = [] {
    WitnessPolicy w;
    w.services.push_back(
        {"ts.example", {VerifierFor(MakeSignerKey("ts.example/log", kSigTypeEd25519, Seed(1)))}});
    w.witnesses = {VerifierFor(MakeSignerKey("w1.example/witness", kSigTypeCosignatureV1, Seed(2))),
                   VerifierFor(MakeSignerKey("w2.example/witness", kSigTypeCosignatureV1, Seed(3))),
                   VerifierFor(MakeSignerKey("w3.example/witness", kSigTypeWaictCosignature, Seed(4)))};
    return w;
  }();
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView in(data, size);
  auto parsed = ParseChainHeadWithProof(in);
  if (parsed) {
    auto again = FormatChainHeadWithProof(*parsed);
    if (!again || Bytes(in.begin(), in.end()) != *again) __builtin_trap();  // framing must round-trip
  }
  auto v = VerifyChainHeadWithProof(in, "app.example", AsBytes("{\"manifest\":\"v2\",\"hashes\":{}}"),
                                    Policy(), 1763900000);
  if (v && !parsed) __builtin_trap();
  return 0;
}
