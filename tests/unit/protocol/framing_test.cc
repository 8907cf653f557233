#include "protocol/framing.h"

#include <doctest/doctest.h>

#include <cstring>

using namespace verity;
using namespace verity::protocol;

namespace {

std::string Hdr(uint32_t len) {
  std::string s(4, '\0');
  std::memcpy(s.data(), &len, 4);
  return s;
}

}  // namespace

TEST_CASE("EncodeFrame is native-endian length + payload") {
  std::string f = EncodeFrame("{\"id\":1}");
  REQUIRE(f.size() == 12);
  uint32_t len = 0;
  std::memcpy(&len, f.data(), 4);
  CHECK(len == 8);
  CHECK(DecodeLength(reinterpret_cast<const uint8_t*>(f.data())) == 8);
  CHECK(f.substr(4) == "{\"id\":1}");
}

TEST_CASE("reader: several frames, any chunking") {
  std::string in =
      EncodeFrame("a") + EncodeFrame("bc") + EncodeFrame(std::string(100000, 'x')) + EncodeFrame("d");
  for (size_t chunk : {size_t{1}, size_t{3}, size_t{7}, size_t{4096}, SIZE_MAX}) {
    CAPTURE(chunk);
    MemorySource src(AsBytes(in), chunk);
    FrameReader r(src);
    auto e1 = r.Next();
    REQUIRE(e1.status == FrameStatus::kFrame);
    CHECK(e1.payload == "a");
    auto e2 = r.Next();
    REQUIRE(e2.status == FrameStatus::kFrame);
    CHECK(e2.payload == "bc");
    auto e3 = r.Next();
    REQUIRE(e3.status == FrameStatus::kFrame);
    CHECK(e3.payload == std::string(100000, 'x'));
    auto e4 = r.Next();
    REQUIRE(e4.status == FrameStatus::kFrame);
    CHECK(e4.payload == "d");
    CHECK(r.Next().status == FrameStatus::kEof);
    CHECK(r.Next().status == FrameStatus::kEof);
  }
}

TEST_CASE("reader: empty frame, then in sync") {
  std::string in = Hdr(0) + EncodeFrame("ok");
  MemorySource src(AsBytes(in));
  FrameReader r(src);
  CHECK(r.Next().status == FrameStatus::kEmpty);
  auto e = r.Next();
  REQUIRE(e.status == FrameStatus::kFrame);
  CHECK(e.payload == "ok");
}

TEST_CASE("reader: over the cap is reported at once, body discarded, stream in sync") {
  std::string in = Hdr(1001) + std::string(1001, 'z') + EncodeFrame("next");
  for (size_t chunk : {size_t{1}, size_t{100}, SIZE_MAX}) {
    MemorySource src(AsBytes(in), chunk);
    FrameReader r(src, 1000);
    auto e = r.Next();
    CHECK(e.status == FrameStatus::kTooLarge);
    CHECK(e.declared_length == 1001);
    CHECK_FALSE(r.HasBufferedFrame());  // the skip may block: the caller must flush first
    auto n = r.Next();
    REQUIRE(n.status == FrameStatus::kFrame);
    CHECK(n.payload == "next");
  }
  // Exactly at the cap is fine.
  std::string at = EncodeFrame(std::string(1000, 'y'));
  MemorySource src(AsBytes(at));
  FrameReader r(src, 1000);
  CHECK(r.Next().status == FrameStatus::kFrame);
}

TEST_CASE("reader: 0xFFFFFFFF length, stream ends while discarding") {
  std::string in = Hdr(0xFFFFFFFFu) + std::string(10, 'q');
  MemorySource src(AsBytes(in));
  FrameReader r(src);
  CHECK(r.Next().status == FrameStatus::kTooLarge);
  CHECK(r.Next().status == FrameStatus::kTruncated);
}

TEST_CASE("reader: truncated header and body") {
  {
    std::string in("\x05\x00", 2);
    MemorySource src(AsBytes(in));
    FrameReader r(src);
    auto e = r.Next();
    CHECK(e.status == FrameStatus::kTruncated);
    CHECK(e.detail.find("2 of 4") != std::string::npos);
  }
  {
    std::string in = Hdr(10) + "abc";
    MemorySource src(AsBytes(in), 1);
    FrameReader r(src);
    auto e = r.Next();
    CHECK(e.status == FrameStatus::kTruncated);
    CHECK(e.detail.find("3 of 10") != std::string::npos);
  }
  {
    MemorySource src(ByteView{});
    FrameReader r(src);
    CHECK(r.Next().status == FrameStatus::kEof);
  }
}

TEST_CASE("reader: HasBufferedFrame") {
  std::string in = EncodeFrame("a") + EncodeFrame("b");
  MemorySource src(AsBytes(in));
  FrameReader r(src);
  CHECK_FALSE(r.HasBufferedFrame());  // nothing read yet
  CHECK(r.Next().payload == "a");
  CHECK(r.HasBufferedFrame());  // "b" came in the same read
  CHECK(r.Next().payload == "b");
  CHECK_FALSE(r.HasBufferedFrame());
}

TEST_CASE("writer: frames below 1 MiB only") {
  MemorySink sink;
  FrameWriter w(sink);
  CHECK(w.Write("{}").ok());
  CHECK(w.Write(std::string(kMaxOutboundBytes - 1, 'a')).ok());
  auto big = w.Write(std::string(kMaxOutboundBytes, 'a'));
  CHECK(big.code() == ErrorCode::kProtocolReplyTooLarge);
  CHECK(w.Flush().ok());
  const std::string& out = sink.data();
  REQUIRE(out.size() == 4 + 2 + 4 + kMaxOutboundBytes - 1);
  CHECK(out.substr(0, 6) == EncodeFrame("{}"));
  CHECK(DecodeLength(reinterpret_cast<const uint8_t*>(out.data()) + 6) == kMaxOutboundBytes - 1);
}

TEST_CASE("writer: buffers until flush or threshold") {
  MemorySink sink;
  FrameWriter w(sink, 100);
  CHECK(w.Write("abc").ok());
  CHECK(sink.data().empty());
  CHECK(w.has_pending());
  CHECK(w.Write(std::string(200, 'b')).ok());  // passes the threshold
  CHECK(sink.data().size() == 7 + 204);
  CHECK_FALSE(w.has_pending());
}
