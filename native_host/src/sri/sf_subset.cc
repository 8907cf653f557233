#include "sri/sf_subset.h"

#include <unordered_map>

#include "core/encoding.h"

namespace verity::sri::sf {
namespace {

bool IsLcAlpha(char c) { return c >= 'a' && c <= 'z'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsTchar(char c) {
  if (IsAlpha(c) || IsDigit(c)) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

class Parser {
 public:
  Parser(std::string_view s, ErrorCode code) : s_(s), code_(code) {}

  Result<Dictionary> Dict() {
    SkipSp();
    Dictionary dict;
    std::unordered_map<std::string, size_t> index;
    while (!AtEnd()) {
      auto key = Key();
      if (!key) return key.error();
      Member m;
      m.key = std::move(*key);
      if (Peek() == '=') {
        ++pos_;
        if (Peek() == '(') {
          m.is_inner_list = true;
          VERITY_RETURN_IF_ERROR(InnerList(m.inner, m.params));
        } else {
          VERITY_RETURN_IF_ERROR(ItemInto(m.item));
        }
      } else {
        m.item.value.type = BareItem::Type::kBoolean;
        m.item.value.boolean = true;
        VERITY_RETURN_IF_ERROR(Params(m.item.params));
      }
      auto [it, inserted] = index.emplace(m.key, dict.size());
      if (inserted) {
        dict.push_back(std::move(m));
      } else {
        dict[it->second] = std::move(m);  // RFC 9651: later value, first position
      }
      SkipOws();
      if (AtEnd()) return dict;
      if (Peek() != ',') return Fail("expected ',' between dictionary members");
      ++pos_;
      SkipOws();
      if (AtEnd()) return Fail("trailing ',' in dictionary");
    }
    return dict;
  }

 private:
  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[pos_]; }
  void SkipSp() {
    while (!AtEnd() && s_[pos_] == ' ') ++pos_;
  }
  void SkipOws() {
    while (!AtEnd() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }
  Error Fail(std::string what) const { return MakeError(code_, what + " at offset " + std::to_string(pos_)); }

  Result<std::string> Key() {
    char c = Peek();
    if (!IsLcAlpha(c) && c != '*') return Fail("key must start with a lowercase letter or '*'");
    size_t start = pos_;
    while (!AtEnd()) {
      c = s_[pos_];
      if (!(IsLcAlpha(c) || IsDigit(c) || c == '_' || c == '-' || c == '.' || c == '*')) break;
      ++pos_;
    }
    return std::string(s_.substr(start, pos_ - start));
  }

  Status Params(Parameters& out) {
    std::unordered_map<std::string, size_t> index;
    while (Peek() == ';') {
      ++pos_;
      SkipSp();
      auto key = Key();
      if (!key) return key.error();
      BareItem v;
      v.type = BareItem::Type::kBoolean;
      v.boolean = true;
      if (Peek() == '=') {
        ++pos_;
        VERITY_RETURN_IF_ERROR(Bare(v));
      }
      auto [it, inserted] = index.emplace(*key, out.size());
      if (inserted) {
        out.emplace_back(std::move(*key), std::move(v));
      } else {
        out[it->second].second = std::move(v);
      }
    }
    return OkStatus();
  }

  Status ItemInto(Item& item) {
    VERITY_RETURN_IF_ERROR(Bare(item.value));
    return Params(item.params);
  }

  Status InnerList(std::vector<Item>& items, Parameters& params) {
    ++pos_;  // '('
    while (!AtEnd()) {
      SkipSp();
      if (Peek() == ')') {
        ++pos_;
        return Params(params);
      }
      Item item;
      VERITY_RETURN_IF_ERROR(ItemInto(item));
      items.push_back(std::move(item));
      if (Peek() != ' ' && Peek() != ')') return Fail("expected ' ' or ')' in inner list");
    }
    return Fail("unterminated inner list");
  }

  Status Bare(BareItem& v) {
    char c = Peek();
    if (c == '-' || IsDigit(c)) return Integer(v);
    if (c == '"') return String(v);
    if (c == ':') return ByteSeq(v);
    if (c == '?') return Boolean(v);
    if (IsAlpha(c) || c == '*') return Token(v);
    return Fail("unsupported or invalid bare item");
  }

  Status Integer(BareItem& v) {
    bool neg = false;
    if (Peek() == '-') {
      neg = true;
      ++pos_;
    }
    if (!IsDigit(Peek())) return Fail("integer without digits");
    int64_t n = 0;
    int digits = 0;
    while (IsDigit(Peek())) {
      if (++digits > 15) return Fail("integer longer than 15 digits");
      n = n * 10 + (s_[pos_] - '0');
      ++pos_;
    }
    if (Peek() == '.') return Fail("decimals are not supported");
    v.type = BareItem::Type::kInteger;
    v.integer = neg ? -n : n;
    return OkStatus();
  }

  Status String(BareItem& v) {
    ++pos_;  // '"'
    std::string out;
    while (!AtEnd()) {
      char c = s_[pos_++];
      if (c == '\\') {
        if (AtEnd()) return Fail("dangling escape in string");
        char e = s_[pos_++];
        if (e != '"' && e != '\\') return Fail("invalid escape in string");
        out.push_back(e);
      } else if (c == '"') {
        v.type = BareItem::Type::kString;
        v.text = std::move(out);
        return OkStatus();
      } else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) {
        return Fail("non-printable character in string");
      } else {
        out.push_back(c);
      }
    }
    return Fail("unterminated string");
  }

  Status Token(BareItem& v) {
    size_t start = pos_;
    ++pos_;
    while (!AtEnd() && (IsTchar(s_[pos_]) || s_[pos_] == ':' || s_[pos_] == '/')) ++pos_;
    v.type = BareItem::Type::kToken;
    v.text = std::string(s_.substr(start, pos_ - start));
    return OkStatus();
  }

  Status ByteSeq(BareItem& v) {
    ++pos_;  // ':'
    size_t end = s_.find(':', pos_);
    if (end == std::string_view::npos) return Fail("unterminated byte sequence");
    auto decoded = ParseBase64NoPadOk(s_.substr(pos_, end - pos_));
    if (!decoded) return Fail("byte sequence is not base64");
    pos_ = end + 1;
    v.type = BareItem::Type::kByteSequence;
    v.bytes = std::move(*decoded);
    return OkStatus();
  }

  Status Boolean(BareItem& v) {
    ++pos_;  // '?'
    char c = Peek();
    if (c != '0' && c != '1') return Fail("boolean must be ?0 or ?1");
    ++pos_;
    v.type = BareItem::Type::kBoolean;
    v.boolean = c == '1';
    return OkStatus();
  }

  std::string_view s_;
  size_t pos_ = 0;
  ErrorCode code_;
};

}  // namespace

Result<Dictionary> ParseDictionary(std::string_view text, ErrorCode code) {
  // Field values are trimmed of SP/HTAB by HTTP; RFC 9651 §4.2 then discards leading SP.
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  while (!text.empty() && text.front() == '\t') text.remove_prefix(1);
  return Parser(text, code).Dict();
}

std::string SerializeBareItem(const BareItem& item) {
  switch (item.type) {
    case BareItem::Type::kInteger:
      return std::to_string(item.integer);
    case BareItem::Type::kString: {
      std::string out = "\"";
      for (char c : item.text) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
      }
      out.push_back('"');
      return out;
    }
    case BareItem::Type::kToken:
      return item.text;
    case BareItem::Type::kByteSequence: {
      std::string out(1, ':');
      out.append(FormatBase64(item.bytes));
      out.push_back(':');
      return out;
    }
    case BareItem::Type::kBoolean:
      return item.boolean ? "?1" : "?0";
  }
  return {};
}

std::string SerializeParameters(const Parameters& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    out.push_back(';');
    out.append(key);
    if (!(value.type == BareItem::Type::kBoolean && value.boolean)) {
      out.push_back('=');
      out.append(SerializeBareItem(value));
    }
  }
  return out;
}

std::string SerializeInnerList(const std::vector<Item>& items, const Parameters& params) {
  std::string out = "(";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(' ');
    out.append(SerializeBareItem(items[i].value));
    out.append(SerializeParameters(items[i].params));
  }
  out.push_back(')');
  out.append(SerializeParameters(params));
  return out;
}

std::string SerializeDictionary(const Dictionary& dict) {
  std::string out;
  for (size_t i = 0; i < dict.size(); ++i) {
    const Member& m = dict[i];
    if (i) out += ", ";
    out += m.key;
    if (m.is_inner_list) {
      out.push_back('=');
      out.append(SerializeInnerList(m.inner, m.params));
    } else if (m.item.value.type == BareItem::Type::kBoolean && m.item.value.boolean) {
      out.append(SerializeParameters(m.item.params));
    } else {
      out.push_back('=');
      out.append(SerializeBareItem(m.item.value));
      out.append(SerializeParameters(m.item.params));
    }
  }
  return out;
}

const Member* FindMember(const Dictionary& dict, std::string_view key) {
  for (const auto& m : dict) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

const BareItem* FindParam(const Parameters& params, std::string_view key) {
  for (const auto& [k, v] : params) {
    if (k == key) return &v;
  }
  return nullptr;
}

}  // namespace verity::sri::sf
