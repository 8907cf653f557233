// policy/inline_csp.h: the CSP the rework tells the user agent to synthesise, with worked examples
// byte for byte, and the category of a CSP violation.
#include "policy/inline_csp.h"

#include <doctest/doctest.h>

#include "core/encoding.h"
#include "crypto/hash.h"

using namespace verity;
using namespace verity::policy;
using headers::Category;
using headers::WaictMode;

namespace {

std::string B64(std::string_view s) { return FormatBase64(crypto::Sha256(s)); }
std::string B64Url(std::string_view s) { return FormatBase64Url(crypto::Sha256(s)); }

integrity::Manifest Parse(const std::string& json) {
  auto m = integrity::ParseManifest(json, *integrity::ParseUrl("https://example.com"));
  REQUIRE_MESSAGE(m.ok(), m.error().detail);
  return std::move(*m);
}

headers::CategoryModes Modes(std::initializer_list<std::pair<Category, WaictMode>> l) {
  headers::CategoryModes m{};
  for (auto [c, mode] : l) m[headers::Index(c)] = mode;
  return m;
}

}  // namespace

TEST_CASE("inline CSP: the header's worked example") {
  auto m = Parse(R"({"inline_js_hashes": [")" + B64Url("a()") + R"("]})");
  auto csp = ComputeInlineCsp(m, Modes({{Category::kInlineJs, WaictMode::kEnforce},
                                        {Category::kInlineCss, WaictMode::kReport},
                                        {Category::kFrame, WaictMode::kEnforce}}));
  const std::string h = "'sha256-" + B64("a()") + "'";
  CHECK(csp.enforce ==
        "script-src * data: blob: filesystem: 'wasm-unsafe-eval'; script-src-elem * data: blob: filesystem: "
        "'unsafe-hashes' " +
            h + "; script-src-attr 'unsafe-hashes' " + h + "; frame-src * filesystem:");
  CHECK(csp.report_only == "style-src-elem * data: blob: filesystem:; style-src-attr 'unsafe-hashes'");
}

TEST_CASE("inline CSP: every list goes to its own directive (newest rework text)") {
  auto m =
      Parse(R"({"inline_js_hashes": [")" + B64Url("s()") + R"("], "event_handler_hashes": [")" +
            B64Url("h()") + R"("], "eval_hashes": [")" + B64Url("1+1") + R"("], "inline_css_hashes": [")" +
            B64Url("p{}") + R"("], "style_attr_hashes": [")" + B64Url("color:red") + R"("]})");
  auto csp = ComputeInlineCsp(
      m, Modes({{Category::kInlineJs, WaictMode::kWarn}, {Category::kInlineCss, WaictMode::kWarn}}));
  CHECK(csp.enforce.empty());  // warn -> report-only
  CHECK(csp.report_only == "script-src * data: blob: filesystem: 'wasm-unsafe-eval' 'eval-sha256-" +
                               B64("1+1") +
                               "'; script-src-elem * data: blob: filesystem: 'unsafe-hashes' 'sha256-" +
                               B64("s()") + "'; script-src-attr 'unsafe-hashes' 'sha256-" + B64("h()") +
                               "'; style-src-elem * data: blob: filesystem: 'sha256-" + B64("p{}") +
                               "'; style-src-attr 'unsafe-hashes' 'sha256-" + B64("color:red") + "'");
  // Mutated twin: the event-handler hash is not in script-src-elem, the element hash not in -attr,
  // the style attribute hash not in style-src-elem.
  auto elem = csp.report_only.substr(csp.report_only.find("script-src-elem"));
  elem = elem.substr(0, elem.find(';'));
  CHECK(elem.find(B64("h()")) == std::string::npos);
  auto attr = csp.report_only.substr(csp.report_only.find("script-src-attr"));
  attr = attr.substr(0, attr.find(';'));
  CHECK(attr.find(B64("s()")) == std::string::npos);
  auto selem = csp.report_only.substr(csp.report_only.find("style-src-elem"));
  selem = selem.substr(0, selem.find(';'));
  CHECK(selem.find(B64("color:red")) == std::string::npos);
  // report mode: report-only too; enforce: the enforcing policy.
  auto rep = ComputeInlineCsp(m, Modes({{Category::kInlineJs, WaictMode::kReport}}));
  CHECK(rep.enforce.empty());
  CHECK(rep.report_only.starts_with("script-src "));
  auto enf = ComputeInlineCsp(m, Modes({{Category::kInlineJs, WaictMode::kEnforce}}));
  CHECK(enf.report_only.empty());
  CHECK(enf.enforce == rep.report_only);
}

TEST_CASE("inline CSP: 51ec49a manifests (one list per language) serve attributes too") {
  auto m = Parse(R"({"inline_js_hashes": [")" + B64Url("x()") + R"("], "inline_css_hashes": [")" +
                 B64Url("b{}") + R"("]})");
  auto csp = ComputeInlineCsp(
      m, Modes({{Category::kInlineJs, WaictMode::kEnforce}, {Category::kInlineCss, WaictMode::kEnforce}}));
  CHECK(csp.enforce.find("script-src-attr 'unsafe-hashes' 'sha256-" + B64("x()") + "'") != std::string::npos);
  CHECK(csp.enforce.find("style-src-attr 'unsafe-hashes' 'sha256-" + B64("b{}") + "'") != std::string::npos);
  // With an (empty) event_handler_hashes member the attribute list is that member: nothing allowed.
  auto m2 = Parse(R"({"inline_js_hashes": [")" + B64Url("x()") + R"("], "event_handler_hashes": []})");
  auto csp2 = ComputeInlineCsp(m2, Modes({{Category::kInlineJs, WaictMode::kEnforce}}));
  CHECK(csp2.enforce.find("script-src-attr 'unsafe-hashes'") != std::string::npos);
  CHECK(csp2.enforce.substr(csp2.enforce.find("script-src-attr")) == "script-src-attr 'unsafe-hashes'");
}

TEST_CASE("inline CSP: no inline category, no restriction -> no policy; tombstone -> none") {
  auto m = Parse(R"({"inline_js_hashes": [")" + B64Url("x()") + R"("]})");
  CHECK(ComputeInlineCsp(m, Modes({})) == SynthesizedCsp{});
  CHECK(ComputeInlineCsp(m, Modes({{Category::kImage, WaictMode::kEnforce},
                                   {Category::kStyle, WaictMode::kEnforce}})) == SynthesizedCsp{});
  // Report mode of an active category does not restrict data:/blob: (rework: enforce or warn only).
  CHECK(ComputeInlineCsp(m, Modes({{Category::kScript, WaictMode::kReport}})) == SynthesizedCsp{});
  auto t = Parse(R"({"emergency_opt_out": true})");
  CHECK(ComputeInlineCsp(t, Modes({{Category::kInlineJs, WaictMode::kEnforce}})) == SynthesizedCsp{});
}

TEST_CASE("inline CSP: data:/blob: cut off under active categories") {
  auto m = Parse(R"({})");
  // mode-script alone: script-src without data:/blob:, workers kept working.
  auto s = ComputeInlineCsp(m, Modes({{Category::kScript, WaictMode::kEnforce}}));
  CHECK(s.enforce ==
        "script-src * filesystem: 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval'; worker-src * data: blob: "
        "filesystem:");
  CHECK(s.report_only.empty());
  // With inline-js in the same disposition the inline directives lose data:/blob:.
  auto both = ComputeInlineCsp(
      m, Modes({{Category::kScript, WaictMode::kEnforce}, {Category::kInlineJs, WaictMode::kEnforce}}));
  CHECK(both.enforce ==
        "script-src * filesystem: 'wasm-unsafe-eval'; script-src-elem * filesystem: 'unsafe-hashes'; "
        "script-src-attr 'unsafe-hashes'; worker-src * data: blob: filesystem:");
  // Different dispositions: the restriction is its own directive in the enforcing policy.
  auto split = ComputeInlineCsp(
      m, Modes({{Category::kScript, WaictMode::kEnforce}, {Category::kInlineJs, WaictMode::kReport}}));
  CHECK(split.enforce.starts_with("script-src * filesystem: 'unsafe-inline'"));
  CHECK(split.report_only.starts_with("script-src * data: blob: filesystem: 'wasm-unsafe-eval'"));
  // Worker, frame and object in warn: report-only restrictions.
  auto w = ComputeInlineCsp(m, Modes({{Category::kWorker, WaictMode::kWarn},
                                      {Category::kFrame, WaictMode::kWarn},
                                      {Category::kObject, WaictMode::kEnforce}}));
  CHECK(w.enforce == "object-src * filesystem:");
  CHECK(w.report_only == "frame-src * filesystem:; worker-src * filesystem:");
  // mode-script and mode-worker in the same disposition: worker-src is restricted too.
  auto sw = ComputeInlineCsp(
      m, Modes({{Category::kScript, WaictMode::kEnforce}, {Category::kWorker, WaictMode::kEnforce}}));
  CHECK(
      sw.enforce ==
      "script-src * filesystem: 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval'; worker-src * filesystem:");
  // inline_url_hashes do not re-enable data:/blob: (the browser cannot hash them first).
  auto listed = Parse(R"({"inline_url_hashes": [")" + B64Url("x") + R"("]})");
  CHECK(ComputeInlineCsp(listed, Modes({{Category::kFrame, WaictMode::kEnforce}})).enforce ==
        "frame-src * filesystem:");
}

TEST_CASE("the category of a violation of the synthesised policy") {
  CHECK(CategoryOfViolation("script-src-elem", "inline") == Category::kInlineJs);
  CHECK(CategoryOfViolation("script-src-attr", "inline") == Category::kInlineJs);
  CHECK(CategoryOfViolation("script-src", "eval") == Category::kInlineJs);
  // Verity's policy has no Trusted Types directives: such a violation is the site's own.
  CHECK_FALSE(CategoryOfViolation("require-trusted-types-for", "trusted-types-sink").has_value());
  CHECK(CategoryOfViolation("script-src-elem", "data") == Category::kScript);
  CHECK(CategoryOfViolation("script-src-elem", "blob:https://example.com/1") == Category::kScript);
  CHECK(CategoryOfViolation("style-src-elem", "inline") == Category::kInlineCss);
  CHECK(CategoryOfViolation("style-src-attr", "inline") == Category::kInlineCss);
  CHECK(CategoryOfViolation("frame-src", "data") == Category::kFrame);
  CHECK(CategoryOfViolation("", "srcdoc") == Category::kFrame);
  CHECK(CategoryOfViolation("object-src", "data") == Category::kObject);
  CHECK(CategoryOfViolation("worker-src", "blob") == Category::kWorker);
  CHECK_FALSE(CategoryOfViolation("img-src", "data").has_value());
  CHECK_FALSE(CategoryOfViolation("connect-src", "https://x").has_value());
}
