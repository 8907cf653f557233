#include "m2dmrt/check.h"

namespace verity::m2dmrt {
namespace {

SideResult CheckSide(const TxtLookup& lookup, std::string_view declarer, std::string_view peer,
                     const Observed& observed, int64_t now, int64_t skew) {
  SideResult side;
  side.records = lookup.records.size();
  for (const std::string& rdata : lookup.records) {
    auto decl = ParseDeclaration(rdata);
    Status st = decl ? VerifyDeclaration(*decl, declarer, peer, observed, now, skew) : Status(decl.error());
    if (st) {
      side.verified = true;
      side.code = ErrorCode::kOk;
      side.detail = std::string(declarer) + " declares " + std::string(peer);
      return side;
    }
    // Remember the most telling failure: a real declaration that fails beats an unrelated record.
    bool skipped =
        st.code() == ErrorCode::kM2dmrtUnknownVersion || st.code() == ErrorCode::kM2dmrtUnknownAlgorithm;
    if (side.code == ErrorCode::kOk || !skipped) {
      side.code = st.code();
      side.detail = st.error().detail;
    }
  }
  if (lookup.records.empty()) side.detail = "no declaration by " + std::string(declarer);
  return side;
}

}  // namespace

std::string_view HopStateName(HopState s) {
  switch (s) {
    case HopState::kMutual:
      return "MUTUAL";
    case HopState::kOneSided:
      return "ONE_SIDED";
    case HopState::kNone:
      return "NONE";
    case HopState::kUnverifiable:
      return "UNVERIFIABLE";
    case HopState::kBogus:
      return "BOGUS";
  }
  return "?";
}

HopResult EvaluateHop(const HopInput& in) {
  HopResult r;
  static const TxtLookup kMissing;
  const TxtLookup& od = in.origin_about_dest ? *in.origin_about_dest : kMissing;
  const TxtLookup& dor = in.dest_about_origin ? *in.dest_about_origin : kMissing;
  std::string o(in.origin_host), d(in.dest_host);
  if (od.security == DnsSecurity::kBogus || dor.security == DnsSecurity::kBogus) {
    r.state = HopState::kBogus;
    const TxtLookup& bad = od.security == DnsSecurity::kBogus ? od : dor;
    r.detail = "DNSSEC validation failed for the declarations of " + o + " and " + d +
               " (someone may be tampering with DNS)" + (bad.why.empty() ? "" : ": " + bad.why);
    return r;
  }
  if (od.security != DnsSecurity::kSecure || dor.security != DnsSecurity::kSecure) {
    r.state = HopState::kUnverifiable;
    const TxtLookup& weak = od.security != DnsSecurity::kSecure ? od : dor;
    r.detail = "the declarations of " + o + " and " + d + " cannot be verified: DNS answer is " +
               std::string(dns::SecurityName(weak.security)) +
               (weak.why.empty() ? "" : " (" + weak.why + ")");
    return r;
  }
  r.origin_declares_dest =
      CheckSide(od, o, d, Observed{in.origin_spki, in.dest_spki}, in.now, in.skew_seconds);
  r.dest_declares_origin =
      CheckSide(dor, d, o, Observed{in.dest_spki, in.origin_spki}, in.now, in.skew_seconds);
  bool a = r.origin_declares_dest.verified, b = r.dest_declares_origin.verified;
  if (a && b) {
    r.state = HopState::kMutual;
    r.detail = o + " and " + d + " declare each other with the TLS keys seen";
  } else if (a || b) {
    r.state = HopState::kOneSided;
    const SideResult& miss = a ? r.dest_declares_origin : r.origin_declares_dest;
    r.detail = "only " + (a ? o : d) + " declares the relationship; " + miss.detail;
  } else {
    r.state = HopState::kNone;
    r.detail = "neither " + o + " nor " + d + " declares the other: " + r.origin_declares_dest.detail;
  }
  return r;
}

Action RequiredAction(SitePolicy policy, HopState state) {
  if (state == HopState::kMutual) return Action::kAllow;
  return policy == SitePolicy::kEnforce ? Action::kBlock : Action::kReport;
}

}  // namespace verity::m2dmrt
