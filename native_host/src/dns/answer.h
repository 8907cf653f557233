// A TXT lookup result as the resolvers report it, with its DNSSEC state and trust basis.
//
//   security  secure        chain of trust validated (locally by libunbound, or: see trust_basis)
//             insecure      provably unsigned (no DS in a parent): cannot be trusted
//             bogus         signatures fail, expired, or a proof is missing: tampering
//             indeterminate lookup failed (timeout, SERVFAIL without validation data, network)
//   records   each TXT record's character-strings concatenated without separators
//   nxdomain  true for NXDOMAIN; NODATA is nxdomain=false with no records
//   trust_basis "validated locally (libunbound)" or "resolver AD bit over DoH (not validated locally)"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace verity::dns {

enum class Security { kSecure, kInsecure, kBogus, kIndeterminate };

inline std::string_view SecurityName(Security s) {
  switch (s) {
    case Security::kSecure:
      return "secure";
    case Security::kInsecure:
      return "insecure";
    case Security::kBogus:
      return "bogus";
    case Security::kIndeterminate:
      return "indeterminate";
  }
  return "?";
}

struct TxtAnswer {
  Security security = Security::kIndeterminate;
  std::vector<std::string> records;
  bool nxdomain = false;
  uint32_t ttl = 0;
  std::string trust_basis;
  std::string why;  // reason for bogus / indeterminate
};

}  // namespace verity::dns
