#include "integrity/destination.h"

#include <array>
#include <utility>

namespace verity::integrity {
namespace {

constexpr std::array<std::pair<std::string_view, Destination>, 23> kNames = {{
    {"audio", Destination::kAudio},
    {"audioworklet", Destination::kAudioWorklet},
    {"document", Destination::kDocument},
    {"embed", Destination::kEmbed},
    {"font", Destination::kFont},
    {"frame", Destination::kFrame},
    {"iframe", Destination::kIframe},
    {"image", Destination::kImage},
    {"json", Destination::kJson},
    {"manifest", Destination::kManifest},
    {"object", Destination::kObject},
    {"paintworklet", Destination::kPaintWorklet},
    {"report", Destination::kReport},
    {"script", Destination::kScript},
    {"serviceworker", Destination::kServiceWorker},
    {"sharedworker", Destination::kSharedWorker},
    {"style", Destination::kStyle},
    {"track", Destination::kTrack},
    {"video", Destination::kVideo},
    {"webidentity", Destination::kWebIdentity},
    {"worker", Destination::kWorker},
    {"xslt", Destination::kXslt},
    {"wasm", Destination::kWasm},
}};

}  // namespace

Destination ParseDestination(std::string_view name) {
  for (const auto& [n, d] : kNames) {
    if (n == name) return d;
  }
  return Destination::kOther;
}

std::string_view DestinationName(Destination d) {
  for (const auto& [n, dd] : kNames) {
    if (dd == d) return n;
  }
  return "";
}

DestinationClass ClassOf(Destination d) {
  switch (d) {
    case Destination::kAudio:
    case Destination::kFont:
    case Destination::kImage:
    case Destination::kJson:
    case Destination::kVideo:
      return DestinationClass::kPassive;
    case Destination::kWasm:
      return DestinationClass::kWasm;
    // The empty destination (fetch/XHR: data, not code; its WebAssembly is "wasm" by its bytes)
    // and destinations whose body never runs.
    case Destination::kOther:
    case Destination::kManifest:
    case Destination::kTrack:
    case Destination::kReport:
    case Destination::kWebIdentity:
      return DestinationClass::kNotCovered;
    // document frame iframe script style worker sharedworker serviceworker audioworklet
    // paintworklet xslt object embed, and any destination added to the enum later: active.
    default:
      return DestinationClass::kActive;
  }
}

std::optional<headers::Category> CategoryOf(Destination d) {
  if (d == Destination::kOther) return std::nullopt;
  return headers::CategoryOfDestination(DestinationName(d));
}

}  // namespace verity::integrity
