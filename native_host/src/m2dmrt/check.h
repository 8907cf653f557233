// The client check of one cross-host hop O → D (design §4.3): both directions' declarations,
// DNSSEC state of each lookup, keys observed in TLS. Pure: DNS answers and the clock are inputs.
//
//   O declares D: TXT at DeclarationOwnerName(O, D)   D declares O: TXT at DeclarationOwnerName(D, O)
//   any lookup bogus                       → kBogus        (tampering: block)
//   any lookup insecure / failed           → kUnverifiable (no DNSSEC chain: cannot be trusted)
//   both secure, both sides verify          → kMutual
//   both secure, exactly one side verifies  → kOneSided
//   both secure, neither verifies (NXDOMAIN/NODATA with secure denial, or only bad records) → kNone
// A side "verifies" if any one record of its RRset parses and passes VerifyDeclaration.
// Enforce-mode sites require kMutual (RequiredAction).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/action.h"
#include "core/error.h"
#include "dns/answer.h"
#include "m2dmrt/declaration.h"

namespace verity::m2dmrt {

using DnsSecurity = dns::Security;
using TxtLookup = dns::TxtAnswer;

enum class HopState { kMutual, kOneSided, kNone, kUnverifiable, kBogus };
std::string_view HopStateName(HopState s);  // "MUTUAL", "ONE_SIDED", "NONE", "UNVERIFIABLE", "BOGUS"

struct SideResult {
  bool verified = false;
  ErrorCode code = ErrorCode::kOk;  // why not (first failure), kOk if verified or no records
  std::string detail;
  size_t records = 0;
};

struct HopResult {
  HopState state = HopState::kNone;
  SideResult origin_declares_dest;
  SideResult dest_declares_origin;
  std::string detail;  // plain words for the log and the block page
};

struct HopInput {
  std::string_view origin_host;
  std::string_view dest_host;
  ByteView origin_spki;  // observed in TLS
  ByteView dest_spki;
  const TxtLookup* origin_about_dest = nullptr;  // records at DeclarationOwnerName(origin, dest)
  const TxtLookup* dest_about_origin = nullptr;  // records at DeclarationOwnerName(dest, origin)
  int64_t now = 0;
  int64_t skew_seconds = 300;
};

HopResult EvaluateHop(const HopInput& in);

// enforce: only kMutual is allowed; report: anything but kMutual is reported.
Action RequiredAction(SitePolicy policy, HopState state);

}  // namespace verity::m2dmrt
