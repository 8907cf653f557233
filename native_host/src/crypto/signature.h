// Public-key signatures over X.509 SubjectPublicKeyInfo keys, through OpenSSL (design §2, §4.3).
// Used for M2DMRT declarations, which are signed with a site's TLS key.
//
// Algorithms and signature encodings (fixed sizes; no DER malleability for ECDSA):
//   es256   ECDSA P-256 + SHA-256, signature r‖s (64 bytes, IEEE P1363 / JWS form)
//   es384   ECDSA P-384 + SHA-384, signature r‖s (96 bytes)
//   rs256   RSASSA-PKCS1-v1_5 + SHA-256, RSA ≥ 2048 bits, signature = modulus size
//   ps256   RSASSA-PSS + SHA-256, MGF1-SHA-256, salt length 32, RSA ≥ 2048 bits
//   ed25519 Ed25519 (RFC 8032), 64 bytes
// The key type must fit the algorithm (a P-384 key never verifies an es256 signature).
//
//   auto spki = SpkiFromPem(cert_or_public_key_pem);        // DER SubjectPublicKeyInfo
//   Hash32 kd = Sha256(*spki);                               // as DANE TLSA 3 1 1
//   Status ok = VerifySignature(SigAlg::kEs256, *spki, msg, sig);
#pragma once

#include <optional>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"

namespace verity::crypto {

enum class SigAlg { kEs256, kEs384, kRs256, kPs256, kEd25519 };

std::optional<SigAlg> ParseSigAlg(std::string_view name);  // "es256", ... (lower case only)
std::string_view SigAlgName(SigAlg alg);

// DER SubjectPublicKeyInfo from a DER X.509 certificate.
Result<Bytes> SpkiFromCertificateDer(ByteView cert_der);
// DER SubjectPublicKeyInfo from PEM text holding a CERTIFICATE, a PUBLIC KEY or a PRIVATE KEY.
Result<Bytes> SpkiFromPem(std::string_view pem);
// Checks that `spki_der` is one well-formed SubjectPublicKeyInfo (no trailing bytes).
Status VerifySpki(ByteView spki_der);
// The algorithm that fits a key: EC P-256 → es256, P-384 → es384, RSA → rs256, Ed25519 → ed25519.
Result<SigAlg> DefaultSigAlgForSpki(ByteView spki_der);

Status VerifySignature(SigAlg alg, ByteView spki_der, ByteView message, ByteView signature);
// A fresh private key for the algorithm, as PKCS#8 PEM (tests and the operator CLI's demo keys).
Result<std::string> GeneratePrivateKeyPem(SigAlg alg);
// Signs with a PEM private key (operator CLI). ECDSA output is r‖s.
Result<Bytes> SignWithPrivateKeyPem(SigAlg alg, std::string_view private_key_pem, ByteView message);

}  // namespace verity::crypto
