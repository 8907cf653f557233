// Subresource Integrity metadata (W3C SRI: "parse metadata", "get the strongest metadata from set",
// "do bytes match metadataList"; design §4.1) plus signature-based SRI keys (signature.h).
//
// Wire format: the `integrity` attribute, tokens separated by ASCII whitespace, each
//   <alg>-<base64 value>[?<options>]
//   "sha384-cINXh+nCzEHPWzXS7eoT+vYMBpyqczOybRLNU3XAButFWCRhHT5hLByIbPRqIm2f sha256-Bu68...ghA=?x"
//   -> hashes [{sha384, 48 bytes}, {sha256, 32 bytes}]; the strongest (sha384) decides:
//      body "// nothing important.\n" has that sha384 -> kMatch.
//   "ed25519-JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=" -> signatures [{ed25519, 32-byte key}]
//
// Host API: the host never sees bodies. It asks the extension for the digests RequiredAlgorithms()
// names, then calls MatchSri() with them (and the response's signature headers if the metadata pins
// an ed25519 key). kDigestMissing means "ask for that digest" — never treat it as a pass.
//
// Rules (spec + design §4.1):
//  - Tokens are split on ASCII whitespace (TAB LF FF CR SP); anything after the first '?' is ignored.
//  - The algorithm is the text before the first '-', compared ASCII case-insensitively against
//    sha256 / sha384 / sha512 / ed25519. Anything else is skipped (unknown != malformed).
//  - A known algorithm whose value is not base64 of the right length (32/48/64 bytes; 32 for an
//    ed25519 key) is kept as a *malformed entry*: it counts when choosing the strongest algorithm
//    but never matches (fail closed; WPT "sha512-% sha256-<good>" blocks).
//  - No known-algorithm entry at all -> kNoMetadata (no constraint).
//  - Hashes: only entries of the strongest algorithm present count; any one equal to the body's
//    digest (constant-time, on decoded bytes) passes.
//  - Signatures (WICG draft): if ed25519 entries exist, one of those keys must have a valid
//    signature (signature.h). Hash and signature constraints, when both present, must both pass.
//
// Policy for the rows of shared/vectors/sri/sri_match_cases.json that are not settled
// (tests/unit/sri/sri_vectors_test.cc checks every row against this table). "load" = kMatch or
// kNoMetadata, "block" = kMismatch.
//
//  | row (integrity)              | spec text   | engines                | Verity             |
//  |------------------------------|-------------|------------------------|--------------------|
//  | sha256-...  (disputed)       | block       | Chrome+Safari load,    | block (kMismatch)  |
//  |                              |             | Firefox blocks         |                    |
//  | sha384-<digest in base64url> | block       | Chromium load          | load (kMatch)      |
//  | sha256-<digest, no '=' pad>  | block       | Chromium, WebKit load  | load (kMatch)      |
//  | SHA256-<right digest>        | load        | load                   | load (kMatch)      |
//  | SHA256-<wrong digest>        | block       | Chromium load          | block (kMismatch)  |
//  | sha-256-<right digest>       | load (skip) | Chromium checks: load  | load (kNoMetadata) |
//  | TAB / LF around or between   | (splits on  | split on ASCII         | load (kMatch)      |
//  | tokens (spec-inference rows) |  U+0020)    | whitespace             |                    |
//
// Why: (1) a known algorithm with an undecodable value is a malformed entry, which fails closed
// and agrees with the spec algorithm and with the newer WPT "sha256-%" tests; (2)+(3) design §4.1
// compares decoded bytes, never strings, so an encoding variant of the right digest is the right
// digest (the value is all text after the first '-'; either base64 alphabet, not mixed, padding
// optional) and cannot admit a different body; (4)+(5) the spec lowercases the algorithm, which
// is also the fail-closed reading; (6) the spec's token set has no "sha-256": "sha" is an unknown
// algorithm, skipped, so the row carries no constraint (never a pass on its own: kNoMetadata is
// not kMatch); (7) design §4.1 splits on ASCII whitespace like the engines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "crypto/hash.h"
#include "sri/body_digests.h"
#include "sri/signature.h"

namespace verity::sri {

enum class Algorithm : uint8_t { kSha256, kSha384, kSha512, kEd25519 };
std::string_view AlgorithmName(Algorithm alg);  // "sha256", ..., "ed25519"

struct Entry {
  Algorithm alg = Algorithm::kSha256;
  Bytes value;                         // decoded digest or public key; empty when malformed
  ErrorCode problem = ErrorCode::kOk;  // kSriMalformedDigest / kSriMalformedKey: never matches
  bool malformed() const { return problem != ErrorCode::kOk; }
};

struct Metadata {
  std::vector<Entry> hashes;      // sha256/384/512 entries in attribute order (incl. malformed)
  std::vector<Entry> signatures;  // ed25519 entries (incl. malformed)
  uint64_t skipped_tokens = 0;    // unknown algorithms and empty tokens
  bool empty() const { return hashes.empty() && signatures.empty(); }
};

inline constexpr uint64_t kMaxMetadataBytes = 64 * 1024;

// Syntax only. Never fails on content (malformed tokens become malformed entries); fails only
// with kSriTooLarge above kMaxMetadataBytes (callers treat that as kMismatch: fail closed).
Result<Metadata> ParseMetadata(std::string_view integrity);

// Strongest hash algorithm among the hash entries (malformed ones included); nullopt if none.
std::optional<crypto::HashAlg> StrongestHashAlgorithm(const Metadata& metadata);

// Digests the extension must compute: the strongest hash algorithm (if any entry of it is
// well-formed) and, if ed25519 entries exist and `unencoded_digest` is given, the algorithms that
// header names (sha-256 when it is absent or invalid, so the common case needs no round trip).
std::vector<crypto::HashAlg> RequiredAlgorithms(const Metadata& metadata,
                                                std::string_view unencoded_digest = {});

enum class SriOutcome : uint8_t { kNoMetadata, kMatch, kMismatch, kDigestMissing };
std::string_view SriOutcomeName(SriOutcome outcome);  // "no_metadata", "match", "mismatch", "digest_missing"

struct SriCheck {
  SriOutcome outcome = SriOutcome::kMismatch;
  ErrorCode reason = ErrorCode::kOk;  // kOk for kMatch/kNoMetadata; else the sri.* code why
  std::string detail;
};

// The verdict-path entry points. `response` is only consulted when the metadata pins ed25519 keys
// (without it such metadata is kMismatch: no signature).
SriCheck CheckSri(const Metadata& metadata, const BodyDigests& digests, const SignedResponse& response = {});
SriOutcome MatchSri(const Metadata& metadata, const BodyDigests& digests,
                    const SignedResponse& response = {});
// Convenience for tests and the CLI: parse + hash the body + match.
SriCheck CheckSriBody(std::string_view integrity, ByteView body, const SignedResponse& response = {});

}  // namespace verity::sri
