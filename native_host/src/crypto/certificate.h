// X.509 certificates for the M2DMRT registration agents (docs/m2dmrt-registration.md): minting a
// self-signed certificate for a host (tests, demos, `verity-cli m2dmrt-agent`) and checking that a
// certificate is valid for a host name. libcrypto (OpenSSL) is this module's; net/ keeps only the
// TLS connections (libssl).
//
//   auto pem = MakeSelfSignedCertificatePem(pkcs8_pem, "pay.test", 30);
//   -> "-----BEGIN CERTIFICATE-----\n..." (CN=pay.test, SAN DNS:pay.test, CA:TRUE, 30 days)
//   CertificateMatchesHost(der_of(*pem), "pay.test") == true; (..., "shop.test") == false
#pragma once

#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"

namespace verity::crypto {

// True if the DER certificate (nothing after it) is valid for DNS name `host` (SAN dNSName,
// RFC 6125 rules, no partial wildcards).
bool CertificateMatchesHost(ByteView cert_der, std::string_view host);

// OpenSSL's X509_PURPOSE_SSL_SERVER, for net/ to require that a TLS client's certificate is a site
// certificate (SSL_CTX_set_purpose) without including libcrypto's x509v3.h.
int X509PurposeSslServer();

// A self-signed X.509 certificate (PEM) for `host` (SAN dNSName, CA:TRUE so it can be its own trust
// anchor), signed with the PKCS#8 PEM key (EC, RSA or Ed25519). For tests and demos only.
// Errors: core.io (unreadable key), core.internal.
Result<std::string> MakeSelfSignedCertificatePem(std::string_view private_key_pem, std::string_view host,
                                                 int days);

}  // namespace verity::crypto
