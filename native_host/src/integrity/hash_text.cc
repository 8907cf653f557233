#include "integrity/hash_text.h"

#include <array>

#include "core/encoding.h"
#include "integrity/str_cat.h"

namespace verity::integrity {
namespace {

// Low 6 bits: the value in either alphabet. kStd / kUrl mark alphabet-specific characters,
// kInvalid everything else; OR-ing the entries of a string tells both at once.
constexpr uint16_t kStd = 0x100, kUrl = 0x200, kInvalid = 0x400;
constexpr std::array<uint16_t, 256> MakeTable() {
  std::array<uint16_t, 256> t{};
  for (auto& v : t) v = kInvalid;
  for (int i = 0; i < 26; ++i) {
    t['A' + i] = static_cast<uint16_t>(i);
    t['a' + i] = static_cast<uint16_t>(26 + i);
  }
  for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<uint16_t>(52 + i);
  t['+'] = 62 | kStd;
  t['/'] = 63 | kStd;
  t['-'] = 62 | kUrl;
  t['_'] = 63 | kUrl;
  return t;
}
constexpr std::array<uint16_t, 256> kTable = MakeTable();

Error BadHash(std::string_view why, std::string_view text) {
  std::string shown(text.substr(0, 80));
  return MakeError(ErrorCode::kManifestBadHash, StrCat({why, ": \"", shown, "\""}));
}

}  // namespace

Result<Hash32> ParseSha256Base64(std::string_view text) {
  std::string_view s = text;
  if (s.substr(0, 7) == "sha256-") s.remove_prefix(7);
  // 32 bytes = 43 base64 characters (+ one '=' when padded); the last one carries 4 bits.
  if (s.size() == 44 && s[43] == '=') s.remove_suffix(1);
  if (s.size() != 43) return BadHash("not a base64 SHA-256 value (43 or 44 characters)", text);
  uint16_t v[43];
  uint16_t flags = 0;
  for (size_t i = 0; i < 43; ++i) {
    v[i] = kTable[static_cast<unsigned char>(s[i])];
    flags |= v[i];
  }
  if (flags & kInvalid) return BadHash("invalid base64 character", text);
  if ((flags & kStd) && (flags & kUrl)) return BadHash("mixed base64 alphabets", text);
  Hash32 out{};
  for (size_t g = 0; g < 10; ++g) {  // 10 groups of 4 characters -> 30 bytes
    const uint16_t* q = v + 4 * g;
    uint32_t w = (uint32_t{q[0] & 63u} << 18) | (uint32_t{q[1] & 63u} << 12) | (uint32_t{q[2] & 63u} << 6) |
                 uint32_t{q[3] & 63u};
    out[3 * g] = static_cast<uint8_t>(w >> 16);
    out[3 * g + 1] = static_cast<uint8_t>(w >> 8);
    out[3 * g + 2] = static_cast<uint8_t>(w);
  }
  // The last character carries 4 bits of the hash and 2 padding bits. Those must be zero in the
  // canonical spelling, but the drafts only ask for "valid base64 that decodes to 32 bytes" and
  // Firefox (and its own test manifest, and the drafts' examples) accept non-zero ones: they are
  // dropped, and the value is compared as decoded bytes (RFC 4648 §3.5 lets decoders do either).
  uint32_t w = (uint32_t{v[40] & 63u} << 12) | (uint32_t{v[41] & 63u} << 6) | uint32_t{v[42] & 63u};
  out[30] = static_cast<uint8_t>(w >> 10);
  out[31] = static_cast<uint8_t>(w >> 2);
  return out;
}

Result<Hash32> ParseSha256Hex(std::string_view text) {
  if (text.size() != 64) return BadHash("not 64 hex digits", text);
  Hash32 out{};
  for (size_t i = 0; i < 32; ++i) {
    int v[2];
    for (int k = 0; k < 2; ++k) {
      char c = text[2 * i + static_cast<size_t>(k)];
      if (c >= '0' && c <= '9') {
        v[k] = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        v[k] = c - 'a' + 10;
      } else {
        return BadHash("not lowercase hex", text);
      }
    }
    out[i] = static_cast<uint8_t>(v[0] << 4 | v[1]);
  }
  return out;
}

std::string FormatSha256(const Hash32& h) { return FormatBase64Url(h); }

}  // namespace verity::integrity
