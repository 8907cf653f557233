// The pieces every vector format of verity_vectors shares (tests/vectors/verity/README.md): one case
// as the generator writes it, the JSON builders for its input, the readers the runner uses, and the
// result as the files state it ("ok" or an error code's wire name).
//
//   Case{"m2dmrt_registration_message", "hello_valid", "A's hello as FormatRegHello writes it", "ok",
//        {{"kind", S("hello")}, {"message", S(text)}}}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/encoding.h"
#include "core/error.h"
#include "json/json.h"

namespace verity::vectors {

struct Case {
  std::string format, name, description, expected;
  std::vector<std::pair<std::string, json::Value>> input;
};

// Appends the cases of one format to a list, one call per case.
class CaseList {
 public:
  CaseList(std::vector<Case>& cases, std::string format) : cases_(cases), format_(std::move(format)) {}
  void Add(std::string name, std::string description, std::string expected,
           std::vector<std::pair<std::string, json::Value>> input) const {
    cases_.push_back(
        {format_, std::move(name), std::move(description), std::move(expected), std::move(input)});
  }

 private:
  std::vector<Case>& cases_;
  std::string format_;
};

inline json::Value S(std::string s) { return json::Value::String(std::move(s)); }
inline json::Value B(ByteView b) { return json::Value::String(FormatBase64(b)); }
inline json::Value N(int64_t n) { return json::Value::Int(n); }

template <typename T>
std::string Code(const Result<T>& r) {
  return r.ok() ? "ok" : std::string(WireName(r.code()));
}

inline Bytes B64(const json::Value& in, std::string_view key) {
  auto s = in.GetString(key);
  if (!s) return {};
  auto b = ParseBase64(*s);
  return b ? *b : Bytes{};
}
inline std::string Str(const json::Value& in, std::string_view key) {
  return std::string(in.GetString(key).value_or(""));
}
inline int64_t Int(const json::Value& in, std::string_view key) { return in.GetInt(key).value_or(0); }

// A copy of `v` changed by `edit` (a mutated twin of a valid input).
template <typename T, typename F>
T With(T v, F edit) {
  edit(v);
  return v;
}

// One bit of byte `at` (mod size) flipped.
inline Bytes Flip(Bytes b, size_t at) {
  b[at % b.size()] ^= 0x01;
  return b;
}

}  // namespace verity::vectors
