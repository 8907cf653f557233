// Typed access to the members of one browser -> host message (docs/protocol.md "Envelope"):
// absent or null -> nullopt (optional) or protocol.bad_field (required); present with the wrong JSON
// type -> protocol.bad_field whose detail names the member, e.g.
//   {"type":"verdict","url":7}  ReqString(msg, "url") -> protocol.bad_field "url: expected a string"
// And the reply side: a string member that is null when absent, and details cut to 1 KiB.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/error.h"
#include "json/json.h"

namespace verity::protocol {

Error BadField(std::string_view name, std::string_view what);
Result<std::optional<std::string_view>> OptString(const json::Value& msg, std::string_view name);
Result<std::string_view> ReqString(const json::Value& msg, std::string_view name);
Result<std::optional<int64_t>> OptInt(const json::Value& msg, std::string_view name);
Result<std::optional<bool>> OptBool(const json::Value& msg, std::string_view name);

// Reads members straight into a request, in order: the first problem is kept (the error the
// functions above give) and the reads after it do nothing. An absent or null optional member leaves
// its target as it was (the request struct's default); std::optional targets record presence.
//   FieldReader f(msg);
//   f.Req("origin", req.origin).Req("url", req.url).Opt("status", req.status).Opt("tab", req.tab);
//   if (!f.status()) return f.status();
template <typename X>
struct IsOptional : std::false_type {};
template <typename X>
struct IsOptional<std::optional<X>> : std::true_type {};

class FieldReader {
 public:
  explicit FieldReader(const json::Value& msg) : msg_(msg) {}
  // `out`: std::string_view or std::string.
  template <typename T>
  FieldReader& Req(std::string_view name, T& out) {
    return Take(ReqString(msg_, name), out);
  }
  // `out`: int64_t, bool, std::string_view, std::string or std::optional<std::string_view>.
  template <typename T>
  FieldReader& Opt(std::string_view name, T& out) {
    if constexpr (std::is_same_v<T, int64_t>) {
      return Take(OptInt(msg_, name), out);
    } else if constexpr (std::is_same_v<T, bool>) {
      return Take(OptBool(msg_, name), out);
    } else {
      return Take(OptString(msg_, name), out);
    }
  }
  const Status& status() const { return status_; }

 private:
  template <typename R, typename T>
  FieldReader& Take(const Result<R>& r, T& out) {
    if (!status_) return *this;
    if (!r) {
      status_ = r.error();
    } else if constexpr (std::is_same_v<R, T> || !IsOptional<R>::value) {
      out = T(*r);
    } else if (*r) {
      out = T(**r);
    }
    return *this;
  }
  const json::Value& msg_;
  Status status_;
};

// The first n bytes of s (all of it if shorter).
inline std::string_view Clip(std::string_view s, size_t n) { return s.size() <= n ? s : s.substr(0, n); }
// Longest "detail" a reply carries.
inline constexpr size_t kMaxDetail = 1024;
inline std::string_view ClipDetail(std::string_view s) { return Clip(s, kMaxDetail); }
// "key":"value", or "key":null when the value is absent (nullopt; empty for WriteNonEmptyOrNull).
void WriteStringOrNull(json::Writer& w, std::string_view key, std::optional<std::string_view> value);
inline void WriteStringOrNull(json::Writer& w, std::string_view key,
                              const std::optional<std::string>& value) {
  WriteStringOrNull(w, key, value ? std::optional<std::string_view>(*value) : std::nullopt);
}
inline void WriteNonEmptyOrNull(json::Writer& w, std::string_view key, std::string_view value) {
  WriteStringOrNull(w, key, value.empty() ? std::nullopt : std::optional<std::string_view>(value));
}

}  // namespace verity::protocol
