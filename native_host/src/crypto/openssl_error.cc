#include "crypto/openssl_error.h"

#include <openssl/err.h>

namespace verity::crypto {

std::string FormatOpenSslError(std::string_view what) {
  std::string out(what);
  unsigned long e = ERR_get_error();
  if (e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += ": ";
    out += buf;
  }
  ERR_clear_error();
  return out;
}

void ClearOpenSslErrors() { ERR_clear_error(); }

}  // namespace verity::crypto
