// Error codes and Result<T>: the only way errors cross module boundaries (no exceptions).
//
// Every failure has a stable ErrorCode with a wire name "<module>.<name>" (e.g.
// "manifest.invalid_json") that the extension branches on, and a human detail string.
// Codes are declared per module in core/errors/<module>.def; wire names never change once shipped.
//
//   Result<Hash32> r = ParseSomething(bytes);
//   if (!r) return r.error();          // propagate
//   Use(*r);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace verity {

enum class ErrorCode : uint16_t {
  kOk = 0,
// The order of the .def files is the order of the codes (append only): not sorted.
// clang-format off
#define VERITY_ERROR(sym, wire, summary) sym,
#include "core/errors/core.def"
#include "core/errors/crypto.def"
#include "core/errors/json.def"
#include "core/errors/sfv.def"
#include "core/errors/config.def"
#include "core/errors/store.def"
#include "core/errors/integrity.def"
#include "core/errors/sri.def"
#include "core/errors/header.def"
#include "core/errors/manifest.def"
#include "core/errors/decision.def"
#include "core/errors/transparency.def"
#include "core/errors/net.def"
#include "core/errors/dns.def"
#include "core/errors/m2dmrt.def"
#include "core/errors/policy.def"
#include "core/errors/protocol.def"
#undef VERITY_ERROR
  // clang-format on
  kCount_
};

// Stable wire name, e.g. "json.syntax". "ok" for kOk.
std::string_view WireName(ErrorCode code);
// One-line human summary of the code (the detail string says what exactly went wrong).
std::string_view Summary(ErrorCode code);
// Reverse lookup; kInternal if unknown.
ErrorCode CodeFromWireName(std::string_view wire);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string detail;
};

inline Error MakeError(ErrorCode code, std::string detail = {}) { return Error{code, std::move(detail)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT(implicit)
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(implicit)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }
  ErrorCode code() const { return ok() ? ErrorCode::kOk : error().code; }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(implicit)
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }
  ErrorCode code() const { return ok_ ? ErrorCode::kOk : error_.code; }

 private:
  Error error_{};
  bool ok_ = true;
};

using Status = Result<void>;
inline Status OkStatus() { return Status(); }

}  // namespace verity

// Propagate an error from a Result-returning expression.
#define VERITY_RETURN_IF_ERROR(expr)                    \
  do {                                                  \
    auto verity_status_ = (expr);                       \
    if (!verity_status_) return verity_status_.error(); \
  } while (0)
