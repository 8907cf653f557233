// Signature-based SRI (WICG "Signature-based Integrity", wicg.github.io/signature-based-sri, the
// draft as of 2025: Unencoded-Digest + RFC 9421 HTTP Message Signatures with tag="sri").
//
// The page pins a key:   <script integrity="ed25519-JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=">
// The response carries:
//   Unencoded-Digest: sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:
//   Signature-Input:
//   signature=("unencoded-digest";sf);keyid="JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=";tag="sri"
//   Signature: signature=:<64-byte Ed25519 signature, base64>:
// and what is signed is the RFC 9421 §2.5 signature base (LF-separated, no trailing LF):
//   "unencoded-digest";sf: sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:
//   "@signature-params":
//   ("unencoded-digest";sf);keyid="JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=";tag="sri"
// The signature therefore covers the body only through Unencoded-Digest, which must also match the
// body digests the extension computed (the draft's server-initiated integrity check).
//
// Implemented subset (the draft is still moving; recorded here on purpose):
//  - Only Signature-Input members whose `tag` is the string "sri" are evaluated (others ignored).
//  - Covered components must be exactly ("unencoded-digest";sf). The draft also allows derived
//    request components with `req` (@method, @path, ...); the host does not receive those, so
//    such signatures are not accepted (fail closed: kSriSignatureInvalid / kSriNoSignature).
//  - Parameters allowed: keyid (string, required: base64 of the raw 32-byte key), tag (required),
//    alg (optional, must be "ed25519"; an earlier draft required it), created, expires (integers)
//    and nonce (string). Any other parameter rejects that signature.
//  - created/expires are checked only when the caller passes `now_unix` (created may be at most
//    kSriClockSkewSeconds in the future; expires must be later than now - skew).
//  - Unencoded-Digest must be a non-empty dictionary of byte sequences keyed sha-256 / sha-384 /
//    sha-512 with the right lengths (the draft's "valid for SRI"); every listed digest must equal
//    the body digest. Structured fields are parsed by sfv/ through the profile in sf_profile.h.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "crypto/hash.h"
#include "sri/body_digests.h"

namespace verity::sri {

inline constexpr std::string_view kSriSignatureTag = "sri";
inline constexpr int64_t kSriClockSkewSeconds = 300;
// Work bounds (attacker-controlled headers): longer header values fail with kSriTooLarge; only the
// first kMaxSriSignatures tag="sri" members are evaluated (later ones are ignored: fail closed).
inline constexpr uint64_t kMaxSriHeaderBytes = 64 * 1024;
inline constexpr uint64_t kMaxSriSignatures = 32;

// The response header field values the check needs ("" = header absent). Repeated header lines
// must be joined with ", " by the caller, as HTTP does.
struct SignedResponse {
  std::string_view unencoded_digest;
  std::string_view signature_input;
  std::string_view signature;
  std::optional<int64_t> now_unix;  // enables the created/expires check
};

// Digests the Unencoded-Digest header names; kSriBadUnencodedDigest if not valid for SRI.
Result<std::vector<crypto::HashAlg>> ParseUnencodedDigestAlgorithms(std::string_view header);

// Every digest in the header equals the body digest of that algorithm.
// Errors: kSriBadUnencodedDigest, kSriDigestMissing (body digest not supplied),
// kSriUnencodedDigestMismatch.
Status VerifyUnencodedDigest(std::string_view header, const BodyDigests& body);

// The RFC 9421 signature base for Signature-Input member `label`, after the profile checks above.
// Errors: kSriBadUnencodedDigest, kSriBadSignatureInput, kSriNoSignature (no such label / not sri).
Result<std::string> ComputeSriSignatureBase(std::string_view unencoded_digest,
                                            std::string_view signature_input, std::string_view label);

// One pinned key: some tag="sri" signature by `public_key` verifies over the signature base AND
// the Unencoded-Digest matches the body. Errors (most specific first): kSriBadSignatureInput,
// kSriBadSignatureHeader, kSriBadUnencodedDigest, kSriSignatureInvalid, kSriSignatureExpired,
// kSriNoSignature, then kSriDigestMissing / kSriUnencodedDigestMismatch.
Status VerifyIntegritySignature(ByteView public_key, const SignedResponse& response, const BodyDigests& body);
// Same for a set of pinned keys (any one suffices); headers are parsed once and each tag="sri"
// member is verified at most once. kSriMalformedKey if `public_keys` is empty.
Status VerifyIntegritySignatureAnyKey(std::span<const Bytes> public_keys, const SignedResponse& response,
                                      const BodyDigests& body);

}  // namespace verity::sri
