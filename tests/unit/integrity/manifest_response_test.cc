// integrity/manifest_response.h: manifest-JSON LF base64(proof) LF.
#include "integrity/manifest_response.h"

#include <doctest/doctest.h>

#include "core/encoding.h"

using namespace verity;
using namespace verity::integrity;

namespace {
const std::string kJson = R"({"hashes":{"/a.js":"r4j9yW07mpTFSQ6ZRYOV0Au8Hfn2NqjqQMBqKL_SWCY"}})";
const std::string kPretty = "{\n  \"hashes\": {\n    \"/a.js\": \"x\"\n  }\n}";
Bytes ProofBytes() {
  Bytes b;
  for (int i = 0; i < 145; ++i) b.push_back(static_cast<uint8_t>(i * 7 + 3));  // 145: needs padding
  return b;
}
}  // namespace

TEST_CASE("draft form: manifest LF proof LF") {
  Bytes proof = ProofBytes();
  for (const std::string& enc : {FormatBase64Url(proof), FormatBase64(proof)}) {
    auto r = SplitManifestResponse(kJson + "\n" + enc + "\n");
    REQUIRE(r.ok());
    CHECK(r->manifest == kJson);
    CHECK(r->has_proof);
    CHECK(r->proof == proof);
  }
  // The manifest may span lines; the split is at the second-to-last LF.
  auto r = SplitManifestResponse(kPretty + "\n" + FormatBase64Url(proof) + "\n");
  REQUIRE(r.ok());
  CHECK(r->manifest == kPretty);
  CHECK(r->proof == proof);
}

TEST_CASE("tolerated forms") {
  Bytes proof = ProofBytes();
  auto empty_proof = SplitManifestResponse(kJson + "\n\n");
  REQUIRE(empty_proof.ok());
  CHECK(empty_proof->manifest == kJson);
  CHECK_FALSE(empty_proof->has_proof);

  auto no_final_lf = SplitManifestResponse(kJson + "\n" + FormatBase64Url(proof));
  REQUIRE(no_final_lf.ok());
  CHECK(no_final_lf->manifest == kJson);
  CHECK(no_final_lf->proof == proof);

  for (const std::string& body : {kJson, kJson + "\n"}) {
    auto plain = SplitManifestResponse(body);
    REQUIRE(plain.ok());
    CHECK(plain->manifest == kJson);
    CHECK_FALSE(plain->has_proof);
  }
  for (const std::string& body : {kPretty, kPretty + "\n"}) {
    auto pretty = SplitManifestResponse(body);
    REQUIRE(pretty.ok());
    CHECK(pretty->manifest == kPretty);
    CHECK_FALSE(pretty->has_proof);
  }
  auto empty = SplitManifestResponse("");
  REQUIRE(empty.ok());
  CHECK(empty->manifest.empty());
}

TEST_CASE("manifest bytes are returned exactly (no re-serialisation, no trimming inside)") {
  std::string spaced = "{ \"hashes\" : {} }  ";
  auto r = SplitManifestResponse(spaced + "\n" + FormatBase64Url(ProofBytes()) + "\n");
  REQUIRE(r.ok());
  CHECK(r->manifest == spaced);
}

TEST_CASE("rejected bodies") {
  Bytes proof = ProofBytes();
  // CRLF: the CR stays in the proof line, which is then not base64.
  auto crlf = SplitManifestResponse(kJson + "\r\n" + FormatBase64Url(proof) + "\r\n");
  CHECK(crlf.code() == ErrorCode::kManifestBadProofEncoding);
  CHECK(SplitManifestResponse(kJson + "\n" + "not base64!\n").code() == ErrorCode::kManifestBadProofEncoding);
  CHECK(SplitManifestResponse(kJson + "\n" + "   \n").code() == ErrorCode::kManifestBadProofEncoding);
  std::string mixed = FormatBase64Url(proof);
  mixed[0] = '-';
  mixed[1] = '/';
  CHECK(SplitManifestResponse(kJson + "\n" + mixed + "\n").code() == ErrorCode::kManifestBadProofEncoding);
  std::string huge(kMaxManifestResponseBytes + 1, ' ');
  CHECK(SplitManifestResponse(huge).code() == ErrorCode::kManifestTooLarge);
}
