// WAICT categories and modes of the integrity rework (Frosne/waict-integrity-spec branch `rework`
// @ 51ec49a, "Response Header" table; the same table in the newest reworked text): the one internal
// model that the rework header (`mode-script=enforce`), the v2 header (`mode=enforce`) and the
// Firefox header (`blocked-destinations=(script)`, `mode=enforce`) are all read into.
//
//   category key      destinations                                               class
//   mode-document     document                                                   active
//   mode-frame        frame, iframe                                              active
//   mode-script       script, xslt                                               active
//   mode-object       object (+ embed: Verity, see below)                        active
//   mode-worker       worker, serviceworker, sharedworker, audioworklet,         active
//                     paintworklet
//   mode-style        style                                                      active
//   mode-image        image                                                      passive
//   mode-font         font                                                       passive
//   mode-media        audio, video                                               passive
//   mode-wasm         WebAssembly compilation (pseudo destination "wasm")
//   mode-inline-js    inline <script>, on* attributes, eval & co., javascript: URLs
//   mode-inline-css   inline <style>, style="" attributes
// No category covers `json` (the rework dropped v2's passive json), `track`, `manifest`, `report`,
// `webidentity` or "": such fetches are not covered. `embed` is not in the table; Verity puts it
// under mode-object (CSP's object-src governs both <object> and <embed>, and an <embed> can load an
// HTML document), so that it cannot load unlisted active content (docs/formats.md).
//
//   ParseCategoryKey("mode-inline-js") == Category::kInlineJs;  CategoryKey(kInlineJs) == "mode-inline-js"
//   CategoryOfDestination("xslt") == Category::kScript;  CategoryOfDestination("json") == nullopt
//   Stronger(WaictMode::kWarn, WaictMode::kReport) == true     // report < warn < enforce
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace verity::headers {

// Ordered by strictness (rework: "report < warn < enforce").
enum class WaictMode : uint8_t { kReport = 0, kWarn = 1, kEnforce = 2 };

std::string_view ModeName(WaictMode m);                     // "enforce" | "warn" | "report"
std::optional<WaictMode> ParseModeToken(std::string_view);  // exact, case-sensitive
inline bool Stronger(WaictMode a, WaictMode b) { return static_cast<uint8_t>(a) > static_cast<uint8_t>(b); }

enum class Category : uint8_t {
  kDocument,
  kFrame,
  kScript,
  kObject,
  kWorker,
  kStyle,
  kImage,
  kFont,
  kMedia,
  kWasm,
  kInlineJs,
  kInlineCss,
};
inline constexpr size_t kCategoryCount = 12;
inline constexpr size_t Index(Category c) { return static_cast<size_t>(c); }

std::string_view CategoryKey(Category c);  // "mode-document", ...
std::optional<Category> ParseCategoryKey(std::string_view key);
std::optional<Category> CategoryOfDestination(std::string_view fetch_destination);
// mode-image / mode-font / mode-media (a URL missing from the manifest is not checked).
bool IsPassive(Category c);
// The nine categories of fetch destinations (document .. media), not wasm / inline-*.
bool IsFetchCategory(Category c);

// Mode per category; nullopt = the category is not in force (not covered).
using CategoryModes = std::array<std::optional<WaictMode>, kCategoryCount>;

// The strongest mode in `m` (nullopt if none): the single "mode" that v2 callers read.
std::optional<WaictMode> StrongestMode(const CategoryModes& m);

}  // namespace verity::headers
