#include "dns/message.h"

#include <doctest/doctest.h>

#include "dns/resolver.h"

using namespace verity;
using namespace verity::dns;

namespace {
// A response to "Shop.test TXT": header, question, one TXT answer using a compression pointer
// to the question name, two character-strings.
Bytes Response() {
  Bytes m = {0x12, 0x34, 0x81, 0xa0, 0, 1, 0, 1, 0, 0, 0, 0};  // QR RD RA AD, NOERROR
  for (uint8_t c : std::string("\x04Shop\x04test")) m.push_back(c);
  m.insert(m.end(), {0, 0, 16, 0, 1});
  m.insert(m.end(), {0xc0, 12, 0, 16, 0, 1, 0, 0, 0x01, 0x2c, 0, 8, 3, 'a', 'b', 'c', 3, 'd', 'e', 'f'});
  return m;
}
}  // namespace

TEST_CASE("query wire format (RFC 1035 + EDNS DO)") {
  auto q = FormatQuery("Shop.test", kTypeTxt, 0x0102);
  REQUIRE(q.ok());
  Bytes want = {1,   2,   1,   0x20, 0, 1,  0, 0, 0, 0, 0,  1, 4,    's', 'h', 'o',  'p', 4, 't',
                'e', 's', 't', 0,    0, 16, 0, 1, 0, 0, 41, 4, 0xd0, 0,   0,   0x80, 0,   0, 0};
  CHECK(*q == want);
  CHECK(FormatQuery("a..b", kTypeTxt, 0).code() == ErrorCode::kDnsBadName);
  CHECK(FormatQuery("a.b.", kTypeTxt, 0).code() == ErrorCode::kDnsBadName);
  CHECK(FormatQuery("a b", kTypeTxt, 0).code() == ErrorCode::kDnsBadName);
  CHECK(FormatQuery(std::string(64, 'x'), kTypeTxt, 0).code() == ErrorCode::kDnsBadName);
  auto parsed = ParseMessage(*q);
  REQUIRE(parsed.ok());
  CHECK(parsed->qname == "shop.test");
  CHECK(parsed->additional.size() == 1);
  CHECK(parsed->additional[0].type == kTypeOpt);
}

TEST_CASE("response parsing with compression, flags and TXT strings") {
  auto m = ParseMessage(Response());
  REQUIRE(m.ok());
  CHECK(m->id == 0x1234);
  CHECK(m->qr);
  CHECK(m->ad);
  CHECK(m->rcode == 0);
  CHECK(m->qname == "shop.test");
  REQUIRE(m->answers.size() == 1);
  CHECK(m->answers[0].name == "shop.test");
  CHECK(m->answers[0].ttl == 300);
  CHECK(*ParseTxtRdata(m->answers[0].rdata) == "abcdef");
}

TEST_CASE("malformed messages are rejected, never read out of bounds") {
  Bytes good = Response();
  // Every truncation fails.
  for (size_t n = 0; n < good.size(); ++n) {
    CAPTURE(n);
    CHECK(ParseMessage(ByteView(good).first(n)).code() == ErrorCode::kDnsMalformed);
  }
  Bytes extra = good;
  extra.push_back(0);
  CHECK(ParseMessage(extra).code() == ErrorCode::kDnsMalformed);
  Bytes loop = good;
  loop[28] = 27;  // the answer's name pointer (offset 27) pointing at itself
  CHECK(ParseMessage(loop).code() == ErrorCode::kDnsMalformed);
  Bytes label = good;
  label[12] = 0x40;  // reserved label type
  CHECK(ParseMessage(label).code() == ErrorCode::kDnsMalformed);
  CHECK(ParseTxtRdata(Bytes{5, 'a'}).code() == ErrorCode::kDnsMalformed);
  CHECK(ParseTxtRdata(Bytes{}).code() == ErrorCode::kDnsMalformed);
  CHECK(*ParseTxtRdata(Bytes{0}) == "");
}

TEST_CASE("resolver configuration") {
  CHECK(RootTrustAnchors().size() == 2);
  ResolverConfig bad;
  bad.transport = ResolverConfig::Transport::kDoh;
  bad.doh_url = "http://127.0.0.1/dns-query";
  CHECK(MakeResolver(bad).code() == ErrorCode::kDnsConfig);
  // (libunbound checks trust anchors lazily, at the first lookup; the test bed covers bad anchors.)
  ResolverConfig ok;  // creating a resolver sends nothing
  CHECK(MakeResolver(ok).ok());
}
