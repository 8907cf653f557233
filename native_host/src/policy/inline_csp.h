// The Content Security Policy the integrity rework tells the user agent to synthesise for a checked
// document (a decision, so it lives in policy/): inline scripts, event handlers, eval and inline
// styles are allowed only by the manifest's hashes, and data:/blob: active content is cut off under
// the active categories. Text followed: the newest reworked waict-integrity.md, "Inline Scripts,
// Styles, and Dynamic Code" (three script directives, two style directives) and "data: and blob:
// URLs as Active Content" (Frosne/waict-integrity-spec `rework` @ 51ec49a has the same rules with
// one list per language; docs/formats.md §11).
//
// mode-inline-js in force (enforce -> `enforce` policy; warn and report -> `report_only`):
//   script-src * data: blob: filesystem: 'wasm-unsafe-eval' 'eval-sha256-<E>'...;
//   script-src-elem * data: blob: filesystem: 'unsafe-hashes' 'sha256-<H>'...;
//   script-src-attr 'unsafe-hashes' 'sha256-<A>'...
//   E = eval_hashes, H = inline_js_hashes, A = event_handler_hashes (inline_js_hashes when the
//   manifest has no event_handler_hashes member: the 51ec49a reading, one list for both).
// mode-inline-css in force:
//   style-src-elem * data: blob: filesystem: 'sha256-<H>'...; style-src-attr 'unsafe-hashes' 'sha256-<A>'...
//   H = inline_css_hashes, A = style_attr_hashes (inline_css_hashes without that member).
// Active categories in enforce / warn (data: and blob: removed from the matching directive, in the
// policy of that category's disposition): mode-script -> script-src and script-src-elem,
// mode-frame -> frame-src, mode-object -> object-src, mode-worker -> worker-src. Where no inline
// directive of the same disposition exists, the restriction is a directive that allows everything
// else ("* filesystem: 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval'" for scripts; "*
// filesystem:" for frame/object/worker), and mode-script alone adds "worker-src * data: blob:
// filesystem:" so that workers (which fall back to script-src) are not cut off by it.
// **Verity:** a browser cannot hash data:/blob: bytes before CSP applies, so inline_url_hashes
// cannot re-enable them in the synthesised policy: listed data:/blob: active content is blocked
// too on enforced sites (fail closed; documented deviation). Hashes are standard base64 with
// padding of the decoded 32 bytes. An empty string means "no policy of this disposition".
//
// Worked example: modes {mode-inline-js: enforce, mode-inline-css: report, mode-frame: enforce},
// inline_js_hashes [SHA-256("a()")], no other lists ->
//   enforce:     "script-src * data: blob: filesystem: 'wasm-unsafe-eval'; script-src-elem * data:
//                blob: filesystem: 'unsafe-hashes' 'sha256-<b64 a()>'; script-src-attr
//                'unsafe-hashes' 'sha256-<b64 a()>'; frame-src * filesystem:"
//   report_only: "style-src-elem * data: blob: filesystem:; style-src-attr 'unsafe-hashes'"
// (tests/unit/policy/inline_csp_test.cc has it byte for byte).
//
// Browsers without script-src-v2 ignore 'eval-sha256-…' sources, so there a listed eval is blocked
// as well (the draft: "blocks it outright").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "headers/category.h"
#include "integrity/manifest.h"

namespace verity::policy {

struct SynthesizedCsp {
  std::string enforce;      // for Content-Security-Policy (appended, never replacing the site's own)
  std::string report_only;  // for Content-Security-Policy-Report-Only
  bool operator==(const SynthesizedCsp&) const = default;
};

SynthesizedCsp ComputeInlineCsp(const integrity::Manifest& manifest, const headers::CategoryModes& modes);

// The category a CSP violation of the synthesised policy belongs to (rework "Reporting":
// effectiveDirective of an inline_violation): script-src* -> mode-inline-js, or mode-script /
// mode-worker when the blocked URI is data:/blob:; style-src* -> mode-inline-css; frame-src and a
// "srcdoc" blocked URI -> mode-frame; object-src -> mode-object; worker-src -> mode-worker;
// anything else -> nullopt (not a violation of Verity's policy).
std::optional<headers::Category> CategoryOfViolation(std::string_view effective_directive,
                                                     std::string_view blocked_uri);

}  // namespace verity::policy
