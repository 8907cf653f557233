// ParseDestinationPolicy (integrity/destination.h), on top of the RFC 9651 parser in sfv/.
#include <variant>

#include "integrity/destination.h"
#include "integrity/str_cat.h"
#include "sfv/sfv.h"

namespace verity::integrity {
namespace {

Status ReadSet(const sfv::Dictionary& dict, std::string_view key, uint32_t& out) {
  const sfv::ListMember* m = dict.Find(key);
  if (m == nullptr) return OkStatus();
  const auto* list = std::get_if<sfv::InnerList>(m);
  if (list == nullptr)
    return MakeError(ErrorCode::kManifestBadPolicy, StrCat({key, " is not an inner list"}));
  for (const sfv::Item& item : list->items) {
    const auto* token = std::get_if<sfv::Token>(&item.value);
    if (token == nullptr)
      return MakeError(ErrorCode::kManifestBadPolicy, StrCat({key, " holds a non-token"}));
    Destination d = ParseDestination(token->value);
    if (d != Destination::kOther) out |= DestinationPolicy::Bit(d);  // unknown destinations: ignored
  }
  return OkStatus();
}

}  // namespace

Result<DestinationPolicy> ParseDestinationPolicy(std::string_view dictionary) {
  auto dict = sfv::ParseDictionary(dictionary);
  if (!dict) {
    return MakeError(ErrorCode::kManifestBadPolicy,
                     StrCat({WireName(dict.code()), ": ", dict.error().detail}));
  }
  DestinationPolicy p;
  VERITY_RETURN_IF_ERROR(ReadSet(*dict, "blocked-destinations", p.blocked));
  VERITY_RETURN_IF_ERROR(ReadSet(*dict, "checked-destinations", p.checked));
  return p;
}

}  // namespace verity::integrity
