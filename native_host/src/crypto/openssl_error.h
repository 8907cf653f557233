// The text of OpenSSL's error queue, for error details: "<what>: <first queued error>" (the queue
// is cleared). For net/ (TLS over libssl) and crypto/, the modules that call OpenSSL.
//
//   FormatOpenSslError("cannot load key k.pem") -> "cannot load key k.pem: error:1E08010C:DECODER
//   routines::unsupported"
#pragma once

#include <string>
#include <string_view>

namespace verity::crypto {

std::string FormatOpenSslError(std::string_view what);
// Empties the error queue (after an expected failure, so it does not leak into the next detail).
void ClearOpenSslErrors();

}  // namespace verity::crypto
