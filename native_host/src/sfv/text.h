// Character classes and small codecs used by the RFC 9651 parser and serialiser (internal to sfv).
//
//   IsTokenChar('/') == true   (tchar / ":" / "/", RFC 9651 §3.3.4)
//   IsValidUtf8("\xc3\xbc") == true; IsValidUtf8("\xc0\xaf") == false (overlong)
#pragma once

#include <optional>
#include <string_view>

#include "core/bytes.h"

namespace verity::sfv::text {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsLcAlpha(char c) { return c >= 'a' && c <= 'z'; }
inline bool IsAlpha(char c) { return IsLcAlpha(c) || (c >= 'A' && c <= 'Z'); }
// %x20-7E
inline bool IsVisibleOrSp(char c) { return c >= 0x20 && c <= 0x7e; }
// RFC 9110 tchar, plus ':' and '/' as sf-token allows after the first character.
bool IsTokenChar(char c);
// Key characters after the first: lcalpha / DIGIT / "_" / "-" / "." / "*".
inline bool IsKeyChar(char c) {
  return IsLcAlpha(c) || IsDigit(c) || c == '_' || c == '-' || c == '.' || c == '*';
}
// 0-9a-f -> value, anything else (including A-F) -> -1.
int LcHexValue(char c);
// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool IsValidUtf8(std::string_view s);

}  // namespace verity::sfv::text
