// libFuzzer: M2DMRT TXT rdata (declaration and policy records), then verification against
// fixed keys: must never crash, and must never verify (the fuzzer cannot forge signatures).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crypto/signature.h"
#include "m2dmrt/declaration.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const verity::Bytes spki =
      *verity::crypto::SpkiFromPem(*verity::crypto::GeneratePrivateKeyPem(verity::crypto::SigAlg::kEd25519));
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)verity::m2dmrt::ParsePolicyRecord(text);
  auto d = verity::m2dmrt::ParseDeclaration(text);
  if (d) {
    verity::m2dmrt::Observed obs{spki, spki};
    if (verity::m2dmrt::VerifyDeclaration(*d, d->declarer, d->peer, obs, 1800000000, 300)) std::abort();
    (void)verity::m2dmrt::FormatZoneLine(*d, 300);
  }
  return 0;
}
