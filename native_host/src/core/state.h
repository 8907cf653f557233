// The state vocabularies of the host (core/states.def): one table, one enum class per kind, the wire
// names the replies carry and the store keeps. Kinds: ManifestState (`state` of a manifest reply,
// `manifest.state` of site_state), TransparencyState (`transparency` of a manifest reply),
// SiteSource (`source` of site_state) and PreloadStatus (`preload.status` of hello / status).
//
//   FormatState(ManifestState::kIntegrityOnly) == "integrity_only"
//   ParseState<TransparencyState>("not_required") == TransparencyState::kNotRequired
//   ParseState<ManifestState>("manifest_match") == nullopt
//   ManifestStateFor(TransparencyState::kNotRequired) == ManifestState::kIntegrityOnly
//   FormatStateList("markdown") -> "| kind | value | meaning |\n|---|---|---|\n| `manifest.state` |
//   `none` | no manifest received ... |\n..."
// Lives in core/ because store/ parses the manifest state it reads back, and store/ is below policy/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace verity {

enum class ManifestState : uint8_t {
#define VERITY_MANIFEST_STATE(sym, wire, summary) sym,
#include "core/states.def"
};
enum class TransparencyState : uint8_t {
#define VERITY_TRANSPARENCY_STATE(sym, wire, summary) sym,
#include "core/states.def"
};
enum class SiteSource : uint8_t {
#define VERITY_SITE_SOURCE(sym, wire, summary) sym,
#include "core/states.def"
};
enum class PreloadStatus : uint8_t {
#define VERITY_PRELOAD_STATUS(sym, wire, summary) sym,
#include "core/states.def"
};

namespace state_table {

struct Entry {
  std::string_view wire, summary;
};

inline constexpr Entry kManifest[] = {
#define VERITY_MANIFEST_STATE(sym, wire, summary) {wire, summary},
#include "core/states.def"
};
inline constexpr Entry kTransparency[] = {
#define VERITY_TRANSPARENCY_STATE(sym, wire, summary) {wire, summary},
#include "core/states.def"
};
inline constexpr Entry kSource[] = {
#define VERITY_SITE_SOURCE(sym, wire, summary) {wire, summary},
#include "core/states.def"
};
inline constexpr Entry kPreload[] = {
#define VERITY_PRELOAD_STATUS(sym, wire, summary) {wire, summary},
#include "core/states.def"
};

// Per kind: its name in the docs table, its values, and the value an out-of-range enum formats as
// (fail closed: never a name that reads as success).
struct KindInfo {
  std::string_view name;
  std::span<const Entry> entries;
  size_t fallback;
};
constexpr KindInfo Info(ManifestState) {
  return {"manifest.state", kManifest, static_cast<size_t>(ManifestState::kInvalid)};
}
constexpr KindInfo Info(TransparencyState) {
  return {"transparency", kTransparency, static_cast<size_t>(TransparencyState::kInvalid)};
}
constexpr KindInfo Info(SiteSource) { return {"source", kSource, static_cast<size_t>(SiteSource::kNone)}; }
constexpr KindInfo Info(PreloadStatus) {
  return {"preload.status", kPreload, static_cast<size_t>(PreloadStatus::kInvalid)};
}

// Parse is a search by name: two values of one kind must not share a wire name.
constexpr bool UniqueWires(std::span<const Entry> t) {
  for (size_t i = 0; i < t.size(); ++i) {
    for (size_t j = i + 1; j < t.size(); ++j) {
      if (t[i].wire == t[j].wire) return false;
    }
  }
  return true;
}
static_assert(UniqueWires(kManifest) && UniqueWires(kTransparency) && UniqueWires(kSource) &&
                  UniqueWires(kPreload),
              "core/states.def: a wire name appears twice in one kind");

}  // namespace state_table

// The wire name ("integrity_only"); the kind's fallback name for an out-of-range value.
template <typename E>
constexpr std::string_view FormatState(E s) {
  constexpr state_table::KindInfo k = state_table::Info(E{});
  const auto i = static_cast<size_t>(s);
  return k.entries[i < k.entries.size() ? i : k.fallback].wire;
}

template <typename E>
constexpr std::optional<E> ParseState(std::string_view wire) {
  constexpr state_table::KindInfo k = state_table::Info(E{});
  for (size_t i = 0; i < k.entries.size(); ++i) {
    if (k.entries[i].wire == wire) return static_cast<E>(i);
  }
  return std::nullopt;
}

// The manifest state a transparency outcome gives a manifest that parsed: not_required ->
// integrity_only, every other the manifest state of the same name (docs/protocol.md), pinned below.
constexpr ManifestState ManifestStateFor(TransparencyState t) {
  if (t == TransparencyState::kNotRequired) return ManifestState::kIntegrityOnly;
  return ParseState<ManifestState>(FormatState(t)).value_or(ManifestState::kInvalid);
}
static_assert(ManifestStateFor(TransparencyState::kVerified) == ManifestState::kVerified &&
                  ManifestStateFor(TransparencyState::kUnenrolled) == ManifestState::kUnenrolled &&
                  ManifestStateFor(TransparencyState::kInvalid) == ManifestState::kInvalid,
              "core/states.def: a transparency state lost its manifest state of the same name");

// `verity-host --list-states`: "<kind>\t<wire>\t<meaning>" lines; "markdown": the docs/protocol.md
// appendix table.
std::string FormatStateList(std::string_view style);

}  // namespace verity
