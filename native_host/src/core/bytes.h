// Byte containers shared by all modules. Hashes are fixed-size arrays; sizes are uint64_t.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace verity {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;
using Hash32 = std::array<uint8_t, 32>;

inline ByteView AsBytes(std::string_view s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}
inline std::string_view AsChars(ByteView b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}
inline std::string ToString(ByteView b) { return std::string(AsChars(b)); }

// Big-endian integer helpers (transparency wire formats are big-endian).
inline void AppendU64BE(Bytes& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
inline uint64_t ReadUintBE(ByteView b) {  // b.size() <= 8, checked by caller
  uint64_t v = 0;
  for (uint8_t c : b) v = (v << 8) | c;
  return v;
}

}  // namespace verity
