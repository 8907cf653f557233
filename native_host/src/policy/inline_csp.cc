#include "policy/inline_csp.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/encoding.h"

namespace verity::policy {
namespace {

using headers::Category;
using headers::WaictMode;

// One policy under construction: directives in insertion order, each a list of sources.
struct Policy {
  std::vector<std::pair<std::string, std::vector<std::string>>> directives;

  std::vector<std::string>* Find(std::string_view name) {
    for (auto& [n, s] : directives) {
      if (n == name) return &s;
    }
    return nullptr;
  }
  void Add(std::string name, std::vector<std::string> sources) {
    if (!Find(name)) directives.emplace_back(std::move(name), std::move(sources));
  }
  std::string Serialize() const {
    std::string out;
    for (const auto& [name, sources] : directives) {
      if (!out.empty()) out += "; ";
      out += name;
      for (const auto& s : sources) out.append(" ").append(s);
    }
    return out;
  }
};

void AddHashes(std::vector<std::string>& out, const std::vector<Hash32>& hashes, std::string_view prefix) {
  for (const Hash32& h : hashes) out.push_back("'" + std::string(prefix) + FormatBase64(h) + "'");
}

std::vector<std::string> AnyUrl() { return {"*", "data:", "blob:", "filesystem:"}; }

void DropSchemes(std::vector<std::string>* sources) {
  if (!sources) return;
  std::erase_if(*sources, [](const std::string& s) { return s == "data:" || s == "blob:"; });
}

// The mode of `c` as a disposition: 0 = enforce policy, 1 = report-only policy, -1 = none.
int DispositionOf(const headers::CategoryModes& modes, Category c) {
  const auto& m = modes[headers::Index(c)];
  if (!m) return -1;
  return *m == WaictMode::kEnforce ? 0 : 1;
}

// Active categories restrict data:/blob: only in enforce and warn (rework), never in report.
int RestrictionOf(const headers::CategoryModes& modes, Category c) {
  const auto& m = modes[headers::Index(c)];
  if (!m || *m == WaictMode::kReport) return -1;
  return *m == WaictMode::kEnforce ? 0 : 1;
}

}  // namespace

SynthesizedCsp ComputeInlineCsp(const integrity::Manifest& m, const headers::CategoryModes& modes) {
  Policy p[2];  // [0] enforce, [1] report-only
  if (m.tombstone) return {};

  if (int d = DispositionOf(modes, Category::kInlineJs); d >= 0) {
    std::vector<std::string> base = AnyUrl();
    base.push_back("'wasm-unsafe-eval'");
    AddHashes(base, m.eval_hashes, "eval-sha256-");
    std::vector<std::string> elem = AnyUrl();
    elem.push_back("'unsafe-hashes'");
    AddHashes(elem, m.inline_js_hashes, "sha256-");
    std::vector<std::string> attr = {"'unsafe-hashes'"};
    AddHashes(attr, m.has_event_handler_hashes ? m.event_handler_hashes : m.inline_js_hashes, "sha256-");
    p[d].Add("script-src", std::move(base));
    p[d].Add("script-src-elem", std::move(elem));
    p[d].Add("script-src-attr", std::move(attr));
  }
  if (int d = DispositionOf(modes, Category::kInlineCss); d >= 0) {
    std::vector<std::string> elem = AnyUrl();
    AddHashes(elem, m.inline_css_hashes, "sha256-");
    std::vector<std::string> attr = {"'unsafe-hashes'"};
    AddHashes(attr, m.has_style_attr_hashes ? m.style_attr_hashes : m.inline_css_hashes, "sha256-");
    p[d].Add("style-src-elem", std::move(elem));
    p[d].Add("style-src-attr", std::move(attr));
  }
  // data: / blob: as active content.
  if (int d = RestrictionOf(modes, Category::kScript); d >= 0) {
    if (p[d].Find("script-src")) {
      DropSchemes(p[d].Find("script-src"));
      DropSchemes(p[d].Find("script-src-elem"));
    } else {
      p[d].Add("script-src", {"*", "filesystem:", "'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'"});
    }
    if (RestrictionOf(modes, Category::kWorker) != d) p[d].Add("worker-src", AnyUrl());
  }
  for (auto [c, directive] :
       {std::pair{Category::kFrame, "frame-src"}, std::pair{Category::kObject, "object-src"},
        std::pair{Category::kWorker, "worker-src"}}) {
    if (int d = RestrictionOf(modes, c); d >= 0) p[d].Add(directive, {"*", "filesystem:"});
  }
  return SynthesizedCsp{p[0].Serialize(), p[1].Serialize()};
}

std::optional<headers::Category> CategoryOfViolation(std::string_view directive,
                                                     std::string_view blocked_uri) {
  const bool scheme = blocked_uri.starts_with("data") || blocked_uri.starts_with("blob");
  if (blocked_uri == "srcdoc" || directive == "frame-src" || directive == "child-src")
    return Category::kFrame;
  if (directive == "object-src") return Category::kObject;
  if (directive == "worker-src") return Category::kWorker;
  if (directive.starts_with("script-src")) return scheme ? Category::kScript : Category::kInlineJs;
  if (directive.starts_with("style-src")) return Category::kInlineCss;
  return std::nullopt;
}

}  // namespace verity::policy
