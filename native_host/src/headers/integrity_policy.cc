#include "headers/integrity_policy.h"

#include <algorithm>

#include "sfv/sfv.h"

namespace verity::headers {
namespace {

// Tokens of the member's Inner List; nullopt-like (empty + false) if absent or not an Inner List.
bool Tokens(const sfv::Dictionary& d, std::string_view key, std::vector<std::string>& out) {
  const sfv::ListMember* m = d.Find(key);
  if (!m) return false;
  const auto* il = std::get_if<sfv::InnerList>(m);
  if (!il) return false;
  for (const auto& item : il->items) {
    if (const auto* t = std::get_if<sfv::Token>(&item.value)) out.push_back(t->value);
  }
  return true;
}

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

Result<IntegrityPolicy> ParseIntegrityPolicy(std::string_view field_value) {
  auto dict = sfv::ParseDictionary(field_value);
  if (!dict) {
    return MakeError(ErrorCode::kHeaderSyntax,
                     std::string(WireName(dict.code())) + ": " + dict.error().detail);
  }
  IntegrityPolicy p;
  std::vector<std::string> tokens;
  if (!Tokens(*dict, "sources", tokens) || Contains(tokens, "inline")) p.sources.push_back("inline");

  tokens.clear();
  if (Tokens(*dict, "blocked-destinations", tokens)) {
    for (const auto& t : tokens) {
      if ((t == "script" || t == "style") && !Contains(p.blocked_destinations, t))
        p.blocked_destinations.push_back(t);
    }
  }
  Tokens(*dict, "endpoints", p.endpoints);
  return p;
}

Result<IntegrityPolicy> ParseIntegrityPolicyLines(const std::vector<std::string>& field_lines) {
  if (field_lines.empty())
    return MakeError(ErrorCode::kHeaderAbsent, std::string(kIntegrityPolicyHeaderName));
  return ParseIntegrityPolicy(sfv::CombineFieldLines(field_lines));
}

}  // namespace verity::headers
