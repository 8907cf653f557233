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
    case Destination::kDocument:
    case Destination::kFrame:
    case Destination::kIframe:
    case Destination::kScript:
    case Destination::kStyle:
    case Destination::kWorker:
    case Destination::kSharedWorker:
    case Destination::kServiceWorker:
    case Destination::kAudioWorklet:
    case Destination::kPaintWorklet:
    case Destination::kXslt:
    case Destination::kObject:
      return DestinationClass::kActive;
    case Destination::kAudio:
    case Destination::kFont:
    case Destination::kImage:
    case Destination::kJson:
    case Destination::kVideo:
      return DestinationClass::kPassive;
    case Destination::kWasm:
      return DestinationClass::kWasm;
    default:
      return DestinationClass::kNotCovered;
  }
}

std::optional<headers::Category> CategoryOf(Destination d) {
  if (d == Destination::kOther) return std::nullopt;
  return headers::CategoryOfDestination(DestinationName(d));
}

}  // namespace verity::integrity
