#include "core/error.h"

#include <array>

namespace verity {
namespace {

struct Entry {
  std::string_view wire;
  std::string_view summary;
};

constexpr std::array<Entry, static_cast<size_t>(ErrorCode::kCount_)> kEntries = {{
    {"ok", "ok"},
// The order of the .def files is the order of the codes (append only): not sorted.
// clang-format off
#define VERITY_ERROR(sym, wire, summary) {wire, summary},
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
}};

}  // namespace

std::string_view WireName(ErrorCode code) {
  auto i = static_cast<size_t>(code);
  return i < kEntries.size() ? kEntries[i].wire : std::string_view("core.internal");
}

std::string_view Summary(ErrorCode code) {
  auto i = static_cast<size_t>(code);
  return i < kEntries.size() ? kEntries[i].summary : std::string_view("internal error");
}

ErrorCode CodeFromWireName(std::string_view wire) {
  for (size_t i = 0; i < kEntries.size(); ++i) {
    if (kEntries[i].wire == wire) return static_cast<ErrorCode>(i);
  }
  return ErrorCode::kInternal;
}

}  // namespace verity
