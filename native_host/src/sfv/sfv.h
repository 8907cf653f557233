// Structured Field Values for HTTP (RFC 9651): parser (§4.2) and canonical serialiser (§4.1).
//
// A field value is one of three top-level types. Worked example (RFC 9651 §3.2):
//
//   Example-Dict: a=?0, b, c; foo=bar, d=(1 2);x="y"
//
//   auto d = sfv::ParseDictionary(R"(a=?0, b, c; foo=bar, d=(1 2);x="y")");
//   d->members[0]  == {"a", Item{Boolean{false}}}
//   d->members[1]  == {"b", Item{Boolean{true}}}                    (bare key = ?1)
//   d->members[2]  == {"c", Item{Boolean{true}, {{"foo", Token{"bar"}}}}}
//   d->members[3]  == {"d", InnerList{{Item{Integer{1}}, Item{Integer{2}}}, {{"x", String{"y"}}}}}
//   sfv::FormatDictionary(*d) == R"(a=?0, b, c;foo=bar, d=(1 2);x="y")"  (canonical form)
//
// Bare item types and their wire forms (RFC 9651 §3.3):
//   Integer        -12                 |v| <= 999,999,999,999,999
//   Decimal        3.14                <= 12 integer digits, 1..3 fraction digits; kept exactly as
//                                      thousandths (3.14 -> 3140), so no floating point is involved
//   String         "a \"q\" \\"        printable ASCII (0x20-0x7e); only \" and \\ escapes
//   Token          text/html, *a:b     starts with ALPHA or '*'; then tchar, ':' or '/'
//   ByteSequence   :aGVsbG8=:          base64 (standard alphabet)
//   Boolean        ?1 / ?0
//   Date           @1659578233         Integer seconds since the epoch (RFC 9651 addition)
//   DisplayString  %"f%c3%bc%c3%bc"    percent-encoded UTF-8 (RFC 9651 addition); stored as UTF-8
//
// Multiple field lines of one field are combined with ", " before parsing (RFC 9110 §5.3); use
// CombineFieldLines.
//
// Parsing is strict as RFC 9651 §4.2 requires (any error fails the whole field). Two SHOULD-level
// leniencies of §4.2.7 are taken: a Byte Sequence with missing '=' padding or non-zero pad bits is
// accepted. Dictionaries and Parameters with repeated keys keep the first position and the last
// value (§4.2.2). Keys are lowercase (§3.1.2) unless ParseOptions::allow_uppercase_keys.
//
// Limits (documented, enforced): a field value (after combining lines) is at most kMaxFieldBytes
// bytes (sfv.too_large); every structure's size is bounded by that. The data model has no
// recursion beyond Dictionary/List -> InnerList -> Item, so nesting depth is at most 2; parsing
// is a single left-to-right pass, O(n) plus hashing of keys.
//
// Serialisation (Format*) produces the canonical form and fails (sfv.not_serializable) on values
// that cannot be represented: out-of-range numbers, bad keys/tokens, non-printable String
// characters, invalid UTF-8 in a DisplayString. An empty List or Dictionary serialises to "".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace verity::sfv {

inline constexpr size_t kMaxFieldBytes = 64 * 1024;
inline constexpr int64_t kMaxInteger = 999'999'999'999'999;  // also max |Decimal| in thousandths

struct Integer {
  int64_t value = 0;
  bool operator==(const Integer&) const = default;
};
struct Decimal {
  int64_t thousandths = 0;  // 1.5 -> 1500, -0.001 -> -1
  bool operator==(const Decimal&) const = default;
};
struct String {
  std::string value;  // printable ASCII
  bool operator==(const String&) const = default;
};
struct Token {
  std::string value;
  bool operator==(const Token&) const = default;
};
struct ByteSequence {
  Bytes value;
  bool operator==(const ByteSequence&) const = default;
};
struct Boolean {
  bool value = false;
  bool operator==(const Boolean&) const = default;
};
struct Date {
  int64_t seconds = 0;
  bool operator==(const Date&) const = default;
};
struct DisplayString {
  std::string utf8;  // decoded, valid UTF-8
  bool operator==(const DisplayString&) const = default;
};

using BareItem = std::variant<Integer, Decimal, String, Token, ByteSequence, Boolean, Date, DisplayString>;

// Ordered map key -> bare item; keys are unique.
using Parameters = std::vector<std::pair<std::string, BareItem>>;

struct Item {
  BareItem value;
  Parameters params;
  bool operator==(const Item&) const = default;
};

struct InnerList {
  std::vector<Item> items;
  Parameters params;
  bool operator==(const InnerList&) const = default;
};

using ListMember = std::variant<Item, InnerList>;
using List = std::vector<ListMember>;

// Ordered map key -> Item or InnerList; keys are unique.
struct Dictionary {
  std::vector<std::pair<std::string, ListMember>> members;
  bool operator==(const Dictionary&) const = default;
  // Member by key, nullptr if absent.
  const ListMember* Find(std::string_view key) const;
};

// Parameter by key, nullptr if absent.
const BareItem* FindParam(const Parameters& params, std::string_view key);

struct ParseOptions {
  // Accept A-Z in keys (not RFC 9651). Used only where a spec asks for keys RFC 9651 cannot carry,
  // e.g. the WAICT draft's "GREASE-" keys. Everything else about keys stays strict.
  bool allow_uppercase_keys = false;
};

Result<List> ParseList(std::string_view field_value, const ParseOptions& options = {});
Result<Dictionary> ParseDictionary(std::string_view field_value, const ParseOptions& options = {});
Result<Item> ParseItem(std::string_view field_value, const ParseOptions& options = {});

// Joins field lines with ", " (RFC 9110 §5.3). An empty vector gives "".
std::string CombineFieldLines(const std::vector<std::string>& lines);
// Chromium's DevTools protocol (Network/Fetch headers) reports repeated field lines joined by '\n';
// this splits such a value back into lines ("a=1\nb=2" -> {"a=1", "b=2"}; "" -> {""}).
std::vector<std::string> SplitNewlineJoined(std::string_view value);

Result<std::string> FormatList(const List& list);
Result<std::string> FormatDictionary(const Dictionary& dict);
Result<std::string> FormatItem(const Item& item);
Result<std::string> FormatBareItem(const BareItem& item);

}  // namespace verity::sfv
