// DNS messages in wire format (RFC 1035 §4, EDNS(0) RFC 6891, AD/CD bits RFC 4035 §3.2), as used
// by the DoH transport (RFC 8484: the HTTP body is exactly one such message).
//
// Query built by FormatQuery("shop.test", kTypeTxt, 0):
//   00 00  01 20  00 01 00 00 00 00 00 01       id 0, RD+AD, 1 question, 1 additional (OPT)
//   04 's' 'h' 'o' 'p' 04 't' 'e' 's' 't' 00   QNAME
//   00 10 00 01                                 QTYPE TXT, QCLASS IN
//   00 00 29 04 d0 00 00 80 00 00 00            OPT: payload 1232, DO=1
// ParseMessage() reads header, question and all resource records, following compression
// pointers only backwards (no loops), and checks every length against the message bounds.
// TXT rdata: one or more <len><bytes> character-strings (RFC 1035 §3.3.14).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace verity::dns {

constexpr uint16_t kTypeA = 1, kTypeCname = 5, kTypeTxt = 16, kTypeOpt = 41, kTypeRrsig = 46;
constexpr uint16_t kClassIn = 1;
constexpr uint8_t kRcodeNoError = 0, kRcodeServFail = 2, kRcodeNxDomain = 3;

struct ResourceRecord {
  std::string name;  // lower case, no trailing dot ("" = root)
  uint16_t type = 0;
  uint16_t klass = 0;
  uint32_t ttl = 0;
  Bytes rdata;
};

struct Message {
  uint16_t id = 0;
  bool qr = false, aa = false, tc = false, rd = false, ra = false, ad = false, cd = false;
  uint8_t opcode = 0;
  uint8_t rcode = 0;
  std::string qname;
  uint16_t qtype = 0;
  std::vector<ResourceRecord> answers, authority, additional;
};

// Lower-cased, validated presentation name without trailing dot → wire-format query.
Result<Bytes> FormatQuery(std::string_view name, uint16_t type, uint16_t id);
Result<Message> ParseMessage(ByteView wire);
// TXT rdata → its character-strings concatenated; malformed if a length runs past the end.
Result<std::string> ParseTxtRdata(ByteView rdata);

}  // namespace verity::dns
