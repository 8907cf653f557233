// libFuzzer target: preload list bodies and signed preload lists against a fixed policy (list key
// seed 0x46.., witnesses as in chain_head).
#include <cstddef>
#include <cstdint>
#include <string>

#include "transparency/preload.h"

using namespace verity;
using namespace verity::transparency;

namespace {

crypto::Ed25519Seed Seed(uint8_t tag) {
  crypto::Ed25519Seed s{};
  s.fill(tag);
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const PreloadPolicy pp{
      {VerifierFor(MakeSignerKey("browser.example/preload", kSigTypeEd25519, Seed(70)))}};
  static const WitnessPolicy wp = [] {
    WitnessPolicy w;
    w.witnesses = {VerifierFor(MakeSignerKey("w1.example/witness", kSigTypeCosignatureV1, Seed(2))),
                   VerifierFor(MakeSignerKey("w2.example/witness", kSigTypeCosignatureV1, Seed(3)))};
    return w;
  }();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto body = ParsePreloadListBody(in)) {
    auto again = FormatPreloadListBody(*body);
    if (!again || *again != in) __builtin_trap();
    for (const auto& d : body->domains) {
      if (!body->Contains(d)) __builtin_trap();
    }
  }
  if (auto list = VerifyPreloadList(in, pp, wp, 1763900000)) {
    if (!ParsePreloadListBody(in.substr(0, in.find("\n\n") + 1))) __builtin_trap();
  }
  return 0;
}
