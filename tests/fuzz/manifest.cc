// libFuzzer target: manifest response split + manifest parse (all dialects) + decisions over the
// result, and the URL canonicaliser. Never crash, hang or leak; plus these invariants:
//   - canonical URLs are fixed points (canonicalising a stored key again gives the same string);
//   - a listed URL with its listed hash is never blocked or reported;
//   - under the WAICT rules a listed script whose hash has one flipped bit is never allowed;
//   - every failure is a manifest.* error code.
#include "integrity/manifest.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "integrity/decision.h"
#include "integrity/manifest_response.h"
#include "url/url.h"

using namespace verity;
using namespace verity::integrity;

namespace {

bool IsManifestCode(ErrorCode c) {
  return static_cast<int>(c) >= static_cast<int>(ErrorCode::kManifestTooLarge) &&
         static_cast<int>(c) <= static_cast<int>(ErrorCode::kManifestAmbiguous);
}

void CheckFixedPoint(std::string_view text) {
  auto c = CanonicalizeUrl(text);
  if (!c) return;
  auto again = CanonicalizeUrl(*c);
  if (!again || *again != *c) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);

  // The URL parser on the raw input too (first line only, as a URL never spans lines).
  CheckFixedPoint(body.substr(0, body.find('\n')));

  static const char* kOrigins[] = {"https://example.com", "http://example.com:8080", "https://a.b.example",
                                   "https://127.0.0.1"};
  auto origin = ParseUrl(kOrigins[selector & 3]);
  if (!origin) std::abort();

  auto split = SplitManifestResponse(body);
  if (!split) {
    if (!IsManifestCode(split.code())) std::abort();
    return 0;
  }
  auto m = ParseManifest(split->manifest, *origin);
  if (!m) {
    if (!IsManifestCode(m.code())) std::abort();
    return 0;
  }
  const Mode mode = (selector & 4) ? Mode::kReport : Mode::kEnforce;
  const bool waict_rules = !m->tombstone && (m->dialect == Dialect::kWaict ||
                                             (m->dialect == Dialect::kFirefox && !m->policy.has_value()));
  int n = 0;
  for (const auto& [key, list] : m->url_hashes) {
    if (++n > 16) break;
    auto again = CanonicalizeUrl(key);
    if (!again || *again != key) std::abort();
    for (Destination d :
         {Destination::kScript, Destination::kDocument, Destination::kImage, Destination::kWasm}) {
      ResourceFacts r;
      r.url = key;
      r.destination = d;
      r.body_hash = list.first;
      Decision ok = DecideResource(*m, r, mode);
      if (d != Destination::kWasm && !list.poisoned && ok.action != Action::kAllow) std::abort();
      r.body_hash[selector % 32] ^= 0x01;
      Decision bad = DecideResource(*m, r, mode);
      if (waict_rules && d == Destination::kScript && bad.action == Action::kAllow &&
          !list.Contains(r.body_hash) && !Manifest::SortedContains(m->any_hashes, r.body_hash)) {
        std::abort();
      }
    }
  }
  // Pieces split by the manifest's own delimiter, against an unlisted URL.
  std::vector<Hash32> pieces = HashPieces(AsBytes(body.substr(0, 256)), m->resource_delimiter);
  ResourceFacts r;
  r.url = "https://example.com/__fuzz_unlisted__.js";
  r.destination = Destination::kScript;
  r.piece_hashes = &pieces;
  (void)DecideResource(*m, r, mode);
  return 0;
}
