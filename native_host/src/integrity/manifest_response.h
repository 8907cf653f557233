// The body of a manifest URL response (WAICT integrity draft v2, "Fetching Manifests"; design §4.1):
//
//   manifest-JSON LF transparency-proof LF
//
//   {"hashes":{"/app.js":"r4j9yW07mpTFSQ6ZRYOV0Au8Hfn2NqjqQMBqKL_SWCY"}}\n
//   bXB0cHJvb2YB...\n
//
// The proof line cannot contain LF, so the split is at the second-to-last LF and the manifest JSON
// itself may span lines. `manifest` is returned byte for byte as received: it is what the
// transparency resource_hash covers. The proof is base64url without padding in the current draft
// and standard base64 in earlier ones; either alphabet (not mixed), padding optional.
//
// What Verity tolerates (Decision; the draft rejects all but the first form):
//   1. "M LF P LF"       -> manifest M, proof P.           (the draft's form)
//   2. "M LF LF"         -> manifest M, no proof.          (the draft's "empty proof": transparency off)
//   3. "M LF P"          -> manifest M, proof P.           (final LF missing)
//   4. "M" or "M LF"     -> manifest M, no proof.          (plain JSON, Firefox / article dialects)
//   5. pretty-printed plain JSON: the last line contains '{', '}', '[', ']' or '"', characters a
//      proof line can never hold, so it is JSON, not a proof -> manifest = body minus one final LF.
// Everything else in the last line must be base64 (manifest.bad_proof_encoding); CR is not
// stripped (a CRLF body is therefore rejected, never re-read with different manifest bytes).
// Each body has exactly one reading. Bodies over kMaxManifestResponseBytes: manifest.too_large.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"

namespace verity::integrity {

inline constexpr uint64_t kMaxManifestResponseBytes = 16u << 20;  // 16 MiB

struct ManifestResponse {
  std::string manifest;  // exact bytes, to hash and to parse
  bool has_proof = false;
  Bytes proof;  // decoded transparency proof (ChainHeadWithProof, design §4.2) when has_proof
};

Result<ManifestResponse> SplitManifestResponse(std::string_view body);

}  // namespace verity::integrity
