// StrCat({"a", b, "c"}): joins string pieces with one allocation (integrity-internal helper; also
// sidesteps GCC 12's false -Wrestrict on `"literal" + std::string`).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace verity::integrity {

inline std::string StrCat(std::initializer_list<std::string_view> parts) {
  size_t n = 0;
  for (std::string_view p : parts) n += p.size();
  std::string out;
  out.reserve(n);
  for (std::string_view p : parts) out.append(p);
  return out;
}

}  // namespace verity::integrity
