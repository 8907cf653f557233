#include "core/encoding.h"

#include <doctest/doctest.h>

#include "core/error.h"

using namespace verity;

TEST_CASE("base64 round trip and RFC 4648 §10 vectors") {
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* enc[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    CHECK(FormatBase64(AsBytes(plain[i])) == enc[i]);
    auto d = ParseBase64(enc[i]);
    REQUIRE(d.ok());
    CHECK(ToString(*d) == plain[i]);
  }
}

TEST_CASE("base64 strictness") {
  CHECK_FALSE(ParseBase64("Zg").ok());  // padding required in strict form
  CHECK(ParseBase64NoPadOk("Zg").ok());
  CHECK_FALSE(ParseBase64("Zh==").ok());  // non-zero trailing bits
  CHECK_FALSE(ParseBase64NoPadOk("Zh").ok());
  // RFC 9651 §4.2.7: pad bits ignored, padding optional, everything else as strict.
  CHECK(ToString(*ParseBase64IgnoringPadBits("Zh==")) == "f");
  CHECK(ToString(*ParseBase64IgnoringPadBits("Zh")) == "f");
  CHECK(ToString(*ParseBase64IgnoringPadBits("aGVsbG9=")) == "hello");
  CHECK_FALSE(ParseBase64IgnoringPadBits("Zh=").ok());
  CHECK_FALSE(ParseBase64IgnoringPadBits("Z===").ok());
  CHECK_FALSE(ParseBase64IgnoringPadBits("Z").ok());
  CHECK_FALSE(ParseBase64IgnoringPadBits("-_8").ok());  // url alphabet
  CHECK_FALSE(ParseBase64("Zg=").ok());                 // wrong padding
  CHECK_FALSE(ParseBase64("Z===").ok());
  CHECK_FALSE(ParseBase64("Zm 9v").ok());  // whitespace
  CHECK_FALSE(ParseBase64("-_8=").ok());   // url alphabet in std
  CHECK(ToString(*ParseBase64Url("-_8")) == "\xfb\xff");
  CHECK_FALSE(ParseBase64Url("+/8").ok());
  CHECK(ParseBase64Lenient("+/8=").ok());
  CHECK(ParseBase64Lenient("-_8").ok());
  CHECK_FALSE(ParseBase64Lenient("+_8").ok());  // mixed alphabets
  CHECK(ParseBase64("Zg==").code() == ErrorCode::kOk);
  CHECK(ParseBase64("Z!==").code() == ErrorCode::kBadBase64);
}

TEST_CASE("hex") {
  Bytes b = {0x00, 0xab, 0xff};
  CHECK(FormatHex(b) == "00abff");
  CHECK(*ParseHex("00ABff") == b);
  CHECK(ParseHex("0").code() == ErrorCode::kBadHex);
  CHECK(ParseHex("zz").code() == ErrorCode::kBadHex);
  auto a = ToArray<3>(ParseHex("00abff"));
  REQUIRE(a.ok());
  CHECK(ToArray<4>(ParseHex("00abff")).code() == ErrorCode::kBadLength);
}

TEST_CASE("error wire names are unique and round trip") {
  for (size_t i = 0; i < static_cast<size_t>(ErrorCode::kCount_); ++i) {
    auto c = static_cast<ErrorCode>(i);
    CHECK(CodeFromWireName(WireName(c)) == c);
  }
  CHECK(WireName(ErrorCode::kBadBase64) == "core.bad_base64");
}
