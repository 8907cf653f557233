// Integrity manifests: three dialects parsed into one model (design §4.1).
//
// (a) WAICT integrity draft v2 (waict-wg/waict-integrity-spec, "Manifest Structure"):
//   {"hashes": {"/app.js": "r4j9yW07mpTFSQ6ZRYOV0Au8Hfn2NqjqQMBqKL_SWCY",
//               "https://cdn.example/x.css": "zet5ebcBGt1-fr6F0vJbpOv7p4tV_fIbFH4AafxtBl0"},
//    "wasm_hashes": [...], "fallback_hashes": [...], "wildcard_hashes": [...],
//    "resource_delimiter": "/* MY DELIM */", "emergency_opt_out": false}
//   The newest draft renames "hashes" to "url_hashes"; either is read (both at once: ambiguous).
//   emergency_opt_out = true makes a tombstone; its other members are then not validated (draft).
// (b) the article dialect (Cloudflare's WAICT article, shared/seeds/004_*):
//   {"manifest": {"version": 1,
//                 "integrity-policy": "blocked-destinations=(script), checked-destinations=(wasm)",
//                 "hashes": {"81db308d...eb02": "/assets/js/main.js", "684ad582...1f0e": ""}}}
//   Keys are 64 lowercase hex digits, values a path/URL or "" (the asset may appear at any path).
//   "version" must be 1; "integrity-policy" is an RFC 9651 dictionary (integrity/destination.h).
// (c) Firefox Nightly's plain JSON: {"hashes": {URL: base64}, "any_hashes": [base64, ...]}, told
//   apart from (a) by "any_hashes"; it must list at least one hash. Its older form's top-level
//   "version" (must be 1) and "integrity-policy" are read too; an integrity-policy that is not a
//   valid RFC 9651 dictionary is ignored there (Firefox accepts such manifests), which leaves the
//   stricter WAICT active/passive classes in force.
//
// Hash encodings (design §4.1 Decision, integrity/hash_text.h): base64url-no-pad or standard
// base64 (padded or not, optional "sha256-" prefix) in (a)/(c), lowercase hex in (b); values are
// stored and compared as 32 decoded bytes. URL keys are resolved against the top-level origin and
// canonicalised (integrity/url.h). Two keys naming one URL with different hashes mark that one
// entry (HashList::poisoned: its resource is never allowed, reason no_manifest_match) in (a)/(c),
// the rest of the manifest stays usable; (b) may list several hashes per path. A hash value that is
// not base64(url) of 32 bytes voids the manifest (manifest.bad_hash): the rework's "Validating
// Manifests" and Firefox (InvalidHashFormat) both say so (docs/formats.md "Malformed entries").
//
// Inline allow-lists (rework, "Manifest Structure"; newest text adds event_handler_hashes and
// style_attr_hashes): inline_js_hashes, event_handler_hashes, eval_hashes, inline_css_hashes,
// style_attr_hashes, inline_url_hashes — arrays of SHA-256 values like wasm_hashes; the policy
// layer turns them into the CSP the rework tells the user agent to synthesise (policy/inline_csp.h).
// Duplicate JSON members are rejected (manifest.duplicate_key): the draft's "last occurrence
// wins" would let one byte string be read two ways by different parsers. Unknown members are
// ignored; hash lists need not be sorted (membership is by decoded value).
//
//   auto m = ParseManifest(resp.manifest, *ParseUrl("https://example.com"));
//   const HashList* h = m->Find("https://example.com/app.js");
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "integrity/destination.h"
#include "integrity/url_table.h"
#include "url/url.h"

namespace verity::integrity {

// URLs are canonicalised by the url module (url/url.h); integrity uses these names throughout.
using url::CanonicalizeUrl;
using url::CanonicalizeUrlTo;
using url::FormatOrigin;
using url::FormatUrl;
using url::OriginOf;
using url::ParseUrl;
using url::ResolveUrl;
using url::Url;

inline constexpr uint64_t kMaxManifestBytes = 16u << 20;  // as kMaxManifestResponseBytes

enum class Dialect : uint8_t { kWaict, kArticle, kFirefox };

// What the site's header says about the manifest to expect. kFirefoxHeader (the header carried
// `blocked-destinations`): a non-article manifest is read as dialect (c) whatever its shape
// (Firefox reads {"hashes": ...} without any_hashes the same way), so it must list a hash.
enum class ManifestHint : uint8_t { kAuto, kFirefoxHeader };
std::string_view DialectName(Dialect d);  // "waict", "article", "firefox"

struct Manifest {
  Dialect dialect = Dialect::kWaict;
  bool tombstone = false;  // (a) emergency_opt_out: true
  Url origin;              // the top-level origin keys were resolved against
  uint64_t version = 0;    // (b) and old (c): the "version" member; 0 when absent

  // Canonical URL (FormatUrl of the resolved key) -> hashes.
  UrlHashTable url_hashes;
  // Sorted, unique decoded values.
  std::vector<Hash32> any_hashes;       // valid at any URL: (b) "" entries, (c) any_hashes
  std::vector<Hash32> wasm_hashes;      // (a)
  std::vector<Hash32> fallback_hashes;  // (a), documents only
  std::vector<Hash32> wildcard_hashes;  // (a), pieces split by resource_delimiter
  std::string resource_delimiter;       // (a)/(c)
  // (a) rework inline allow-lists (sorted, unique decoded values).
  std::vector<Hash32> inline_js_hashes;      // inline <script> content (and javascript: URLs)
  std::vector<Hash32> event_handler_hashes;  // on* attribute values (newest rework text)
  std::vector<Hash32> eval_hashes;           // strings compiled by eval / new Function / ...
  std::vector<Hash32> inline_css_hashes;     // inline <style> content
  std::vector<Hash32> style_attr_hashes;     // style="" attribute values (newest rework text)
  std::vector<Hash32> inline_url_hashes;     // resolved bytes of data:/blob: active content
  bool has_event_handler_hashes = false;     // member present (else inline_js_hashes serve, 51ec49a)
  bool has_style_attr_hashes = false;        // member present (else inline_css_hashes serve)
  uint64_t poisoned_entries = 0;             // url_hashes entries marked (see HashList::poisoned)
  std::optional<DestinationPolicy> policy;   // (b) integrity-policy, old (c) integrity-policy

  uint64_t entry_count() const { return url_hashes.size() + any_hashes.size(); }
  const HashList* Find(std::string_view canonical_url) const;
  static bool SortedContains(const std::vector<Hash32>& sorted, const Hash32& h);
};

// Parses manifest JSON (the exact bytes from SplitManifestResponse) and resolves its keys against
// `top_level_origin` (only scheme/host/port are used). Errors: manifest.* (see core/errors).
Result<Manifest> ParseManifest(std::string_view json_text, const Url& top_level_origin,
                               ManifestHint hint = ManifestHint::kAuto);

}  // namespace verity::integrity
