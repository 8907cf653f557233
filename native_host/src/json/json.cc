#include "json/json.h"

#include <simdjson.h>

#include <cmath>
#include <cstdio>
#include <unordered_set>

namespace verity::json {

Value Value::Bool(bool b) {
  Value v;
  v.type_ = Type::kBool;
  v.b_ = b;
  return v;
}
Value Value::Int(int64_t i) {
  Value v;
  v.type_ = Type::kInt;
  v.i_ = i;
  return v;
}
Value Value::Uint(uint64_t u) {
  Value v;
  v.type_ = Type::kUint;
  v.u_ = u;
  return v;
}
Value Value::Double(double d) {
  Value v;
  v.type_ = Type::kDouble;
  v.d_ = d;
  return v;
}
Value Value::String(std::string s) {
  Value v;
  v.type_ = Type::kString;
  v.s_ = std::move(s);
  return v;
}
Value Value::Array(std::vector<Value> items) {
  Value v;
  v.type_ = Type::kArray;
  v.items_ = std::move(items);
  return v;
}
Value Value::Object(std::vector<Member> members) {
  Value v;
  v.type_ = Type::kObject;
  v.members_ = std::move(members);
  return v;
}

std::optional<int64_t> Value::AsInt() const {
  switch (type_) {
    case Type::kInt:
      return i_;
    case Type::kUint:
      if (u_ <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(u_);
      return std::nullopt;
    case Type::kDouble:
      if (std::isfinite(d_) && std::trunc(d_) == d_ && std::fabs(d_) < 9.007199254740992e15) {
        return static_cast<int64_t>(d_);
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

std::optional<uint64_t> Value::AsUint() const {
  if (type_ == Type::kUint) return u_;
  auto i = AsInt();
  if (i && *i >= 0) return static_cast<uint64_t>(*i);
  return std::nullopt;
}

double Value::AsDouble() const {
  switch (type_) {
    case Type::kInt:
      return static_cast<double>(i_);
    case Type::kUint:
      return static_cast<double>(u_);
    case Type::kDouble:
      return d_;
    default:
      return 0;
  }
}

const Value* Value::Find(std::string_view key) const {
  if (type_ != Type::kObject) return nullptr;
  for (const auto& m : members_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

std::optional<std::string_view> Value::GetString(std::string_view key) const {
  const Value* v = Find(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string_view(v->s_);
}
std::optional<int64_t> Value::GetInt(std::string_view key) const {
  const Value* v = Find(key);
  if (!v) return std::nullopt;
  return v->AsInt();
}
std::optional<bool> Value::GetBool(std::string_view key) const {
  const Value* v = Find(key);
  if (!v || !v->is_bool()) return std::nullopt;
  return v->b_;
}

namespace {

Result<Value> Convert(simdjson::dom::element e, size_t depth, const ParseOptions& opt) {
  if (depth > opt.max_depth)
    return MakeError(ErrorCode::kJsonTooDeep, "nesting deeper than " + std::to_string(opt.max_depth));
  switch (e.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      return Value::Null();
    case simdjson::dom::element_type::BOOL:
      return Value::Bool(bool(e.get_bool().value_unsafe()));
    case simdjson::dom::element_type::INT64:
      return Value::Int(e.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64:
      return Value::Uint(e.get_uint64().value_unsafe());
    case simdjson::dom::element_type::DOUBLE:
      return Value::Double(e.get_double().value_unsafe());
    case simdjson::dom::element_type::STRING:
      return Value::String(std::string(e.get_string().value_unsafe()));
    case simdjson::dom::element_type::ARRAY: {
      std::vector<Value> items;
      auto arr = e.get_array().value_unsafe();
      items.reserve(arr.size());
      for (auto child : arr) {
        auto c = Convert(child, depth + 1, opt);
        if (!c) return c.error();
        items.push_back(std::move(*c));
      }
      return Value::Array(std::move(items));
    }
    case simdjson::dom::element_type::OBJECT: {
      std::vector<Member> members;
      auto obj = e.get_object().value_unsafe();
      members.reserve(obj.size());
      std::unordered_set<std::string_view> seen;
      for (auto field : obj) {
        if (opt.reject_duplicate_keys && !seen.insert(field.key).second) {
          return MakeError(ErrorCode::kJsonDuplicateKey,
                           "duplicate member \"" + std::string(field.key) + "\"");
        }
        auto c = Convert(field.value, depth + 1, opt);
        if (!c) return c.error();
        members.emplace_back(std::string(field.key), std::move(*c));
      }
      return Value::Object(std::move(members));
    }
  }
  return MakeError(ErrorCode::kInternal, "unknown JSON element type");
}

}  // namespace

Result<Value> Parse(std::string_view text, const ParseOptions& options) {
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element root;
  auto err = parser.parse(padded).get(root);
  if (err == simdjson::UTF8_ERROR)
    return MakeError(ErrorCode::kJsonInvalidUtf8, "invalid UTF-8 in JSON text");
  if (err == simdjson::DEPTH_ERROR) return MakeError(ErrorCode::kJsonTooDeep, "JSON nested too deeply");
  if (err) return MakeError(ErrorCode::kJsonSyntax, simdjson::error_message(err));
  return Convert(root, 0, options);
}

std::string Quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
  return out;
}

void Writer::Sep() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
  }
}

Writer& Writer::BeginObject() {
  Sep();
  out_.push_back('{');
  first_.push_back(true);
  return *this;
}
Writer& Writer::EndObject() {
  out_.push_back('}');
  first_.pop_back();
  return *this;
}
Writer& Writer::BeginArray() {
  Sep();
  out_.push_back('[');
  first_.push_back(true);
  return *this;
}
Writer& Writer::EndArray() {
  out_.push_back(']');
  first_.pop_back();
  return *this;
}
Writer& Writer::Key(std::string_view k) {
  Sep();
  out_ += Quote(k);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}
Writer& Writer::String(std::string_view s) {
  Sep();
  out_ += Quote(s);
  return *this;
}
Writer& Writer::Int(int64_t i) {
  Sep();
  out_ += std::to_string(i);
  return *this;
}
Writer& Writer::Uint(uint64_t u) {
  Sep();
  out_ += std::to_string(u);
  return *this;
}
Writer& Writer::Double(double d) {
  Sep();
  if (!std::isfinite(d)) {
    out_ += "null";
  } else {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", d);
    out_ += buf;
  }
  return *this;
}
Writer& Writer::Bool(bool b) {
  Sep();
  out_ += b ? "true" : "false";
  return *this;
}
Writer& Writer::Null() {
  Sep();
  out_ += "null";
  return *this;
}
Writer& Writer::Raw(std::string_view json) {
  Sep();
  out_ += json;
  return *this;
}
Writer& Writer::Write(const json::Value& v) {
  switch (v.type()) {
    case json::Value::Type::kNull:
      return Null();
    case json::Value::Type::kBool:
      return Bool(v.AsBool());
    case json::Value::Type::kInt:
      return Int(*v.AsInt());
    case json::Value::Type::kUint:
      return Uint(*v.AsUint());
    case json::Value::Type::kDouble:
      return Double(v.AsDouble());
    case json::Value::Type::kString:
      return String(v.AsString());
    case json::Value::Type::kArray:
      BeginArray();
      for (const auto& i : v.items()) Write(i);
      return EndArray();
    case json::Value::Type::kObject:
      BeginObject();
      for (const auto& m : v.members()) {
        Key(m.first);
        Write(m.second);
      }
      return EndObject();
  }
  return *this;
}

std::string Format(const json::Value& v) {
  Writer w;
  w.Write(v);
  return w.Take();
}

}  // namespace verity::json
