// Text forms of the SHA-256 values in integrity manifests (design §4.1 Decision: compare decoded
// 32-byte values, never strings).
//
// ParseSha256Base64 accepts, for WAICT v2 and Firefox manifests:
//   "r4j9yW07mpTFSQ6ZRYOV0Au8Hfn2NqjqQMBqKL_SWCY"          base64url, no padding (the v2 draft)
//   "r4j9yW07mpTFSQ6ZRYOV0Au8Hfn2NqjqQMBqKL/SWCY="         standard base64, padded (Firefox, v1)
//   "r4j9yW07mpTFSQ6ZRYOV0Au8Hfn2NqjqQMBqKL/SWCY"          standard base64, unpadded
//   "sha256-r4j9yW07mpTFSQ6ZRYOV0Au8Hfn2NqjqQMBqKL/SWCY="  optional SRI-style "sha256-" prefix
//   "R4J9Yw07MpTfSq6zRYOV0aU8HFN2nQJQqmbQkl/SwCy="         non-zero trailing bits (the last
//                                                          character's 2 padding bits): accepted,
//                                                          the bits are dropped (docs/formats.md)
// and rejects mixed alphabets, wrong lengths (anything but 32 bytes), misplaced padding,
// whitespace and "?options". Values are compared as the 32 decoded bytes, never as text, so two
// spellings of one hash are the same entry. ParseSha256Hex accepts exactly 64 lowercase hex digits
// (article dialect keys).
#pragma once

#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"

namespace verity::integrity {

Result<Hash32> ParseSha256Base64(std::string_view text);
Result<Hash32> ParseSha256Hex(std::string_view text);

// base64url without padding, the draft's canonical spelling (used in decision details).
std::string FormatSha256(const Hash32& h);

}  // namespace verity::integrity
