// Minimal JSON reader for the test vectors (test-only). The sfv and headers test binaries link only
// core+sfv(+headers), not the json module, so vectors are read with this small reader. It keeps
// numbers as their source text (the SFV vectors need exact decimals) and object members in order.
//
//   auto v = testjson::Parse(R"({"a":[1.5,"x"]})");
//   v->Get("a")->items[0].text == "1.5"
#pragma once

#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace testjson {

struct Value {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject } type = Type::kNull;
  bool b = false;
  std::string text;  // number source text, or decoded string (UTF-8)
  std::vector<Value> items;
  std::vector<std::pair<std::string, Value>> members;

  bool is_null() const { return type == Type::kNull; }
  bool is_string() const { return type == Type::kString; }
  bool is_array() const { return type == Type::kArray; }
  bool is_object() const { return type == Type::kObject; }
  bool is_number() const { return type == Type::kNumber; }
  bool is_bool() const { return type == Type::kBool; }
  const Value* Get(std::string_view key) const {
    for (const auto& [k, v] : members)
      if (k == key) return &v;
    return nullptr;
  }
};

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  std::optional<Value> Run() {
    auto v = ParseValue(0);
    Ws();
    if (!v || i_ != s_.size()) return std::nullopt;
    return v;
  }

 private:
  void Ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }
  bool Lit(std::string_view w) {
    if (s_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }
  static void PutUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }
  std::optional<uint32_t> Hex4() {
    if (s_.size() - i_ < 4) return std::nullopt;
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= c - '0';
      else if (c >= 'a' && c <= 'f')
        v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        v |= c - 'A' + 10;
      else
        return std::nullopt;
    }
    return v;
  }
  std::optional<std::string> Str() {
    if (i_ >= s_.size() || s_[i_] != '"') return std::nullopt;
    ++i_;
    std::string out;
    while (i_ < s_.size()) {
      char c = s_[i_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) return std::nullopt;
      char e = s_[i_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          auto cp = Hex4();
          if (!cp) return std::nullopt;
          if (*cp >= 0xd800 && *cp <= 0xdbff && s_.substr(i_, 2) == "\\u") {
            i_ += 2;
            auto lo = Hex4();
            if (!lo || *lo < 0xdc00 || *lo > 0xdfff) return std::nullopt;
            *cp = 0x10000 + ((*cp - 0xd800) << 10) + (*lo - 0xdc00);
          }
          PutUtf8(out, *cp);
          break;
        }
        default:
          return std::nullopt;
      }
    }
    return std::nullopt;
  }
  std::optional<Value> ParseValue(int depth) {
    if (depth > 64) return std::nullopt;
    Ws();
    if (i_ >= s_.size()) return std::nullopt;
    Value v;
    char c = s_[i_];
    if (c == '{') {
      ++i_;
      v.type = Value::Type::kObject;
      Ws();
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        return v;
      }
      while (true) {
        Ws();
        auto k = Str();
        if (!k) return std::nullopt;
        Ws();
        if (!Lit(":")) return std::nullopt;
        auto m = ParseValue(depth + 1);
        if (!m) return std::nullopt;
        v.members.emplace_back(std::move(*k), std::move(*m));
        Ws();
        if (Lit(",")) continue;
        if (Lit("}")) return v;
        return std::nullopt;
      }
    }
    if (c == '[') {
      ++i_;
      v.type = Value::Type::kArray;
      Ws();
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        return v;
      }
      while (true) {
        auto m = ParseValue(depth + 1);
        if (!m) return std::nullopt;
        v.items.push_back(std::move(*m));
        Ws();
        if (Lit(",")) continue;
        if (Lit("]")) return v;
        return std::nullopt;
      }
    }
    if (c == '"') {
      auto s = Str();
      if (!s) return std::nullopt;
      v.type = Value::Type::kString;
      v.text = std::move(*s);
      return v;
    }
    if (Lit("true")) {
      v.type = Value::Type::kBool;
      v.b = true;
      return v;
    }
    if (Lit("false")) {
      v.type = Value::Type::kBool;
      return v;
    }
    if (Lit("null")) return v;
    size_t start = i_;
    while (i_ < s_.size() && std::string_view("+-0123456789.eE").find(s_[i_]) != std::string_view::npos) ++i_;
    if (start == i_) return std::nullopt;
    v.type = Value::Type::kNumber;
    v.text = std::string(s_.substr(start, i_ - start));
    return v;
  }

  std::string_view s_;
  size_t i_ = 0;
};

inline std::optional<Value> Parse(std::string_view s) { return Reader(s).Run(); }

inline std::optional<Value> ParseFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  std::stringstream ss;
  ss << f.rdbuf();
  return Parse(ss.str());
}

}  // namespace testjson
