// The RFC 9651 (Structured Field Values) profile of signature-based SRI, on top of the one parser
// and serialiser of the host (sfv/): Dictionaries whose members are Items or Inner Lists with
// Parameters, and the bare item types Integer, String, Token, Byte Sequence and Boolean. Decimals,
// Dates and Display Strings are rejected (not needed by the profile). Parsing is sfv::ParseDictionary
// (RFC 9651 §4.2); serialization is sfv's canonical form (§4.1), which is what RFC 9421 §2.1.1
// ("sf" parameter) and §2.3 (@signature-params) put in a signature base.
//
//   Signature-Input: sig=("unencoded-digest";sf);keyid="JrQL...0bs=";tag="sri"
//   ParseDictionary(...) -> [{key "sig", inner list [{String "unencoded-digest", params {sf: true}}],
//                             params {keyid: String "JrQL...0bs=", tag: String "sri"}}]
//   SerializeInnerList(member.inner, member.params) ==
//   R"(("unencoded-digest";sf);keyid="JrQL...0bs=";tag="sri")"
//
// Any sfv error (and an unsupported type) fails with the caller's wire code; duplicate keys follow
// RFC 9651: the later value wins, the first position is kept.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace verity::sri::sf {

struct BareItem {
  enum class Type : uint8_t { kInteger, kString, kToken, kByteSequence, kBoolean };
  Type type = Type::kBoolean;
  int64_t integer = 0;
  std::string text;  // kString, kToken
  Bytes bytes;       // kByteSequence
  bool boolean = true;
};

using Parameters = std::vector<std::pair<std::string, BareItem>>;

struct Item {
  BareItem value;
  Parameters params;
};

struct Member {
  std::string key;
  bool is_inner_list = false;
  Item item;                // when !is_inner_list
  std::vector<Item> inner;  // when is_inner_list
  Parameters params;        // inner list parameters (item parameters live in `item`)
};

using Dictionary = std::vector<Member>;

// Fails with `code` (the caller's wire code) on any syntax error or unsupported type.
Result<Dictionary> ParseDictionary(std::string_view text, ErrorCode code);

std::string SerializeBareItem(const BareItem& item);
std::string SerializeParameters(const Parameters& params);
std::string SerializeInnerList(const std::vector<Item>& items, const Parameters& params);
std::string SerializeDictionary(const Dictionary& dict);

const Member* FindMember(const Dictionary& dict, std::string_view key);
const BareItem* FindParam(const Parameters& params, std::string_view key);

}  // namespace verity::sri::sf
