// Text encodings of bytes: base64 (RFC 4648 §4), base64url (§5) and lowercase hex.
//
//   FormatBase64({0xfb,0xff})        == "+/8="
//   FormatBase64Url({0xfb,0xff})     == "-_8"        (no padding)
//   ParseBase64("+/8=")              -> {0xfb,0xff}  (strict: padding must be right, no whitespace)
//   ParseBase64Lenient("-_8")        -> {0xfb,0xff}  (either alphabet, padding optional; used for
//                                                     manifest hashes, design §4.1 Decision)
//   FormatHex({0xab}) == "ab";  ParseHex("AB") -> {0xab}
#pragma once

#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"

namespace verity {

std::string FormatBase64(ByteView data);
std::string FormatBase64Url(ByteView data);  // no padding
// Standard alphabet, canonical padding required, no whitespace, non-zero trailing bits rejected.
Result<Bytes> ParseBase64(std::string_view text);
// Standard alphabet, padding optional (but if present must be correct).
Result<Bytes> ParseBase64NoPadOk(std::string_view text);
// Standard alphabet, padding optional, non-zero trailing (pad) bits ignored: how RFC 9651 §4.2.7
// parses a byte sequence ("aGVsbG9=" and "aGVsbG8=" both read "hello").
Result<Bytes> ParseBase64IgnoringPadBits(std::string_view text);
// Base64url alphabet without padding (padding tolerated if correct).
Result<Bytes> ParseBase64Url(std::string_view text);
// Either alphabet (not mixed), padding optional.
Result<Bytes> ParseBase64Lenient(std::string_view text);

std::string FormatHex(ByteView data);
Result<Bytes> ParseHex(std::string_view text);  // even length, either case

// Parse exactly N bytes in one of the encodings above; kBadLength if the size differs.
template <size_t N>
Result<std::array<uint8_t, N>> ToArray(const Result<Bytes>& r) {
  if (!r) return r.error();
  if (r->size() != N) return MakeError(ErrorCode::kBadLength, "expected " + std::to_string(N) + " bytes");
  std::array<uint8_t, N> out{};
  for (size_t i = 0; i < N; ++i) out[i] = (*r)[i];
  return out;
}

}  // namespace verity
