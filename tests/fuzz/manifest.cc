// libFuzzer target: manifest response split + manifest parse (all dialects) + decisions over the
// result, and the URL canonicaliser. Never crash, hang or leak; plus these invariants:
//   - canonical URLs are fixed points (canonicalising a stored key again gives the same string);
//   - a listed URL with its listed hash is never blocked or reported;
//   - under the WAICT rules a listed script whose hash has one flipped bit is never allowed;
//   - every failure is a manifest.* error code;
//   - rework decisions (DecideCategory) allow a listed URL with its listed hash under every fetch
//     category unless the entry is poisoned, and the synthesised CSP (policy/inline_csp.h) never
//     carries 'unsafe-inline' next to the inline-js hashes, nor a nonce, nor a line break.
#include "integrity/manifest.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "integrity/decision.h"
#include "integrity/manifest_response.h"
#include "policy/inline_csp.h"
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
  auto m = ParseManifest(split->manifest, *origin,
                         (selector & 8) ? ManifestHint::kFirefoxHeader : ManifestHint::kAuto);
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
      if (auto c = CategoryOf(d); c && !list.poisoned && !m->tombstone && d != Destination::kWasm &&
                                  m->dialect != Dialect::kArticle) {
        if (DecideCategory(*m, r, *c, mode).action != Action::kAllow) std::abort();
      }
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
  for (size_t i = 0; i < headers::kCategoryCount; ++i) {
    (void)DecideCategory(*m, r, static_cast<headers::Category>(i), mode);
  }

  headers::CategoryModes modes{};
  for (size_t i = 0; i < headers::kCategoryCount; ++i) {
    uint8_t bits = static_cast<uint8_t>((selector >> (i % 4)) + i) % 4;  // none / report / warn / enforce
    if (bits) modes[i] = static_cast<headers::WaictMode>(bits - 1);
  }
  policy::SynthesizedCsp csp = policy::ComputeInlineCsp(*m, modes);
  for (const std::string* text : {&csp.enforce, &csp.report_only}) {
    if (text->find("'nonce-") != std::string::npos || text->find('\n') != std::string::npos ||
        text->find(',') != std::string::npos)
      std::abort();
    size_t elem = text->find("script-src-elem");
    if (elem != std::string::npos) {
      std::string_view d = std::string_view(*text).substr(elem);
      d = d.substr(0, d.find(';'));
      if (d.find("'unsafe-inline'") != std::string_view::npos) std::abort();
    }
  }
  return 0;
}
