// RFC 9651 §4.2 parsing algorithms, one function per algorithm, over a cursor into the input.
#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/encoding.h"
#include "sfv/sfv.h"
#include "sfv/text.h"

namespace verity::sfv {
namespace {

using text::IsAlpha;
using text::IsDigit;
using text::IsLcAlpha;

class Parser {
 public:
  Parser(std::string_view in, const ParseOptions& opt) : in_(in), opt_(opt) {}

  bool Empty() const { return pos_ >= in_.size(); }
  char Peek() const { return in_[pos_]; }
  size_t pos() const { return pos_; }

  void SkipSP() {
    while (!Empty() && Peek() == ' ') ++pos_;
  }
  void SkipOWS() {
    while (!Empty() && (Peek() == ' ' || Peek() == '\t')) ++pos_;
  }

  Error Fail(ErrorCode code, std::string_view what) const {
    return MakeError(code, std::string(what) + " at offset " + std::to_string(pos_));
  }

  // §4.2.1 list members and §4.2.2 dictionary members share the separator logic: after a member,
  // OWS, then end or ',' OWS and another member (a trailing comma fails).
  // Returns: true if another member follows, false at end; error otherwise.
  Result<bool> AfterMember() {
    SkipOWS();
    if (Empty()) return false;
    if (Peek() != ',') return Fail(ErrorCode::kSfvSyntax, "expected ',' between members");
    ++pos_;
    SkipOWS();
    if (Empty()) return Fail(ErrorCode::kSfvSyntax, "trailing ','");
    return true;
  }

  Result<sfv::List> ListBody() {
    sfv::List out;
    while (!Empty()) {
      auto m = ItemOrInnerList();
      if (!m) return m.error();
      out.push_back(std::move(*m));
      auto more = AfterMember();
      if (!more) return more.error();
      if (!*more) break;
    }
    return out;
  }

  Result<Dictionary> Dict() {
    Dictionary out;
    std::unordered_map<std::string, size_t> index;
    while (!Empty()) {
      auto key = Key();
      if (!key) return key.error();
      ListMember member;
      if (!Empty() && Peek() == '=') {
        ++pos_;
        auto m = ItemOrInnerList();
        if (!m) return m.error();
        member = std::move(*m);
      } else {
        auto params = Params();
        if (!params) return params.error();
        member = sfv::Item{Boolean{true}, std::move(*params)};
      }
      auto [it, inserted] = index.emplace(*key, out.members.size());
      if (inserted) {
        out.members.emplace_back(std::move(*key), std::move(member));
      } else {
        out.members[it->second].second = std::move(member);  // §4.2.2: overwrite, keep position
      }
      auto more = AfterMember();
      if (!more) return more.error();
      if (!*more) break;
    }
    return out;
  }

  Result<ListMember> ItemOrInnerList() {
    if (!Empty() && Peek() == '(') {
      auto il = Inner();
      if (!il) return il.error();
      return ListMember(std::move(*il));
    }
    auto item = ItemBody();
    if (!item) return item.error();
    return ListMember(std::move(*item));
  }

  // §4.2.1.2
  Result<InnerList> Inner() {
    ++pos_;  // '('
    InnerList out;
    while (!Empty()) {
      SkipSP();
      if (Empty()) break;
      if (Peek() == ')') {
        ++pos_;
        auto params = Params();
        if (!params) return params.error();
        out.params = std::move(*params);
        return out;
      }
      auto item = ItemBody();
      if (!item) return item.error();
      out.items.push_back(std::move(*item));
      if (Empty()) break;
      if (Peek() != ' ' && Peek() != ')')
        return Fail(ErrorCode::kSfvSyntax, "expected SP or ')' in inner list");
    }
    return Fail(ErrorCode::kSfvSyntax, "unterminated inner list");
  }

  // §4.2.3
  Result<sfv::Item> ItemBody() {
    auto bare = Bare();
    if (!bare) return bare.error();
    auto params = Params();
    if (!params) return params.error();
    return sfv::Item{std::move(*bare), std::move(*params)};
  }

  // §4.2.3.2
  Result<Parameters> Params() {
    Parameters out;
    // Short parameter lists are scanned linearly; long ones get a hash index so that a maximal
    // field (kMaxFieldBytes of ";a;b;c...") stays linear time.
    constexpr size_t kLinearScanMax = 16;
    std::unordered_map<std::string, size_t> index;
    while (!Empty() && Peek() == ';') {
      ++pos_;
      SkipSP();
      auto key = Key();
      if (!key) return key.error();
      BareItem value = Boolean{true};
      if (!Empty() && Peek() == '=') {
        ++pos_;
        auto v = Bare();
        if (!v) return v.error();
        value = std::move(*v);
      }
      if (out.size() < kLinearScanMax) {
        auto it = std::find_if(out.begin(), out.end(), [&](const auto& kv) { return kv.first == *key; });
        if (it != out.end()) {
          it->second = std::move(value);  // §4.2.3.2: overwrite, keep position
        } else {
          out.emplace_back(std::move(*key), std::move(value));
        }
        continue;
      }
      if (index.empty()) {
        for (size_t i = 0; i < out.size(); ++i) index.emplace(out[i].first, i);
      }
      auto [it, inserted] = index.emplace(*key, out.size());
      if (inserted) {
        out.emplace_back(std::move(*key), std::move(value));
      } else {
        out[it->second].second = std::move(value);
      }
    }
    return out;
  }

  // §4.2.3.3
  Result<std::string> Key() {
    auto ok_first = [&](char c) {
      return IsLcAlpha(c) || c == '*' || (opt_.allow_uppercase_keys && IsAlpha(c));
    };
    if (Empty() || !ok_first(Peek()))
      return Fail(ErrorCode::kSfvBadKey, "key must start with lcalpha or '*'");
    size_t start = pos_;
    while (!Empty()) {
      char c = Peek();
      bool ok = IsLcAlpha(c) || IsDigit(c) || c == '_' || c == '-' || c == '.' || c == '*' ||
                (opt_.allow_uppercase_keys && IsAlpha(c));
      if (!ok) break;
      ++pos_;
    }
    return std::string(in_.substr(start, pos_ - start));
  }

  // §4.2.3.1
  Result<BareItem> Bare() {
    if (Empty()) return Fail(ErrorCode::kSfvSyntax, "expected a bare item");
    char c = Peek();
    if (c == '-' || IsDigit(c)) return Number();
    if (c == '"') return Str();
    if (c == '*' || IsAlpha(c)) return Tok();
    if (c == ':') return ByteSeq();
    if (c == '?') return Bool();
    if (c == '@') return DateItem();
    if (c == '%') return Display();
    return Fail(ErrorCode::kSfvSyntax, "unexpected character for a bare item");
  }

  // §4.2.4
  Result<BareItem> Number() {
    bool decimal = false;
    bool negative = false;
    if (Peek() == '-') {
      negative = true;
      ++pos_;
    }
    if (Empty() || !IsDigit(Peek())) return Fail(ErrorCode::kSfvBadNumber, "expected a digit");
    int64_t int_part = 0;
    int64_t frac = 0;
    size_t digits = 0;       // characters of input_number, including '.'
    size_t frac_digits = 0;  // digits after '.'
    while (!Empty()) {
      char c = Peek();
      if (IsDigit(c)) {
        ++pos_;
        ++digits;
        if (decimal) {
          ++frac_digits;
          if (frac_digits > 3) return Fail(ErrorCode::kSfvBadNumber, "more than 3 fraction digits");
          frac = frac * 10 + (c - '0');
        } else {
          int_part = int_part * 10 + (c - '0');  // digits <= 15 checked below: no overflow
        }
      } else if (!decimal && c == '.') {
        if (digits > 12) return Fail(ErrorCode::kSfvBadNumber, "decimal integer part longer than 12 digits");
        ++pos_;
        ++digits;
        decimal = true;
      } else {
        break;
      }
      if (!decimal && digits > 15) return Fail(ErrorCode::kSfvBadNumber, "integer longer than 15 digits");
      if (decimal && digits > 16) return Fail(ErrorCode::kSfvBadNumber, "decimal longer than 16 characters");
    }
    if (!decimal) return BareItem(Integer{negative ? -int_part : int_part});
    if (frac_digits == 0) return Fail(ErrorCode::kSfvBadNumber, "decimal ends with '.'");
    for (size_t i = frac_digits; i < 3; ++i) frac *= 10;
    int64_t t = int_part * 1000 + frac;
    return BareItem(Decimal{negative ? -t : t});
  }

  // §4.2.5
  Result<BareItem> Str() {
    ++pos_;  // '"'
    std::string out;
    while (!Empty()) {
      char c = in_[pos_++];
      if (c == '\\') {
        if (Empty()) return Fail(ErrorCode::kSfvBadString, "unterminated escape");
        char n = in_[pos_++];
        if (n != '"' && n != '\\') return Fail(ErrorCode::kSfvBadString, "invalid escape");
        out.push_back(n);
      } else if (c == '"') {
        return BareItem(String{std::move(out)});
      } else if (!text::IsVisibleOrSp(c)) {
        return Fail(ErrorCode::kSfvBadString, "non-printable character in string");
      } else {
        out.push_back(c);
      }
    }
    return Fail(ErrorCode::kSfvBadString, "unterminated string");
  }

  // §4.2.6
  Result<BareItem> Tok() {
    size_t start = pos_;
    ++pos_;  // first char checked by Bare()
    while (!Empty() && text::IsTokenChar(Peek())) ++pos_;
    return BareItem(Token{std::string(in_.substr(start, pos_ - start))});
  }

  // §4.2.7
  Result<BareItem> ByteSeq() {
    ++pos_;  // ':'
    size_t end = in_.find(':', pos_);
    if (end == std::string_view::npos)
      return Fail(ErrorCode::kSfvBadByteSequence, "unterminated byte sequence");
    std::string_view b64 = in_.substr(pos_, end - pos_);
    auto decoded = ParseBase64IgnoringPadBits(b64);
    if (!decoded) return Fail(ErrorCode::kSfvBadByteSequence, "invalid base64");
    pos_ = end + 1;
    return BareItem(ByteSequence{std::move(*decoded)});
  }

  // §4.2.8
  Result<BareItem> Bool() {
    ++pos_;  // '?'
    if (!Empty() && (Peek() == '0' || Peek() == '1')) {
      bool v = Peek() == '1';
      ++pos_;
      return BareItem(Boolean{v});
    }
    return Fail(ErrorCode::kSfvBadBoolean, "expected ?0 or ?1");
  }

  // §4.2.9
  Result<BareItem> DateItem() {
    ++pos_;  // '@'
    if (Empty() || (Peek() != '-' && !IsDigit(Peek())))
      return Fail(ErrorCode::kSfvBadDate, "expected integer");
    auto n = Number();
    if (!n) return Fail(ErrorCode::kSfvBadDate, n.error().detail);
    if (!std::holds_alternative<Integer>(*n)) return Fail(ErrorCode::kSfvBadDate, "date must be an integer");
    return BareItem(Date{std::get<Integer>(*n).value});
  }

  // §4.2.10
  Result<BareItem> Display() {
    ++pos_;  // '%'
    if (Empty() || Peek() != '"') return Fail(ErrorCode::kSfvBadDisplayString, "expected '\"' after '%'");
    ++pos_;
    std::string bytes;
    while (!Empty()) {
      char c = in_[pos_++];
      auto u = static_cast<unsigned char>(c);
      if (u <= 0x1f || u >= 0x7f) return Fail(ErrorCode::kSfvBadDisplayString, "non-printable character");
      if (c == '%') {
        if (in_.size() - pos_ < 2) return Fail(ErrorCode::kSfvBadDisplayString, "truncated percent escape");
        int hi = text::LcHexValue(in_[pos_]);
        int lo = text::LcHexValue(in_[pos_ + 1]);
        if (hi < 0 || lo < 0) return Fail(ErrorCode::kSfvBadDisplayString, "invalid percent escape");
        pos_ += 2;
        bytes.push_back(static_cast<char>(hi * 16 + lo));
      } else if (c == '"') {
        if (!text::IsValidUtf8(bytes)) return Fail(ErrorCode::kSfvBadDisplayString, "invalid UTF-8");
        return BareItem(DisplayString{std::move(bytes)});
      } else {
        bytes.push_back(c);
      }
    }
    return Fail(ErrorCode::kSfvBadDisplayString, "unterminated display string");
  }

 private:
  std::string_view in_;
  const ParseOptions& opt_;
  size_t pos_ = 0;
};

// §4.2 steps shared by all three top-level types.
template <class T, class F>
Result<T> ParseTop(std::string_view field, const ParseOptions& options, F parse_body) {
  if (field.size() > kMaxFieldBytes) {
    return MakeError(ErrorCode::kSfvTooLarge, "field value of " + std::to_string(field.size()) + " bytes");
  }
  for (char c : field) {
    if (static_cast<unsigned char>(c) >= 0x80) return MakeError(ErrorCode::kSfvSyntax, "non-ASCII byte");
  }
  Parser p(field, options);
  p.SkipSP();
  Result<T> out = parse_body(p);
  if (!out) return out;
  p.SkipSP();
  if (!p.Empty()) return p.Fail(ErrorCode::kSfvSyntax, "trailing characters");
  return out;
}

}  // namespace

Result<List> ParseList(std::string_view field_value, const ParseOptions& options) {
  return ParseTop<List>(field_value, options, [](Parser& p) { return p.ListBody(); });
}

Result<Dictionary> ParseDictionary(std::string_view field_value, const ParseOptions& options) {
  return ParseTop<Dictionary>(field_value, options, [](Parser& p) { return p.Dict(); });
}

Result<Item> ParseItem(std::string_view field_value, const ParseOptions& options) {
  return ParseTop<Item>(field_value, options, [](Parser& p) { return p.ItemBody(); });
}

std::string CombineFieldLines(const std::vector<std::string>& lines) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += ", ";
    out += lines[i];
  }
  return out;
}

std::vector<std::string> SplitNewlineJoined(std::string_view value) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t nl = value.find('\n', start);
    if (nl == std::string_view::npos) {
      out.emplace_back(value.substr(start));
      return out;
    }
    out.emplace_back(value.substr(start, nl - start));
    start = nl + 1;
  }
}

const ListMember* Dictionary::Find(std::string_view key) const {
  for (const auto& [k, v] : members) {
    if (k == key) return &v;
  }
  return nullptr;
}

const BareItem* FindParam(const Parameters& params, std::string_view key) {
  for (const auto& [k, v] : params) {
    if (k == key) return &v;
  }
  return nullptr;
}

}  // namespace verity::sfv
