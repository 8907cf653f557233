#include "protocol/fields.h"

#include <string>

namespace verity::protocol {

Error BadField(std::string_view name, std::string_view what) {
  return MakeError(ErrorCode::kProtocolBadField, std::string(name) + ": " + std::string(what));
}

Result<std::optional<std::string_view>> OptString(const json::Value& msg, std::string_view name) {
  const json::Value* v = msg.Find(name);
  if (!v || v->is_null()) return std::optional<std::string_view>();
  if (!v->is_string()) return BadField(name, "expected a string");
  return std::optional<std::string_view>(v->AsString());
}
Result<std::string_view> ReqString(const json::Value& msg, std::string_view name) {
  auto r = OptString(msg, name);
  if (!r) return r.error();
  if (!*r) return BadField(name, "required string missing");
  return **r;
}
Result<std::optional<int64_t>> OptInt(const json::Value& msg, std::string_view name) {
  const json::Value* v = msg.Find(name);
  if (!v || v->is_null()) return std::optional<int64_t>();
  auto i = v->AsInt();
  if (!i) return BadField(name, "expected an integer");
  return std::optional<int64_t>(*i);
}
Result<std::optional<bool>> OptBool(const json::Value& msg, std::string_view name) {
  const json::Value* v = msg.Find(name);
  if (!v || v->is_null()) return std::optional<bool>();
  if (!v->is_bool()) return BadField(name, "expected a boolean");
  return std::optional<bool>(v->AsBool());
}

void WriteStringOrNull(json::Writer& w, std::string_view key, std::optional<std::string_view> value) {
  w.Key(key);
  if (value) {
    w.String(*value);
  } else {
    w.Null();
  }
}

}  // namespace verity::protocol
