#include "core/state.h"

namespace verity {
namespace {

template <typename E>
void AppendKind(bool md, std::string& out) {
  constexpr state_table::KindInfo k = state_table::Info(E{});
  const std::string kind(k.name);
  for (const state_table::Entry& e : k.entries) {
    const std::string w(e.wire), s(e.summary);
    out += md ? "| `" + kind + "` | `" + w + "` | " + s + " |\n" : kind + "\t" + w + "\t" + s + "\n";
  }
}

}  // namespace

std::string FormatStateList(std::string_view style) {
  const bool md = style == "markdown";
  std::string out = md ? "| kind | value | meaning |\n|---|---|---|\n" : "";
  AppendKind<ManifestState>(md, out);
  AppendKind<TransparencyState>(md, out);
  AppendKind<SiteSource>(md, out);
  AppendKind<PreloadStatus>(md, out);
  return out;
}

}  // namespace verity
