#include "dns/message.h"

namespace verity::dns {
namespace {

Error Malformed(std::string d) { return MakeError(ErrorCode::kDnsMalformed, std::move(d)); }

struct Reader {
  ByteView b;
  size_t pos = 0;
  bool Need(size_t n) const { return pos <= b.size() && b.size() - pos >= n; }
  uint16_t U16() {
    uint16_t v = static_cast<uint16_t>(b[pos] << 8 | b[pos + 1]);
    pos += 2;
    return v;
  }
  uint32_t U32() {
    uint32_t v = uint32_t{b[pos]} << 24 | uint32_t{b[pos + 1]} << 16 | uint32_t{b[pos + 2]} << 8 | b[pos + 3];
    pos += 4;
    return v;
  }
};

// Reads a possibly compressed name starting at r.pos; advances r.pos past it in the record.
Result<std::string> ReadName(Reader& r) {
  std::string out;
  size_t pos = r.pos;
  bool jumped = false;
  size_t wire_len = 0;
  for (int hops = 0;; ++hops) {
    if (pos >= r.b.size()) return Malformed("name runs past the end");
    uint8_t len = r.b[pos];
    if ((len & 0xC0) == 0xC0) {
      if (pos + 1 >= r.b.size()) return Malformed("truncated compression pointer");
      size_t target = static_cast<size_t>((len & 0x3F) << 8 | r.b[pos + 1]);
      if (target >= pos || hops > 127) return Malformed("compression pointer not backwards");
      if (!jumped) r.pos = pos + 2;
      jumped = true;
      pos = target;
      continue;
    }
    if ((len & 0xC0) != 0) return Malformed("unknown label type");
    if (len == 0) {
      if (!jumped) r.pos = pos + 1;
      return out;
    }
    if (pos + 1 + len > r.b.size()) return Malformed("label runs past the end");
    wire_len += len + 1;
    if (wire_len > 255) return Malformed("name longer than 255 bytes");
    if (!out.empty()) out.push_back('.');
    for (size_t i = 0; i < len; ++i) {
      char c = static_cast<char>(r.b[pos + 1 + i]);
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      out.push_back(c);
    }
    pos += 1 + len;
  }
}

Result<std::vector<ResourceRecord>> ReadRecords(Reader& r, uint16_t count) {
  std::vector<ResourceRecord> out;
  for (uint16_t i = 0; i < count; ++i) {
    auto name = ReadName(r);
    if (!name) return name.error();
    if (!r.Need(10)) return Malformed("truncated record header");
    ResourceRecord rr;
    rr.name = std::move(*name);
    rr.type = r.U16();
    rr.klass = r.U16();
    rr.ttl = r.U32();
    uint16_t rdlen = r.U16();
    if (!r.Need(rdlen)) return Malformed("rdata runs past the end");
    rr.rdata.assign(r.b.begin() + static_cast<std::ptrdiff_t>(r.pos),
                    r.b.begin() + static_cast<std::ptrdiff_t>(r.pos + rdlen));
    r.pos += rdlen;
    out.push_back(std::move(rr));
  }
  return out;
}

}  // namespace

Result<Bytes> FormatQuery(std::string_view name, uint16_t type, uint16_t id) {
  Bytes q = {static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id), 0x01, 0x20, 0, 1, 0, 0, 0, 0, 0, 1};
  if (name.size() > 253) return MakeError(ErrorCode::kDnsBadName, "name too long");
  size_t start = 0;
  while (start < name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    size_t len = dot - start;
    if (len == 0 || len > 63) return MakeError(ErrorCode::kDnsBadName, "empty or long label");
    q.push_back(static_cast<uint8_t>(len));
    for (size_t i = start; i < dot; ++i) {
      char c = name[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) return MakeError(ErrorCode::kDnsBadName, "character not allowed");
      q.push_back(static_cast<uint8_t>(c));
    }
    start = dot + 1;
    if (dot + 1 == name.size()) return MakeError(ErrorCode::kDnsBadName, "trailing dot");
  }
  q.insert(q.end(), {0, static_cast<uint8_t>(type >> 8), static_cast<uint8_t>(type), 0, 1});
  q.insert(q.end(), {0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0});  // OPT, 1232 bytes, DO
  return q;
}

Result<Message> ParseMessage(ByteView wire) {
  if (wire.size() > 65535) return Malformed("message larger than 65535 bytes");
  Reader r{wire};
  if (!r.Need(12)) return Malformed("shorter than a header");
  Message m;
  m.id = r.U16();
  uint16_t flags = r.U16();
  m.qr = flags & 0x8000;
  m.opcode = (flags >> 11) & 0xF;
  m.aa = flags & 0x0400;
  m.tc = flags & 0x0200;
  m.rd = flags & 0x0100;
  m.ra = flags & 0x0080;
  m.ad = flags & 0x0020;
  m.cd = flags & 0x0010;
  m.rcode = flags & 0xF;
  uint16_t qd = r.U16(), an = r.U16(), ns = r.U16(), ar = r.U16();
  if (qd > 1) return Malformed("more than one question");
  if (qd == 1) {
    auto name = ReadName(r);
    if (!name) return name.error();
    if (!r.Need(4)) return Malformed("truncated question");
    m.qname = std::move(*name);
    m.qtype = r.U16();
    r.U16();  // qclass
  }
  auto a = ReadRecords(r, an);
  if (!a) return a.error();
  auto n = ReadRecords(r, ns);
  if (!n) return n.error();
  auto x = ReadRecords(r, ar);
  if (!x) return x.error();
  if (r.pos != wire.size()) return Malformed("trailing bytes after the message");
  m.answers = std::move(*a);
  m.authority = std::move(*n);
  m.additional = std::move(*x);
  return m;
}

Result<std::string> ParseTxtRdata(ByteView rdata) {
  std::string out;
  size_t pos = 0;
  if (rdata.empty()) return Malformed("empty TXT rdata");
  while (pos < rdata.size()) {
    size_t len = rdata[pos];
    if (pos + 1 + len > rdata.size()) return Malformed("TXT string runs past the end");
    out.append(reinterpret_cast<const char*>(rdata.data() + pos + 1), len);
    pos += 1 + len;
  }
  return out;
}

}  // namespace verity::dns
