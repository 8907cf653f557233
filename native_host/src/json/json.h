// JSON (RFC 8259) through simdjson, the only module that includes it (design §2).
//
// Parse() validates UTF-8, limits nesting depth, rejects duplicate object members (an ambiguous
// manifest must not be read two ways), and returns an owned tree whose objects keep member order:
//
//   auto v = json::Parse(R"({"id":7,"type":"hello"})");
//   v->Find("id")->AsInt()    == 7
//   v->GetString("type")      == "hello"
//
// Writer produces compact JSON with correct string escaping:
//   json::Writer w; w.BeginObject(); w.Key("ok"); w.Bool(true); w.EndObject();  // {"ok":true}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace verity::json {

class Value;
using Member = std::pair<std::string, Value>;

class Value {
 public:
  enum class Type : uint8_t { kNull, kBool, kInt, kUint, kDouble, kString, kArray, kObject };

  Value() = default;
  static Value Null() { return Value(); }
  static Value Bool(bool b);
  static Value Int(int64_t i);
  static Value Uint(uint64_t u);
  static Value Double(double d);
  static Value String(std::string s);
  static Value Array(std::vector<Value> items);
  static Value Object(std::vector<Member> members);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kInt || type_ == Type::kUint || type_ == Type::kDouble; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  bool AsBool() const { return b_; }
  // Integral value if the number is an integer representable as int64 (doubles with a fraction: nullopt).
  std::optional<int64_t> AsInt() const;
  std::optional<uint64_t> AsUint() const;
  double AsDouble() const;
  const std::string& AsString() const { return s_; }
  const std::vector<Value>& items() const { return items_; }
  const std::vector<Member>& members() const { return members_; }

  // Object member lookup (linear; objects in messages are small). nullptr if absent or not an object.
  const Value* Find(std::string_view key) const;
  // Convenience: member as string / int, or nullopt if absent or of another type.
  std::optional<std::string_view> GetString(std::string_view key) const;
  std::optional<int64_t> GetInt(std::string_view key) const;
  std::optional<bool> GetBool(std::string_view key) const;

 private:
  Type type_ = Type::kNull;
  bool b_ = false;
  int64_t i_ = 0;
  uint64_t u_ = 0;
  double d_ = 0;
  std::string s_;
  std::vector<Value> items_;
  std::vector<Member> members_;
};

struct ParseOptions {
  size_t max_depth = 64;
  bool reject_duplicate_keys = true;
};

Result<Value> Parse(std::string_view text, const ParseOptions& options = {});

// JSON string literal with quotes, escaping ", \ and control characters (UTF-8 passes through).
std::string Quote(std::string_view s);

class Writer {
 public:
  Writer& BeginObject();
  Writer& EndObject();
  Writer& BeginArray();
  Writer& EndArray();
  Writer& Key(std::string_view k);
  Writer& String(std::string_view s);
  Writer& Int(int64_t i);
  Writer& Uint(uint64_t u);
  Writer& Double(double d);
  Writer& Bool(bool b);
  Writer& Null();
  Writer& Raw(std::string_view json);  // an already-serialised value
  Writer& Write(const json::Value& v);
  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }
  size_t size() const { return out_.size(); }

 private:
  void Sep();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

std::string Format(const json::Value& v);

}  // namespace verity::json
