#include "core/encoding.h"

namespace verity {
namespace {

constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Encode(ByteView data, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | data[i + 2];
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    out.push_back(alphabet[(v >> 6) & 63]);
    out.push_back(alphabet[v & 63]);
  }
  size_t rest = data.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t{data[i]} << 16;
    if (rest == 2) v |= uint32_t{data[i + 1]} << 8;
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    if (rest == 2) out.push_back(alphabet[(v >> 6) & 63]);
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

enum class Alpha { kStd, kUrl, kEither };
enum class Pad { kRequired, kOptional };
enum class PadBits { kMustBeZero, kIgnored };

int Value(char c, Alpha a) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if ((c == '+' || c == '/') && a != Alpha::kUrl) return c == '+' ? 62 : 63;
  if ((c == '-' || c == '_') && a != Alpha::kStd) return c == '-' ? 62 : 63;
  return -1;
}

Result<Bytes> Decode(std::string_view s, Alpha alpha, Pad pad, PadBits pad_bits = PadBits::kMustBeZero) {
  size_t npad = 0;
  while (npad < s.size() && npad < 2 && s[s.size() - 1 - npad] == '=') ++npad;
  std::string_view body = s.substr(0, s.size() - npad);
  if (npad > 0 && s.size() % 4 != 0) return MakeError(ErrorCode::kBadBase64, "wrong padding");
  if (npad == 0 && pad == Pad::kRequired && s.size() % 4 != 0) {
    return MakeError(ErrorCode::kBadBase64, "missing padding");
  }
  if (body.size() % 4 == 1) return MakeError(ErrorCode::kBadBase64, "impossible length");
  if (npad > 0 && (4 - body.size() % 4) % 4 != npad) return MakeError(ErrorCode::kBadBase64, "wrong padding");
  bool saw_std = false, saw_url = false;
  Bytes out;
  out.reserve(body.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : body) {
    int v = Value(c, alpha);
    if (v < 0) return MakeError(ErrorCode::kBadBase64, "invalid character");
    saw_std |= (c == '+' || c == '/');
    saw_url |= (c == '-' || c == '_');
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  if (saw_std && saw_url) return MakeError(ErrorCode::kBadBase64, "mixed alphabets");
  if (acc != 0 && pad_bits == PadBits::kMustBeZero)
    return MakeError(ErrorCode::kBadBase64, "non-zero trailing bits");
  return out;
}

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string FormatBase64(ByteView data) { return Encode(data, kStd, true); }
std::string FormatBase64Url(ByteView data) { return Encode(data, kUrl, false); }
Result<Bytes> ParseBase64(std::string_view t) { return Decode(t, Alpha::kStd, Pad::kRequired); }
Result<Bytes> ParseBase64NoPadOk(std::string_view t) { return Decode(t, Alpha::kStd, Pad::kOptional); }
Result<Bytes> ParseBase64IgnoringPadBits(std::string_view t) {
  return Decode(t, Alpha::kStd, Pad::kOptional, PadBits::kIgnored);
}
Result<Bytes> ParseBase64Url(std::string_view t) { return Decode(t, Alpha::kUrl, Pad::kOptional); }
Result<Bytes> ParseBase64Lenient(std::string_view t) { return Decode(t, Alpha::kEither, Pad::kOptional); }

std::string FormatHex(ByteView data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (uint8_t b : data) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

Result<Bytes> ParseHex(std::string_view t) {
  if (t.size() % 2 != 0) return MakeError(ErrorCode::kBadHex, "odd length");
  Bytes out(t.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexVal(t[2 * i]), lo = HexVal(t[2 * i + 1]);
    if (hi < 0 || lo < 0) return MakeError(ErrorCode::kBadHex, "invalid character");
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

}  // namespace verity
