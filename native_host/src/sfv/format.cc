// RFC 9651 §4.1 serialisation algorithms (canonical form).
#include <string>

#include "core/encoding.h"
#include "sfv/sfv.h"
#include "sfv/text.h"

namespace verity::sfv {
namespace {

Error NotSerializable(std::string what) { return MakeError(ErrorCode::kSfvNotSerializable, std::move(what)); }

// §4.1.1.3
Status AppendKey(std::string& out, std::string_view key) {
  if (key.empty() || !(text::IsLcAlpha(key[0]) || key[0] == '*')) return NotSerializable("bad key");
  for (char c : key) {
    if (!text::IsKeyChar(c)) return NotSerializable("bad key character");
  }
  out += key;
  return OkStatus();
}

void AppendInt(std::string& out, int64_t v) { out += std::to_string(v); }

struct BareAppender {
  std::string& out;

  Status operator()(const Integer& i) {  // §4.1.4
    if (i.value < -kMaxInteger || i.value > kMaxInteger) return NotSerializable("integer out of range");
    AppendInt(out, i.value);
    return OkStatus();
  }
  Status operator()(const Decimal& d) {  // §4.1.5 (value already rounded to thousandths)
    if (d.thousandths < -kMaxInteger || d.thousandths > kMaxInteger)
      return NotSerializable("decimal out of range");
    int64_t t = d.thousandths;
    if (t < 0) {
      out += '-';
      t = -t;
    }
    AppendInt(out, t / 1000);
    out += '.';
    int64_t frac = t % 1000;
    if (frac == 0) {
      out += '0';
      return OkStatus();
    }
    char digits[3] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                      static_cast<char>('0' + frac % 10)};
    size_t n = 3;
    while (digits[n - 1] == '0') --n;
    out.append(digits, n);
    return OkStatus();
  }
  Status operator()(const String& s) {  // §4.1.6
    out += '"';
    for (char c : s.value) {
      if (!text::IsVisibleOrSp(c)) return NotSerializable("non-printable character in string");
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
    return OkStatus();
  }
  Status operator()(const Token& t) {  // §4.1.7
    const std::string& v = t.value;
    if (v.empty() || !(text::IsAlpha(v[0]) || v[0] == '*')) return NotSerializable("bad token start");
    for (char c : v) {
      if (!text::IsTokenChar(c)) return NotSerializable("bad token character");
    }
    out += v;
    return OkStatus();
  }
  Status operator()(const ByteSequence& b) {  // §4.1.8
    out += ':';
    out += FormatBase64(b.value);
    out += ':';
    return OkStatus();
  }
  Status operator()(const Boolean& b) {  // §4.1.9
    out += b.value ? "?1" : "?0";
    return OkStatus();
  }
  Status operator()(const Date& d) {  // §4.1.10
    if (d.seconds < -kMaxInteger || d.seconds > kMaxInteger) return NotSerializable("date out of range");
    out += '@';
    AppendInt(out, d.seconds);
    return OkStatus();
  }
  Status operator()(const DisplayString& d) {  // §4.1.11
    if (!text::IsValidUtf8(d.utf8)) return NotSerializable("display string is not valid UTF-8");
    static constexpr char kHex[] = "0123456789abcdef";
    out += "%\"";
    for (char c : d.utf8) {
      auto u = static_cast<unsigned char>(c);
      if (c == '%' || c == '"' || u <= 0x1f || u >= 0x7f) {
        out += '%';
        out += kHex[u >> 4];
        out += kHex[u & 0xf];
      } else {
        out += c;
      }
    }
    out += '"';
    return OkStatus();
  }
};

Status AppendBare(std::string& out, const BareItem& item) { return std::visit(BareAppender{out}, item); }

// §4.1.1.2
Status AppendParams(std::string& out, const Parameters& params) {
  for (const auto& [key, value] : params) {
    out += ';';
    VERITY_RETURN_IF_ERROR(AppendKey(out, key));
    if (const auto* b = std::get_if<Boolean>(&value); b && b->value) continue;
    out += '=';
    VERITY_RETURN_IF_ERROR(AppendBare(out, value));
  }
  return OkStatus();
}

// §4.1.3
Status AppendItem(std::string& out, const Item& item) {
  VERITY_RETURN_IF_ERROR(AppendBare(out, item.value));
  return AppendParams(out, item.params);
}

// §4.1.1.1
Status AppendInner(std::string& out, const InnerList& il) {
  out += '(';
  for (size_t i = 0; i < il.items.size(); ++i) {
    if (i) out += ' ';
    VERITY_RETURN_IF_ERROR(AppendItem(out, il.items[i]));
  }
  out += ')';
  return AppendParams(out, il.params);
}

Status AppendMember(std::string& out, const ListMember& m) {
  if (const auto* il = std::get_if<InnerList>(&m)) return AppendInner(out, *il);
  return AppendItem(out, std::get<Item>(m));
}

template <class F>
Result<std::string> Run(F f) {
  std::string out;
  Status s = f(out);
  if (!s) return s.error();
  return out;
}

}  // namespace

Result<std::string> FormatList(const List& list) {  // §4.1.1
  return Run([&](std::string& out) -> Status {
    for (size_t i = 0; i < list.size(); ++i) {
      if (i) out += ", ";
      VERITY_RETURN_IF_ERROR(AppendMember(out, list[i]));
    }
    return OkStatus();
  });
}

Result<std::string> FormatDictionary(const Dictionary& dict) {  // §4.1.2
  return Run([&](std::string& out) -> Status {
    for (size_t i = 0; i < dict.members.size(); ++i) {
      if (i) out += ", ";
      const auto& [key, member] = dict.members[i];
      VERITY_RETURN_IF_ERROR(AppendKey(out, key));
      const auto* item = std::get_if<Item>(&member);
      const auto* b = item ? std::get_if<Boolean>(&item->value) : nullptr;
      if (b && b->value) {
        VERITY_RETURN_IF_ERROR(AppendParams(out, item->params));
      } else {
        out += '=';
        VERITY_RETURN_IF_ERROR(AppendMember(out, member));
      }
    }
    return OkStatus();
  });
}

Result<std::string> FormatItem(const Item& item) {
  return Run([&](std::string& out) { return AppendItem(out, item); });
}

Result<std::string> FormatBareItem(const BareItem& item) {
  return Run([&](std::string& out) { return AppendBare(out, item); });
}

}  // namespace verity::sfv
