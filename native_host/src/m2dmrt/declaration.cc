#include "m2dmrt/declaration.h"

#include <charconv>
#include <vector>

#include "core/encoding.h"
#include "crypto/hash.h"

namespace verity::m2dmrt {
namespace {

constexpr std::string_view kVersion = "M2DMRT1";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Error Malformed(std::string detail) { return MakeError(ErrorCode::kM2dmrtMalformed, std::move(detail)); }

// Splits "k=v; k=v" into pairs; rejects empty fields, missing '=', duplicate keys.
Result<std::vector<std::pair<std::string_view, std::string_view>>> SplitFields(std::string_view rdata) {
  if (rdata.size() > 4096) return Malformed("record longer than 4096 bytes");
  std::vector<std::pair<std::string_view, std::string_view>> out;
  size_t pos = 0;
  while (pos <= rdata.size()) {
    size_t end = rdata.find(';', pos);
    if (end == std::string_view::npos) end = rdata.size();
    std::string_view field = Trim(rdata.substr(pos, end - pos));
    pos = end + 1;
    if (field.empty()) {
      if (end == rdata.size()) break;  // one trailing ';' is fine
      return Malformed("empty field");
    }
    size_t eq = field.find('=');
    if (eq == std::string_view::npos || eq == 0) return Malformed("field without key=value");
    std::string_view key = Trim(field.substr(0, eq)), value = Trim(field.substr(eq + 1));
    for (const auto& kv : out) {
      if (kv.first == key) return Malformed("duplicate key " + std::string(key));
    }
    out.emplace_back(key, value);
  }
  if (out.empty() || out.front().first != "v") return Malformed("record must start with v=");
  if (out.front().second != kVersion) {
    return MakeError(ErrorCode::kM2dmrtUnknownVersion, "version " + std::string(out.front().second));
  }
  return out;
}

std::optional<std::string_view> Get(const std::vector<std::pair<std::string_view, std::string_view>>& f,
                                    std::string_view key) {
  for (const auto& kv : f) {
    if (kv.first == key) return kv.second;
  }
  return std::nullopt;
}

Result<Hash32> ParseKeyHash(std::string_view hex) {
  if (hex.size() != 64) return Malformed("key hash must be 64 hex digits");
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return Malformed("key hash must be lower-case hex");
  }
  return ToArray<32>(ParseHex(hex));
}

Result<int64_t> ParseTime(std::string_view s) {
  if (s.empty() || s.size() > 12 || (s.size() > 1 && s[0] == '0')) return Malformed("bad time");
  int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v < 0) return Malformed("bad time");
  return v;
}

}  // namespace

Result<std::string> CanonicalHost(std::string_view host) {
  if (host.empty() || host.size() > 253) return MakeError(ErrorCode::kM2dmrtBadHost, "host length");
  std::string out;
  out.reserve(host.size());
  size_t label = 0;
  for (size_t i = 0; i < host.size(); ++i) {
    char c = host[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool ldh = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (c == '.') {
      if (label == 0 || out.back() == '-') return MakeError(ErrorCode::kM2dmrtBadHost, "empty or bad label");
      label = 0;
    } else if (!ldh) {
      return MakeError(ErrorCode::kM2dmrtBadHost, "character not allowed in host name");
    } else {
      if (label == 0 && c == '-') return MakeError(ErrorCode::kM2dmrtBadHost, "label starts with '-'");
      if (++label > 63) return MakeError(ErrorCode::kM2dmrtBadHost, "label longer than 63");
    }
    out.push_back(c);
  }
  if (label == 0 || out.back() == '-') return MakeError(ErrorCode::kM2dmrtBadHost, "empty or bad last label");
  return out;
}

Result<std::string> DeclarationOwnerName(std::string_view declarer, std::string_view peer) {
  auto d = CanonicalHost(declarer);
  if (!d) return d.error();
  auto p = CanonicalHost(peer);
  if (!p) return p.error();
  return FormatHex(crypto::Sha256(*p)).substr(0, 56) + "._m2dmrt." + *d;
}

Result<std::string> PolicyOwnerName(std::string_view host) {
  auto h = CanonicalHost(host);
  if (!h) return h.error();
  return "_m2dmrt." + *h;
}

Result<Declaration> ParseDeclaration(std::string_view rdata) {
  auto fields = SplitFields(rdata);
  if (!fields) return fields.error();
  Declaration d;
  for (std::string_view k : {"d", "p", "kd", "kp", "nb", "na", "a", "s"}) {
    if (!Get(*fields, k)) return Malformed("missing " + std::string(k) + "=");
  }
  auto alg = crypto::ParseSigAlg(*Get(*fields, "a"));
  if (!alg)
    return MakeError(ErrorCode::kM2dmrtUnknownAlgorithm, "algorithm " + std::string(*Get(*fields, "a")));
  d.alg = *alg;
  auto dh = CanonicalHost(*Get(*fields, "d"));
  auto ph = CanonicalHost(*Get(*fields, "p"));
  if (!dh || !ph) return Malformed("bad host in d= or p=");
  if (*dh != *Get(*fields, "d") || *ph != *Get(*fields, "p")) return Malformed("hosts must be lower case");
  d.declarer = *dh;
  d.peer = *ph;
  auto kd = ParseKeyHash(*Get(*fields, "kd"));
  if (!kd) return kd.error();
  auto kp = ParseKeyHash(*Get(*fields, "kp"));
  if (!kp) return kp.error();
  d.declarer_key = *kd;
  d.peer_key = *kp;
  auto nb = ParseTime(*Get(*fields, "nb"));
  if (!nb) return nb.error();
  auto na = ParseTime(*Get(*fields, "na"));
  if (!na) return na.error();
  if (*nb >= *na) return Malformed("nb must be before na");
  d.not_before = *nb;
  d.not_after = *na;
  auto sig = ParseBase64(*Get(*fields, "s"));
  if (!sig || sig->empty() || sig->size() > 1024) return Malformed("bad signature encoding");
  d.signature = std::move(*sig);
  return d;
}

Result<SitePolicy> ParsePolicyRecord(std::string_view rdata) {
  auto fields = SplitFields(rdata);
  if (!fields) return fields.error();
  auto p = Get(*fields, "policy");
  if (!p) return Malformed("missing policy=");
  if (*p == "enforce") return SitePolicy::kEnforce;
  if (*p == "report") return SitePolicy::kReport;
  return Malformed("policy must be enforce or report");
}

std::string ComputeSignedMessage(const Declaration& d) {
  std::string m = "M2DMRT1|";
  m += d.declarer + "|" + d.peer + "|" + FormatHex(d.declarer_key) + "|" + FormatHex(d.peer_key) + "|";
  m += std::to_string(d.not_before) + "|" + std::to_string(d.not_after) + "|" +
       std::string(crypto::SigAlgName(d.alg));
  return m;
}

std::string FormatDeclaration(const Declaration& d) {
  return "v=M2DMRT1; d=" + d.declarer + "; p=" + d.peer + "; kd=" + FormatHex(d.declarer_key) +
         "; kp=" + FormatHex(d.peer_key) + "; nb=" + std::to_string(d.not_before) +
         "; na=" + std::to_string(d.not_after) + "; a=" + std::string(crypto::SigAlgName(d.alg)) +
         "; s=" + FormatBase64(d.signature);
}

std::string FormatZoneLine(const Declaration& d, uint32_t ttl) {
  std::string rdata = FormatDeclaration(d);
  auto owner = DeclarationOwnerName(d.declarer, d.peer);
  std::string line = (owner ? *owner : std::string("?")) + ". " + std::to_string(ttl) + " IN TXT";
  for (size_t i = 0; i < rdata.size(); i += 255) line += " \"" + rdata.substr(i, 255) + "\"";
  return line;
}

Status VerifyDeclaration(const Declaration& d, std::string_view declarer, std::string_view peer,
                         const Observed& observed, int64_t now, int64_t skew) {
  auto dh = CanonicalHost(declarer);
  auto ph = CanonicalHost(peer);
  if (!dh || !ph || d.declarer != *dh || d.peer != *ph) {
    return MakeError(ErrorCode::kM2dmrtHostMismatch, "declaration is for " + d.declarer + " -> " + d.peer);
  }
  if (!crypto::ConstantTimeEqual(d.declarer_key, crypto::Sha256(observed.declarer_spki))) {
    return MakeError(ErrorCode::kM2dmrtKeyMismatch,
                     "kd does not match " + d.declarer + "'s observed TLS key");
  }
  if (!crypto::ConstantTimeEqual(d.peer_key, crypto::Sha256(observed.peer_spki))) {
    return MakeError(ErrorCode::kM2dmrtKeyMismatch, "kp does not match " + d.peer + "'s observed TLS key");
  }
  if (now + skew < d.not_before)
    return MakeError(ErrorCode::kM2dmrtNotYetValid, "nb=" + std::to_string(d.not_before));
  if (now - skew > d.not_after)
    return MakeError(ErrorCode::kM2dmrtExpired, "na=" + std::to_string(d.not_after));
  std::string msg = ComputeSignedMessage(d);
  auto st = crypto::VerifySignature(d.alg, observed.declarer_spki, AsBytes(msg), d.signature);
  if (!st) return MakeError(ErrorCode::kM2dmrtBadSignature, st.error().detail);
  return OkStatus();
}

}  // namespace verity::m2dmrt
