#include "transparency/chain.h"

#include <doctest/doctest.h>

#include "crypto/hash.h"
#include "test_util.h"

using namespace verity;
using namespace verity::transparency;
using namespace verity::transparency::testing;

TEST_CASE("ChainNode wire format: worked example, round trip, exact length") {
  Hash32 rh = ComputeResourceHash(AsBytes("manifest"));
  Hash32 ah = ComputeAssetHostsHash({"https://cdn.example/"});
  ChainNode first = FirstChainNode(0x6553f100, rh, ah);
  Bytes b = FormatChainNode(first);
  REQUIRE(b.size() == kChainNodeSize);
  CHECK(FormatHex(ByteView(b).first(16)) ==
        "00000000000000000000000065"
        "53f100");
  CHECK(ByteView(b).subspan(16, 32)[0] == rh[0]);
  for (size_t i = 80; i < 112; ++i) CHECK(b[i] == 0);
  auto back = ParseChainNode(b);
  REQUIRE(back.ok());
  CHECK(*back == first);
  // Each field lands at its offset: a one-byte change of the wire form changes exactly that field.
  for (size_t i = 0; i < b.size(); ++i) {
    Bytes m = b;
    m[i] ^= 0x01;
    auto p = ParseChainNode(m);
    REQUIRE(p.ok());
    CHECK(!(*p == first));
    CHECK(ComputeChainHash(*p) != ComputeChainHash(first));
  }
  CHECK(ParseChainNode(ByteView(b).first(111)).code() == ErrorCode::kTransparencyBadChainNode);
  Bytes longer = b;
  longer.push_back(0);
  CHECK(ParseChainNode(longer).code() == ErrorCode::kTransparencyBadChainNode);
  CHECK(ParseChainNode({}).code() == ErrorCode::kTransparencyBadChainNode);
}

TEST_CASE("chain hashes, resource hashes, tombstones") {
  crypto::Sha256Hasher h;
  CHECK(ComputeResourceHash(AsBytes("abc")) == h.Update("waict-rh").Update("abc").Final());
  // waict-apis.md @ f6c398d: sorted by url, canonical TLS serialisation (uint16 array length, then
  // uint16 length || url each). Worked example of docs/formats.md §12.
  CHECK(FormatHex(ComputeAssetHostsHash({"https://cdn.example/", "https://a.example/"})) ==
        "cc32276eb2084494a751ed98620b38216eb9c03ec608d6882184d8a6e1fcb018");
  CHECK(ComputeAssetHostsHash({"https://cdn.example/", "https://a.example/"}) ==
        ComputeAssetHostsHash({"https://a.example/", "https://cdn.example/"}));  // order-free
  const std::string ser = std::string("\x00\x06\x00\x01", 4) + "a" + std::string("\x00\x01", 2) + "b";
  CHECK(ComputeAssetHostsHash({"b", "a"}) == h.Update("waict-ah").Update(ser).Final());
  // Mutated twins: the text the spec deleted, and a serialisation without the length prefixes.
  CHECK(ComputeAssetHostsHash({"a", "b"}) != h.Update("waict-ah").Update("YQ==,Yg==").Final());
  CHECK(ComputeAssetHostsHash({"a", "b"}) != h.Update("waict-ah").Update("ab").Final());
  CHECK(ComputeAssetHostsHash({"a", "b"}) != ComputeAssetHostsHash({"a", "c"}));
  CHECK(ComputeAssetHostsHash({"a"}) != ComputeAssetHostsHash({"a", "a"}));
  CHECK(FormatHex(ComputeAssetHostsHash({})) ==
        "7db59fa6c8bd94fd2468815c2c2842fee33d00fe7718ee010d31f36e792ab632");
  CHECK(CheckAssetHosts({"https://a.example/"}).ok());
  CHECK(CheckAssetHosts({}).ok());
  CHECK(CheckAssetHosts({""}).code() == ErrorCode::kTransparencyBadAssetHost);
  CHECK(CheckAssetHosts({std::string(511, 'a')}).ok());
  CHECK(CheckAssetHosts({std::string(512, 'a')}).code() == ErrorCode::kTransparencyBadAssetHost);
  CHECK(CheckAssetHosts(std::vector<std::string>(15, std::string(511, 'a'))).ok());  // 7695 bytes
  CHECK(CheckAssetHosts(std::vector<std::string>(16, std::string(511, 'a'))).code() ==
        ErrorCode::kTransparencyBadAssetHost);  // 8208 > 8191

  ChainNode n0 = FirstChainNode(100, ComputeResourceHash(AsBytes("m0")), {});
  Bytes wire = FormatChainNode(n0);
  CHECK(ComputeChainHash(n0) == h.Update("waict-ch").Update(wire).Final());
  ChainNode n1 = NextChainNode(n0, 200, ComputeResourceHash(AsBytes("m1")), {});
  CHECK(n1.entry.position_in_chain == 1);
  CHECK(n1.chain_hash == ComputeChainHash(n0));
  CHECK(VerifyChainLink(n0, n1).ok());
  ChainNode bad = n1;
  bad.chain_hash[0] ^= 1;
  CHECK(VerifyChainLink(n0, bad).code() == ErrorCode::kTransparencyBadChainNode);
  bad = n1;
  bad.entry.position_in_chain = 2;
  CHECK(VerifyChainLink(n0, bad).code() == ErrorCode::kTransparencyBadChainNode);
  bad = n1;
  bad.entry.time_created = 99;
  CHECK(VerifyChainLink(n0, bad).code() == ErrorCode::kTransparencyBadChainNode);
  CHECK(!IsTombstone(n1.entry));
  ChainNode t = NextChainNode(n1, 300, Hash32{}, {});
  CHECK(IsTombstone(t.entry));
  t.entry.resource_hash[31] = 1;
  CHECK(!IsTombstone(t.entry));
  CHECK(ComputeMptValue(n1) == ComputeChainHash(n1));
}
