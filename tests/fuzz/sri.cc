// libFuzzer target for the sri module: arbitrary integrity metadata, Unencoded-Digest,
// Signature-Input and Signature values, matched against fuzz-derived digests.
// Input layout: fields separated by '\n': integrity, unencoded-digest, signature-input, signature,
// body (the rest). Digests are either the body's real digests or raw fuzz bytes.
// Invariants checked: no crash/hang; kMatch only when a strongest well-formed hash equals the
// supplied digest; structured-field serialization is a fixed point after one round.
#include "sri/sri.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crypto/hash.h"
#include "sri/sf_profile.h"

using namespace verity;
using namespace verity::sri;

namespace {

std::string_view Next(std::string_view& in) {
  size_t nl = in.find('\n');
  std::string_view field = in.substr(0, nl);
  in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  return field;
}

void CheckSfRoundTrip(std::string_view text) {
  auto d = sf::ParseDictionary(text, ErrorCode::kSriBadSignatureInput);
  if (!d) return;
  std::string once = sf::SerializeDictionary(*d);
  auto d2 = sf::ParseDictionary(once, ErrorCode::kSriBadSignatureInput);
  if (!d2) abort();
  if (sf::SerializeDictionary(*d2) != once) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  uint8_t mode = data[0];
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string_view integrity = Next(in);
  SignedResponse resp;
  resp.unencoded_digest = Next(in);
  resp.signature_input = Next(in);
  resp.signature = Next(in);
  if (mode & 1) resp.now_unix = 1700000000;
  ByteView body = AsBytes(in);

  auto md = ParseMetadata(integrity);
  if (!md) return 0;
  BodyDigests digests;
  if (mode & 2) {
    digests = BodyDigests::Compute(body);
  } else {
    // Raw fuzz bytes as digests (possibly of the wrong length), some left out.
    if (mode & 4) digests.sha256 = Bytes(body.begin(), body.begin() + std::min<size_t>(body.size(), 32));
    if (mode & 8) digests.sha384 = Bytes(body.begin(), body.begin() + std::min<size_t>(body.size(), 48));
    if (mode & 16) digests.sha512 = Bytes(body.begin(), body.begin() + std::min<size_t>(body.size(), 64));
  }
  SriCheck check = CheckSri(*md, digests, resp);
  (void)RequiredAlgorithms(*md, resp.unencoded_digest);
  if (check.outcome == SriOutcome::kNoMetadata && !md->empty()) abort();
  if (check.outcome == SriOutcome::kMatch && !md->hashes.empty()) {
    auto strongest = StrongestHashAlgorithm(*md);
    const Bytes* actual = digests.Get(*strongest);
    bool found = false;
    for (const auto& e : md->hashes) {
      if (!e.malformed() && actual && crypto::DigestSize(*strongest) == e.value.size() &&
          e.value == *actual) {
        found = true;
      }
    }
    if (!found) abort();
  }
  CheckSfRoundTrip(resp.unencoded_digest);
  CheckSfRoundTrip(resp.signature_input);
  CheckSfRoundTrip(resp.signature);
  return 0;
}
