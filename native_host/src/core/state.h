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
template <typename E>
struct Kind;
template <>
struct Kind<ManifestState> {
  static constexpr std::string_view name = "manifest.state";
  static constexpr std::span<const Entry> entries = kManifest;
  static constexpr ManifestState fallback = ManifestState::kInvalid;
};
template <>
struct Kind<TransparencyState> {
  static constexpr std::string_view name = "transparency";
  static constexpr std::span<const Entry> entries = kTransparency;
  static constexpr TransparencyState fallback = TransparencyState::kInvalid;
};
template <>
struct Kind<SiteSource> {
  static constexpr std::string_view name = "source";
  static constexpr std::span<const Entry> entries = kSource;
  static constexpr SiteSource fallback = SiteSource::kNone;
};
template <>
struct Kind<PreloadStatus> {
  static constexpr std::string_view name = "preload.status";
  static constexpr std::span<const Entry> entries = kPreload;
  static constexpr PreloadStatus fallback = PreloadStatus::kInvalid;
};

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
  using K = state_table::Kind<E>;
  auto i = static_cast<size_t>(s);
  return i < K::entries.size() ? K::entries[i].wire : K::entries[static_cast<size_t>(K::fallback)].wire;
}

template <typename E>
constexpr std::optional<E> ParseState(std::string_view wire) {
  using K = state_table::Kind<E>;
  for (size_t i = 0; i < K::entries.size(); ++i) {
    if (K::entries[i].wire == wire) return static_cast<E>(i);
  }
  return std::nullopt;
}

// The manifest state a transparency outcome gives a manifest that parsed: not_required ->
// integrity_only, the others the state of the same name.
constexpr ManifestState ManifestStateFor(TransparencyState t) {
  switch (t) {
    case TransparencyState::kNotRequired:
      return ManifestState::kIntegrityOnly;
    case TransparencyState::kVerified:
      return ManifestState::kVerified;
    case TransparencyState::kUnenrolled:
      return ManifestState::kUnenrolled;
    case TransparencyState::kInvalid:
      return ManifestState::kInvalid;
  }
  return ManifestState::kInvalid;
}
// docs/protocol.md: the manifest state repeats the transparency state's name, except not_required.
static_assert(FormatState(ManifestStateFor(TransparencyState::kVerified)) ==
                  FormatState(TransparencyState::kVerified) &&
              FormatState(ManifestStateFor(TransparencyState::kUnenrolled)) ==
                  FormatState(TransparencyState::kUnenrolled) &&
              FormatState(ManifestStateFor(TransparencyState::kInvalid)) ==
                  FormatState(TransparencyState::kInvalid));

// `verity-host --list-states`: "<kind>\t<wire>\t<meaning>" lines; "markdown": the docs/protocol.md
// appendix table.
std::string FormatStateList(std::string_view style);

}  // namespace verity
