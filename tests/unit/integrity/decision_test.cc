// integrity/decision.h: every branch of the per-resource decision, for each dialect, with mutated
// twins (one flipped hash bit must never match).
#include "integrity/decision.h"

#include <doctest/doctest.h>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "integrity/manifest.h"

using namespace verity;
using namespace verity::integrity;

namespace {

Hash32 H(std::string_view body) { return crypto::Sha256(body); }
Hash32 Flip(Hash32 h, size_t byte = 17, uint8_t mask = 0x01) {
  h[byte] ^= mask;
  return h;
}
std::string B(const Hash32& h) { return FormatBase64Url(h); }

Manifest MustParse(const std::string& json, std::string_view origin = "https://example.com") {
  auto m = ParseManifest(json, *ParseUrl(origin));
  REQUIRE_MESSAGE(m.ok(), m.error().detail);
  return std::move(*m);
}

// `sri`: kept in the signature to show that SRI no longer changes any verdict (it is not passed on).
Decision Decide(const Manifest& m, std::string_view url, std::string_view dest, const Hash32& h,
                Mode mode = Mode::kEnforce, std::optional<bool> sri = std::nullopt,
                const std::vector<Hash32>* pieces = nullptr, const DestinationPolicy* header = nullptr) {
  (void)sri;
  ResourceFacts r;
  r.url = url;
  r.destination = ParseDestination(dest);
  r.body_hash = h;
  r.piece_hashes = pieces;
  return DecideResource(m, r, mode, header);
}

const std::string kDelim = "/* MY DELIM */";

// A WAICT manifest exercising every member.
struct Waict {
  std::string app = "console.log('app')", css = "body{}", img = "PNG...", page = "<html>",
              error_page = "<h1>502</h1>", wasm = std::string("\0asm\x01", 5), piece1 = "var a=1;",
              piece2 = "var b=2;", cdn = "cdn code";
  Manifest m;
  // with_wildcard: wildcard_hashes + resource_delimiter present. The draft then answers
  // no_manifest_match (never missing_from_manifest) for unlisted active resources.
  explicit Waict(bool with_wildcard = true) {
    std::string wildcard = R"("wildcard_hashes": [")" + B(H(piece1)) + R"(", ")" + B(H(piece2)) +
                           R"("],)"
                           R"("resource_delimiter": ")" +
                           kDelim + R"(",)";
    m = MustParse(R"({"hashes": {)"
                  R"("/app.js": ")" +
                  B(H(app)) +
                  R"(",)"
                  R"("/style.css": ")" +
                  B(H(css)) +
                  R"(",)"
                  R"("/logo.png": ")" +
                  B(H(img)) +
                  R"(",)"
                  R"("/": ")" +
                  B(H(page)) +
                  R"(",)"
                  R"("https://cdn.example/lib.js": ")" +
                  B(H(cdn)) +
                  R"("},)"
                  R"("wasm_hashes": [")" +
                  B(H(wasm)) +
                  R"("],)"
                  R"("fallback_hashes": [")" +
                  B(H(error_page)) + R"("],)" + (with_wildcard ? wildcard : std::string()) +
                  R"("emergency_opt_out": false})");
  }
};

}  // namespace

TEST_CASE("WAICT: listed active resources must match; a flipped bit never does") {
  Waict w(/*with_wildcard=*/false);
  auto ok = Decide(w.m, "https://example.com/app.js", "script", H(w.app));
  CHECK(ok.action == Action::kAllow);
  CHECK(ok.reason == reason::kManifestMatch);
  // Key is the URL before redirects with the fragment removed; canonical spelling does not matter.
  CHECK(Decide(w.m, "https://EXAMPLE.com:443/./app.js#x", "script", H(w.app)).reason ==
        reason::kManifestMatch);
  CHECK(Decide(w.m, "https://cdn.example/lib.js", "script", H(w.cdn)).reason == reason::kManifestMatch);
  for (size_t byte : {0, 13, 31}) {
    for (uint8_t mask : {0x01, 0x80}) {
      auto bad = Decide(w.m, "https://example.com/app.js", "script", Flip(H(w.app), byte, mask));
      CHECK(bad.action == Action::kBlock);
      CHECK(bad.reason == reason::kNoManifestMatch);
    }
  }
  auto swapped = Decide(w.m, "https://example.com/app.js", "script", H(w.css));  // another entry's hash
  CHECK(swapped.reason == reason::kNoManifestMatch);
  CHECK(swapped.detail.find(B(H(w.app))) != std::string::npos);
  // Same bytes, different URL: other origin, other scheme, other port, query added.
  for (std::string_view u : {"https://evil.example/app.js", "http://example.com/app.js",
                             "https://example.com:8443/app.js", "https://example.com/app.js?v=2"}) {
    auto d = Decide(w.m, u, "script", H(w.app));
    CHECK_MESSAGE(d.reason == reason::kMissingFromManifest, u);
    CHECK(d.action == Action::kBlock);
  }
}

TEST_CASE("WAICT: every active destination is enforced, report mode reports") {
  Waict w(/*with_wildcard=*/false);
  for (std::string_view dest : {"document", "frame", "iframe", "script", "style", "worker", "sharedworker",
                                "serviceworker", "audioworklet", "paintworklet", "xslt", "object"}) {
    auto miss = Decide(w.m, "https://example.com/unlisted", dest, H("x"));
    CHECK_MESSAGE(miss.action == Action::kBlock, dest);
    CHECK(miss.reason == reason::kMissingFromManifest);
    auto rep = Decide(w.m, "https://example.com/unlisted", dest, H("x"), Mode::kReport);
    CHECK(rep.action == Action::kReport);
    CHECK(rep.reason == reason::kMissingFromManifest);
  }
  auto rep = Decide(w.m, "https://example.com/app.js", "script", Flip(H(w.app)), Mode::kReport);
  CHECK(rep.action == Action::kReport);
  CHECK(rep.reason == reason::kNoManifestMatch);
  // data:/blob: (not http) active content can never be listed.
  CHECK(Decide(w.m, "data:text/javascript,1", "script", H("1")).reason == reason::kMissingFromManifest);
  CHECK(Decide(w.m, "blob:https://example.com/abc", "worker", H("1")).action == Action::kBlock);
  // With wildcard_hashes + resource_delimiter the draft's last step before "missing" is the piece
  // check, so an unlisted active resource fails with no_manifest_match instead.
  Waict wild;
  auto p = HashPieces(AsBytes("unlisted"), wild.m.resource_delimiter);
  auto d = Decide(wild.m, "https://example.com/unlisted", "script", H("unlisted"), Mode::kEnforce, {}, &p);
  CHECK(d.action == Action::kBlock);
  CHECK(d.reason == reason::kNoManifestMatch);
}

TEST_CASE("WAICT: passive destinations are checked only when listed") {
  Waict w;
  for (std::string_view dest : {"audio", "font", "image", "json", "video"}) {
    auto unlisted = Decide(w.m, "https://example.com/unlisted", dest, H("x"));
    CHECK_MESSAGE(unlisted.action == Action::kAllow, dest);
    CHECK(unlisted.reason == reason::kPassiveUnlisted);
  }
  CHECK(Decide(w.m, "https://example.com/logo.png", "image", H(w.img)).reason == reason::kManifestMatch);
  auto bad = Decide(w.m, "https://example.com/logo.png", "image", Flip(H(w.img)));
  CHECK(bad.action == Action::kBlock);
  CHECK(bad.reason == reason::kNoManifestMatch);
  // Unparseable passive URL: cannot be listed, so it passes like any unlisted passive resource.
  CHECK(Decide(w.m, "data:image/png;base64,AA", "image", H("x")).reason == reason::kPassiveUnlisted);
}

TEST_CASE("WAICT: destinations outside both classes are not covered") {
  Waict w;
  for (std::string_view dest : {"", "manifest", "track", "report", "nonsense"}) {
    auto d = Decide(w.m, "https://example.com/unlisted", dest, H("x"));
    CHECK_MESSAGE(d.action == Action::kAllow, dest);
    CHECK(d.reason == reason::kNotCovered);
  }
}

TEST_CASE("WAICT: embed is active like object and iframe (issue #9)") {
  Waict w(/*with_wildcard=*/false);
  for (std::string_view dest : {"embed", "object", "iframe"}) {
    auto d = Decide(w.m, "https://example.com/unlisted", dest, H("x"));
    CHECK_MESSAGE(d.action == Action::kBlock, dest);
    CHECK(d.reason == reason::kMissingFromManifest);
  }
}

TEST_CASE("WAICT: fallback_hashes pass documents only") {
  Waict w(/*with_wildcard=*/false);
  auto doc = Decide(w.m, "https://example.com/some/deep/link", "document", H(w.error_page));
  CHECK(doc.action == Action::kAllow);
  CHECK(doc.reason == reason::kFallbackMatch);
  // Fallback applies even at a listed URL (server error on "/"), before the listed check.
  CHECK(Decide(w.m, "https://example.com/", "document", H(w.error_page)).reason == reason::kFallbackMatch);
  CHECK(Decide(w.m, "https://example.com/", "document", H(w.page)).reason == reason::kManifestMatch);
  CHECK(Decide(w.m, "https://example.com/x", "document", Flip(H(w.error_page))).reason ==
        reason::kMissingFromManifest);
  CHECK(Decide(w.m, "https://example.com/x", "iframe", H(w.error_page)).reason ==
        reason::kMissingFromManifest);
  CHECK(Decide(w.m, "https://example.com/x", "script", H(w.error_page)).action == Action::kBlock);
}

TEST_CASE("WAICT: wildcard pieces for unlisted URLs") {
  Waict w;
  std::string bundle = w.piece1 + kDelim + w.piece2;
  auto pieces = HashPieces(AsBytes(bundle), w.m.resource_delimiter);
  REQUIRE(pieces.size() == 2);
  CHECK(pieces[0] == H(w.piece1));
  CHECK(pieces[1] == H(w.piece2));
  auto ok = Decide(w.m, "https://example.com/bundle.js", "script", H(bundle), Mode::kEnforce, {}, &pieces);
  CHECK(ok.action == Action::kAllow);
  CHECK(ok.reason == reason::kWildcardMatch);

  std::string tampered = w.piece1 + kDelim + "var b=3;";
  auto bad_pieces = HashPieces(AsBytes(tampered), w.m.resource_delimiter);
  auto bad =
      Decide(w.m, "https://example.com/bundle.js", "script", H(tampered), Mode::kEnforce, {}, &bad_pieces);
  CHECK(bad.action == Action::kBlock);
  CHECK(bad.reason == reason::kNoManifestMatch);

  // A trailing delimiter adds an empty piece, which is not listed.
  std::string trailing = bundle + kDelim;
  auto tp = HashPieces(AsBytes(trailing), w.m.resource_delimiter);
  REQUIRE(tp.size() == 3);
  CHECK(tp[2] == H(""));
  CHECK(Decide(w.m, "https://example.com/b.js", "script", H(trailing), Mode::kEnforce, {}, &tp).reason ==
        reason::kNoManifestMatch);
  // Piece hashes not supplied: never a silent allow.
  auto none = Decide(w.m, "https://example.com/bundle.js", "script", H(bundle));
  CHECK(none.action == Action::kBlock);
  CHECK(none.reason == reason::kNoManifestMatch);
  // The wildcard check is never a fallback for a listed URL (draft).
  CHECK(Decide(w.m, "https://example.com/app.js", "script", H(bundle), Mode::kEnforce, {}, &pieces).reason ==
        reason::kNoManifestMatch);
  // Without a delimiter the wildcard list is not consulted.
  Manifest nodelim = MustParse(R"({"wildcard_hashes": [")" + B(H(w.piece1)) + R"("]})");
  auto one = HashPieces(AsBytes(w.piece1), "");
  REQUIRE(one.size() == 1);
  CHECK(Decide(nodelim, "https://example.com/p.js", "script", H(w.piece1), Mode::kEnforce, {}, &one).reason ==
        reason::kMissingFromManifest);
}

TEST_CASE("WAICT: WebAssembly checks wasm_hashes only") {
  Waict w;
  auto ok = Decide(w.m, "https://example.com/m.wasm", "wasm", H(w.wasm));
  CHECK(ok.action == Action::kAllow);
  CHECK(ok.reason == reason::kWasmMatch);
  auto bad = Decide(w.m, "https://example.com/m.wasm", "wasm", Flip(H(w.wasm)));
  CHECK(bad.action == Action::kBlock);
  CHECK(bad.reason == reason::kWasmHashMismatch);
  CHECK(Decide(w.m, "", "wasm", Flip(H(w.wasm)), Mode::kReport).action == Action::kReport);
  // A URL-listed hash does not authorise compilation.
  CHECK(Decide(w.m, "https://example.com/app.js", "wasm", H(w.app)).reason == reason::kWasmHashMismatch);
}

TEST_CASE("WAICT: tombstone allows everything; SRI is ignored") {
  Manifest t = MustParse(R"({"emergency_opt_out": true})");
  for (std::string_view dest : {"script", "document", "wasm", "image"}) {
    auto d = Decide(t, "https://example.com/x", dest, H("anything"));
    CHECK(d.action == Action::kAllow);
    CHECK(d.reason == reason::kTombstone);
  }
  Waict w;
  CHECK(Decide(w.m, "https://example.com/unlisted.js", "script", H("x"), Mode::kEnforce, true).action ==
        Action::kBlock);
}

TEST_CASE("article dialect: blocked-destinations block, checked-destinations report, SRI never exempts") {
  std::string js = "main()", idx = "<html>", err = "<h1>404</h1>", wasm("\0asm\x01", 5);
  Manifest m = MustParse(
      R"J({"manifest": {"version": 1, "integrity-policy": "blocked-destinations=(script), checked-destinations=(wasm)",)J"
      R"("hashes": {")" +
      FormatHex(H(js)) + R"(": "/assets/js/main.js", ")" + FormatHex(H(idx)) + R"(": "/index.html", ")" +
      FormatHex(H(err)) + R"(": "", ")" + FormatHex(H(wasm)) + R"(": "/m.wasm"}}})");
  const std::string url = "https://example.com/assets/js/main.js";
  CHECK(Decide(m, url, "script", H(js)).reason == reason::kManifestMatch);
  auto bad = Decide(m, url, "script", Flip(H(js)));
  CHECK(bad.action == Action::kBlock);
  CHECK(bad.reason == reason::kNoManifestMatch);
  CHECK(Decide(m, url, "script", Flip(H(js)), Mode::kReport).action == Action::kReport);
  auto missing = Decide(m, "https://example.com/other.js", "script", H("other"));
  CHECK(missing.action == Action::kBlock);
  CHECK(missing.reason == reason::kMissingFromManifest);
  // "" path: the asset may appear anywhere.
  CHECK(Decide(m, "https://example.com/anything.js", "script", H(err)).reason == reason::kAnyMatch);
  // A listed URL must match its own hashes: no fallback to the "" entries (as Firefox reads it).
  CHECK(Decide(m, url, "script", H(err)).reason == reason::kNoManifestMatch);
  CHECK(Decide(m, "https://example.com/anything.js", "script", Flip(H(err))).action == Action::kBlock);
  // A matching (server-made) SRI attribute does not let an unlisted script pass.
  CHECK(Decide(m, "https://cdn.example/u.js", "script", H("u"), Mode::kEnforce, true).reason ==
        reason::kMissingFromManifest);
  CHECK(Decide(m, "https://cdn.example/u.js", "script", H("u"), Mode::kEnforce, false).action ==
        Action::kBlock);
  CHECK(Decide(m, "https://cdn.example/u.js", "script", H("u")).action == Action::kBlock);
  // checked-destinations: failures are reported even in enforce mode.
  CHECK(Decide(m, "https://example.com/m.wasm", "wasm", H(wasm)).reason == reason::kManifestMatch);
  auto wbad = Decide(m, "https://example.com/m.wasm", "wasm", Flip(H(wasm)));
  CHECK(wbad.action == Action::kReport);
  CHECK(wbad.reason == reason::kNoManifestMatch);
  CHECK(Decide(m, "https://example.com/x.wasm", "wasm", H("x")).action == Action::kReport);
  // Not in either list: not covered (documents and styles here).
  CHECK(Decide(m, "https://example.com/index.html", "document", Flip(H(idx))).reason == reason::kNotCovered);
  CHECK(Decide(m, "https://example.com/s.css", "style", H("s")).reason == reason::kNotCovered);
}

TEST_CASE("Firefox dialect: header policy, manifest policy, or WAICT classes") {
  std::string s = "script", any = "shared chunk";
  Manifest m = MustParse(R"({"hashes": {"/s.js": ")" + FormatBase64(H(s)) + R"("}, "any_hashes": [")" +
                         FormatBase64(H(any)) + R"("]})");
  // No policy anywhere: WAICT classes.
  CHECK(Decide(m, "https://example.com/s.js", "script", H(s)).reason == reason::kManifestMatch);
  CHECK(Decide(m, "https://example.com/s.js", "script", Flip(H(s))).reason == reason::kNoManifestMatch);
  CHECK(Decide(m, "https://example.com/any.js", "script", H(any)).reason == reason::kAnyMatch);
  CHECK(Decide(m, "https://example.com/any.js", "script", Flip(H(any))).reason ==
        reason::kMissingFromManifest);
  CHECK(Decide(m, "https://example.com/i.png", "image", H("i")).reason == reason::kPassiveUnlisted);
  CHECK(Decide(m, "https://example.com/doc", "document", H("d")).action == Action::kBlock);
  // Header policy blocked-destinations=(script): documents are then not covered; SRI counts.
  auto header = ParseDestinationPolicy("blocked-destinations=(script)");
  REQUIRE(header.ok());
  CHECK(Decide(m, "https://example.com/doc", "document", H("d"), Mode::kEnforce, {}, nullptr, &*header)
            .reason == reason::kNotCovered);
  CHECK(Decide(m, "https://example.com/s.js", "script", Flip(H(s)), Mode::kEnforce, {}, nullptr, &*header)
            .action == Action::kBlock);
  CHECK(Decide(m, "https://example.com/s.js", "script", Flip(H(s)), Mode::kEnforce, true, nullptr, &*header)
            .reason == reason::kNoManifestMatch);  // SRI never exempts
  CHECK(
      Decide(m, "https://example.com/x.js", "script", H(any), Mode::kEnforce, {}, nullptr, &*header).reason ==
      reason::kAnyMatch);
  // A listed URL with the wrong hash is no_manifest_match even when its body is in any_hashes.
  CHECK(
      Decide(m, "https://example.com/s.js", "script", H(any), Mode::kEnforce, {}, nullptr, &*header).reason ==
      reason::kNoManifestMatch);
  // Unlisted with a server-made integrity= attribute: blocked.
  auto u = Decide(m, "https://example.com/u.js", "script", H("u"), Mode::kEnforce, true, nullptr, &*header);
  CHECK(u.action == Action::kBlock);
  CHECK(u.reason == reason::kMissingFromManifest);
  // The header policy decides coverage for a plain {"hashes": ...} manifest too (Firefox format):
  // the unlisted document, style and image load; listed scripts run; a tampered one is blocked.
  Manifest plain = MustParse(R"({"hashes": {"/s.js": ")" + FormatBase64(H(s)) + R"("}})");
  for (const char* d : {"document", "style", "image", "font"}) {
    CHECK_MESSAGE(
        Decide(plain, "https://example.com/unlisted", d, H("x"), Mode::kEnforce, {}, nullptr, &*header)
                .reason == reason::kNotCovered,
        d);
  }
  CHECK(Decide(plain, "https://example.com/s.js", "script", H(s), Mode::kEnforce, {}, nullptr, &*header)
            .reason == reason::kManifestMatch);
  CHECK(Decide(plain, "https://example.com/s.js", "script", Flip(H(s)), Mode::kEnforce, {}, nullptr, &*header)
            .action == Action::kBlock);
  // Warn mode: the failure is a warning, never a block.
  CHECK(Decide(plain, "https://example.com/s.js", "script", Flip(H(s)), Mode::kWarn, {}, nullptr, &*header)
            .action == Action::kWarn);
  // Without the header policy, the same plain manifest follows the WAICT classes.
  CHECK(Decide(plain, "https://example.com/doc", "document", H("d")).action == Action::kBlock);
}

TEST_CASE("rework: the category decides coverage and class; data:/blob: against inline_url_hashes") {
  std::string app = "app()", img = "PNG", font = "WOFF", page = "<html>", inline_bytes = "alert(1)";
  Manifest m = MustParse(R"({"url_hashes": {"/app.js": ")" + B(H(app)) + R"(", "/i.png": ")" + B(H(img)) +
                         R"(", "/index.html": ")" + B(H(page)) + R"("}, "inline_url_hashes": [")" +
                         B(H(inline_bytes)) + R"("], "wasm_hashes": [")" + B(H("wasm")) + R"("]})");
  auto decide = [&](std::string_view url, std::string_view dest, const Hash32& h,
                    Mode mode = Mode::kEnforce) {
    ResourceFacts r;
    r.url = url;
    r.destination = ParseDestination(dest);
    r.body_hash = h;
    auto c = CategoryOf(r.destination);
    REQUIRE_MESSAGE(c.has_value(), dest);
    return DecideCategory(m, r, *c, mode);
  };
  // Active: listed match / mismatch / unlisted.
  CHECK(decide("https://example.com/app.js", "script", H(app)).reason == reason::kManifestMatch);
  CHECK(decide("https://example.com/app.js", "script", Flip(H(app))).reason == reason::kNoManifestMatch);
  CHECK(decide("https://example.com/x.js", "script", H("x")).reason == reason::kMissingFromManifest);
  CHECK(decide("https://example.com/x.xsl", "xslt", H("x")).reason == reason::kMissingFromManifest);
  CHECK(decide("https://example.com/w.js", "audioworklet", H("w")).action == Action::kBlock);
  CHECK(decide("https://example.com/e.swf", "embed", H("e")).action == Action::kBlock);
  CHECK(decide("https://example.com/index.html", "document", H(page)).reason == reason::kManifestMatch);
  // Passive: unlisted passes, listed must match.
  CHECK(decide("https://example.com/u.png", "image", H("u")).reason == reason::kPassiveUnlisted);
  CHECK(decide("https://example.com/i.png", "image", Flip(H(img))).reason == reason::kNoManifestMatch);
  CHECK(decide("https://example.com/f.woff", "font", H(font)).reason == reason::kPassiveUnlisted);
  CHECK(decide("https://example.com/v.mp4", "video", H("v")).reason == reason::kPassiveUnlisted);
  // wasm.
  CHECK(decide("https://example.com/m.wasm", "wasm", H("wasm")).reason == reason::kWasmMatch);
  CHECK(decide("https://example.com/m.wasm", "wasm", H("other")).reason == reason::kWasmHashMismatch);
  // Modes: warn / report never block.
  CHECK(decide("https://example.com/x.js", "script", H("x"), Mode::kWarn).action == Action::kWarn);
  CHECK(decide("https://example.com/x.js", "script", H("x"), Mode::kReport).action == Action::kReport);
  // data: / blob: under an active category: only listed bytes.
  CHECK(decide("data:text/javascript,alert(1)", "script", H(inline_bytes)).reason == reason::kInlineUrlMatch);
  auto d = decide("data:text/javascript,alert(2)", "script", H("alert(2)"));
  CHECK(d.action == Action::kBlock);
  CHECK(d.reason == reason::kInlineViolation);
  CHECK(decide("blob:https://example.com/1", "worker", H("w")).reason == reason::kInlineViolation);
  CHECK(decide("data:text/html,x", "iframe", H("x"), Mode::kWarn).action == Action::kWarn);
  // ... and not covered under a passive one.
  CHECK(decide("data:image/png;base64,AA", "image", H("x")).reason == reason::kNotCovered);
  // No category for json, track, "": not covered by CategoryOf.
  CHECK_FALSE(CategoryOf(Destination::kJson).has_value());
  CHECK_FALSE(CategoryOf(Destination::kTrack).has_value());
  CHECK_FALSE(CategoryOf(Destination::kOther).has_value());
}

TEST_CASE("a URL listed twice with different hashes is never allowed; the others are") {
  std::string a = "a()", b = "b()", c = "c()";
  Manifest m = MustParse(R"({"hashes": {"/x.js": ")" + B(H(a)) + R"(", "./x.js": ")" + B(H(b)) +
                         R"(", "/c.js": ")" + B(H(c)) + R"("}})");
  CHECK(Decide(m, "https://example.com/x.js", "script", H(a)).reason == reason::kNoManifestMatch);
  CHECK(Decide(m, "https://example.com/x.js", "script", H(b)).reason == reason::kNoManifestMatch);
  CHECK(Decide(m, "https://example.com/c.js", "script", H(c)).reason == reason::kManifestMatch);
}

TEST_CASE("modes, actions, failure decisions") {
  CHECK(*ParseMode("enforce") == Mode::kEnforce);
  CHECK(*ParseMode("report") == Mode::kReport);
  CHECK(ParseMode("Enforce").code() == ErrorCode::kDecisionBadMode);
  CHECK(ParseMode("").code() == ErrorCode::kDecisionBadMode);
  CHECK(ModeName(Mode::kReport) == "report");
  CHECK(ActionName(Action::kAllow) == "allow");
  CHECK(ActionName(Action::kBlock) == "block");
  CHECK(ActionName(Action::kReport) == "report");
  CHECK(ActionName(Action::kWarn) == "warn");
  CHECK(*ParseMode("warn") == Mode::kWarn);
  CHECK(FailureDecision(reason::kInvalidManifest, Mode::kWarn).action == Action::kWarn);
  CHECK(ModeName(Mode::kWarn) == "warn");  // headers::ModeName: the one mode vocabulary
  auto f = FailureDecision(reason::kManifestUnavailable, Mode::kEnforce, "timeout");
  CHECK(f.action == Action::kBlock);
  CHECK(f.reason == "manifest_unavailable");
  CHECK(FailureDecision(reason::kInvalidManifest, Mode::kReport).action == Action::kReport);
  // An article model built by hand without its policy fails closed.
  Manifest hand;
  hand.dialect = Dialect::kArticle;
  CHECK(Decide(hand, "https://example.com/x", "script", H("x")).action == Action::kBlock);
}

TEST_CASE("HashPieces") {
  CHECK(HashPieces(AsBytes(""), "--").size() == 1);
  CHECK(HashPieces(AsBytes("a--b--c"), "--").size() == 3);
  CHECK(HashPieces(AsBytes("--"), "--") == std::vector<Hash32>{H(""), H("")});
  CHECK(HashPieces(AsBytes("a---b"), "--") == std::vector<Hash32>{H("a"), H("-b")});
  CHECK(HashPieces(AsBytes("abc"), "") == std::vector<Hash32>{H("abc")});
}
