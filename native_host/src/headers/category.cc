#include "headers/category.h"

#include <utility>

namespace verity::headers {
namespace {

constexpr std::array<std::string_view, kCategoryCount> kKeys = {
    "mode-document", "mode-frame", "mode-script", "mode-object", "mode-worker",    "mode-style",
    "mode-image",    "mode-font",  "mode-media",  "mode-wasm",   "mode-inline-js", "mode-inline-css",
};

constexpr std::array<std::pair<std::string_view, Category>, 17> kDestinations = {{
    {"document", Category::kDocument},
    {"frame", Category::kFrame},
    {"iframe", Category::kFrame},
    {"script", Category::kScript},
    {"xslt", Category::kScript},
    {"object", Category::kObject},
    {"embed", Category::kObject},  // Verity: see category.h
    {"worker", Category::kWorker},
    {"serviceworker", Category::kWorker},
    {"sharedworker", Category::kWorker},
    {"audioworklet", Category::kWorker},
    {"paintworklet", Category::kWorker},
    {"style", Category::kStyle},
    {"image", Category::kImage},
    {"font", Category::kFont},
    {"audio", Category::kMedia},
    {"video", Category::kMedia},
}};

}  // namespace

std::string_view ModeName(WaictMode m) {
  switch (m) {
    case WaictMode::kEnforce:
      return "enforce";
    case WaictMode::kWarn:
      return "warn";
    case WaictMode::kReport:
      break;
  }
  return "report";
}

std::optional<WaictMode> ParseModeToken(std::string_view s) {
  if (s == "enforce") return WaictMode::kEnforce;
  if (s == "warn") return WaictMode::kWarn;
  if (s == "report") return WaictMode::kReport;
  return std::nullopt;
}

std::string_view CategoryKey(Category c) { return kKeys[Index(c)]; }

std::optional<Category> ParseCategoryKey(std::string_view key) {
  for (size_t i = 0; i < kKeys.size(); ++i) {
    if (kKeys[i] == key) return static_cast<Category>(i);
  }
  return std::nullopt;
}

std::optional<Category> CategoryOfDestination(std::string_view d) {
  if (d == "wasm") return Category::kWasm;
  for (const auto& [name, c] : kDestinations) {
    if (name == d) return c;
  }
  return std::nullopt;
}

bool IsPassive(Category c) { return c == Category::kImage || c == Category::kFont || c == Category::kMedia; }
bool IsFetchCategory(Category c) { return Index(c) <= Index(Category::kMedia); }

std::optional<WaictMode> StrongestMode(const CategoryModes& m) {
  std::optional<WaictMode> best;
  for (const auto& x : m) {
    if (x && (!best || Stronger(*x, *best))) best = x;
  }
  return best;
}

}  // namespace verity::headers
