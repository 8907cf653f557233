// Request destinations (Fetch §"request destination") and how integrity manifests classify them.
//
// WAICT integrity draft v2, "Determine Coverage" (design §4.1), as Verity applies it (issue #9):
//   active  (must be listed): document frame iframe script style worker sharedworker serviceworker
//                             audioworklet paintworklet xslt object embed, and any enum value not
//                             named below (fail closed: a destination added later is active)
//   passive (checked only if listed): audio font image json video
//   not covered: "" (fetch/XHR; kOther), manifest, track, report, webidentity
// `embed` is active like `object`/`iframe`: `<embed type=text/html>` and `<embed type=image/svg+xml>`
// run script (Firefox reports them as `embed`). ParseDestination folds names it does not know into
// kOther, so the extension never sends one: it maps a resource type or Sec-Fetch-Dest token it does
// not know to `object` (extension/src/lib/destination.js, UNKNOWN_ACTIVE).
//   ClassOf(ParseDestination("embed")) -> kActive; ClassOf(ParseDestination("")) -> kNotCovered
// WebAssembly compilation is not a fetch destination; Verity names it with the pseudo destination
// "wasm" (the article's `checked-destinations=(wasm)` uses the same token).
//
// The article dialect and Firefox's Integrity-Policy name destinations in an RFC 9651 dictionary:
//   ParseDestinationPolicy("blocked-destinations=(script), checked-destinations=(wasm)")
//     -> blocked {script}, checked {wasm}
// Unknown keys and unknown destination tokens are ignored; a member of the wrong type is an error.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/error.h"
#include "headers/category.h"

namespace verity::integrity {

enum class Destination : uint8_t {
  kOther = 0,  // "" and any destination name not listed below
  kAudio,
  kAudioWorklet,
  kDocument,
  kEmbed,
  kFont,
  kFrame,
  kIframe,
  kImage,
  kJson,
  kManifest,
  kObject,
  kPaintWorklet,
  kReport,
  kScript,
  kServiceWorker,
  kSharedWorker,
  kStyle,
  kTrack,
  kVideo,
  kWebIdentity,
  kWorker,
  kXslt,
  kWasm,  // pseudo destination: WebAssembly module bytes
};

enum class DestinationClass : uint8_t { kNotCovered, kActive, kPassive, kWasm };

// Exact, case-sensitive names as Fetch spells them ("serviceworker", not "serviceWorker").
Destination ParseDestination(std::string_view name);
std::string_view DestinationName(Destination d);
DestinationClass ClassOf(Destination d);
// The integrity rework's category of a destination (headers/category.h table; kWasm -> mode-wasm);
// nullopt: no category covers it (json, track, manifest, "", ...).
std::optional<headers::Category> CategoryOf(Destination d);

// Sets of destinations from `blocked-destinations` / `checked-destinations`.
struct DestinationPolicy {
  uint32_t blocked = 0;  // bit (1 << Destination)
  uint32_t checked = 0;

  bool Blocks(Destination d) const { return (blocked >> static_cast<unsigned>(d)) & 1u; }
  bool Checks(Destination d) const { return (checked >> static_cast<unsigned>(d)) & 1u; }
  static uint32_t Bit(Destination d) { return 1u << static_cast<unsigned>(d); }
};

// Parses an RFC 9651 dictionary such as the article manifest's "integrity-policy" member or the
// value of Firefox's Integrity-Policy header. Errors: manifest.bad_policy.
Result<DestinationPolicy> ParseDestinationPolicy(std::string_view dictionary);

}  // namespace verity::integrity
