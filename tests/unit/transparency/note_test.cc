#include "transparency/note.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "test_util.h"

using namespace verity;
using namespace verity::transparency;
using namespace verity::transparency::testing;

namespace {

json::Value LoadJson(const std::string& rel) {
  auto v = json::Parse(ReadFile(VectorPath(rel)));
  REQUIRE(v.ok());
  return std::move(*v);
}

std::string NoteText(const json::Value& c) {
  if (auto hex = c.GetString("note_hex")) {
    auto b = ParseHex(*hex);
    REQUIRE(b.ok());
    return ToString(*b);
  }
  return std::string(*c.GetString("note"));
}

std::vector<VerifierKey> Keys(const json::Value& c) {
  std::vector<VerifierKey> keys;
  for (const auto& v : c.Find("verifier_vkeys")->items()) {
    auto k = ParseVerifierKey(v.AsString());
    REQUIRE_MESSAGE(k.ok(), v.AsString());
    keys.push_back(*k);
  }
  return keys;
}

std::vector<std::string> Names(const std::vector<VerifiedSignature>& v,
                               const std::vector<VerifierKey>& keys) {
  std::vector<std::string> out;
  for (const auto& s : v) out.push_back(keys[s.key_index].name);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> ExpectedNames(const json::Value& c) {
  std::vector<std::string> out;
  if (const auto* v = c.Find("verified_signers")) {
    for (const auto& s : v->items()) out.push_back(s.AsString());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("vkeys (c2sp-signed-note/signed_note_vectors.json)") {
  auto d = LoadJson("c2sp-signed-note/signed_note_vectors.json");
  size_t n = 0;
  for (const auto& v : d.Find("vkeys")->items()) {
    std::string vkey(*v.GetString("vkey"));
    CAPTURE(vkey);
    auto k = ParseVerifierKey(vkey);
    if (v.GetString("expect")->rfind("valid", 0) == 0) {
      REQUIRE(k.ok());
      CHECK(FormatVerifierKey(*k) == vkey);
      // Twin: a changed key ID is rejected.
      std::string bad = vkey;
      size_t p = bad.find('+') + 1;
      bad[p] = bad[p] == '0' ? '1' : '0';
      CHECK(ParseVerifierKey(bad).code() == ErrorCode::kTransparencyBadVerifierKey);
    } else {
      CHECK_FALSE(k.ok());
    }
    ++n;
  }
  CHECK(n == 16);
}

TEST_CASE("signed notes (c2sp-signed-note/signed_note_vectors.json)") {
  auto d = LoadJson("c2sp-signed-note/signed_note_vectors.json");
  size_t n = 0;
  for (const auto& c : d.Find("notes")->items()) {
    std::string id(*c.GetString("id"));
    CAPTURE(id);
    std::string text = NoteText(c);
    std::string expect(*c.GetString("expect"));
    auto keys = Keys(c);
    auto note = ParseNote(text);
    if (expect == "accept") {
      REQUIRE(note.ok());
      CHECK(FormatNote(*note) == text);
      auto v = VerifyNote(*note, keys);
      REQUIRE(v.ok());
      CHECK(Names(*v, keys) == ExpectedNames(c));
      // Twin: one changed byte of the text breaks every configured signature.
      Note t = *note;
      t.text[0] ^= 0x01;
      CHECK(VerifyNote(t, keys).code() == ErrorCode::kTransparencyBadSignature);
    } else if (id == "sumdb-wrong-origin-expected") {
      // The signature is valid; the origin check belongs to the caller (the tree-note parser).
      REQUIRE(note.ok());
      CHECK(VerifyNote(*note, keys).ok());
      CHECK(note->text.substr(0, note->text.find('\n')) != "Go rocks but I might have the wrong ID");
    } else if (expect.rfind("reject (malformed", 0) == 0 || expect.rfind("reject (Go limit", 0) == 0) {
      CHECK(note.code() == ErrorCode::kTransparencyMalformedNote);
    } else if (id == "go-duplicated-verifier") {
      REQUIRE(note.ok());
      CHECK(VerifyNote(*note, keys).code() == ErrorCode::kTransparencyAmbiguousKey);
    } else if (id == "go-no-known-keys") {
      REQUIRE(note.ok());
      CHECK(VerifyNote(*note, keys).code() == ErrorCode::kTransparencyNoVerifiedSignature);
    } else if (id == "go-invalid-signature") {
      REQUIRE(note.ok());
      CHECK(VerifyNote(*note, keys).code() == ErrorCode::kTransparencyBadSignature);
    } else {
      FAIL("unhandled vector " << id);
    }
    ++n;
  }
  CHECK(n == 21);
  for (const auto& c : d.Find("format_only_examples")->items()) {
    CAPTURE(*c.GetString("id"));
    if (!c.Find("note")) continue;  // layout-only example without text
    auto note = ParseNote(NoteText(c));
    REQUIRE(note.ok());
    CHECK(!note->signatures.empty());
  }
}

TEST_CASE("cosignature/v1 vectors (c2sp-signed-note/cosignature_v1_vectors.json)") {
  auto d = LoadJson("c2sp-signed-note/cosignature_v1_vectors.json");
  size_t n = 0;
  for (const auto& c : d.Find("cases")->items()) {
    std::string id(*c.GetString("id"));
    CAPTURE(id);
    std::string expect(*c.GetString("expect"));
    auto keys = Keys(c);
    auto note = ParseNote(NoteText(c));
    REQUIRE(note.ok());
    auto v = VerifyNote(*note, keys);
    if (expect.rfind("accept", 0) == 0) {
      REQUIRE(v.ok());
      CHECK(Names(*v, keys) == ExpectedNames(c));
      if (const auto* msgs = c.Find("cosigned_messages")) {
        for (const auto& [name, msg] : msgs->members()) {
          for (const auto& s : *v) {
            const auto& k = keys[s.key_index];
            if (k.name == name) CHECK(FormatSignedMessage(k.type, s.timestamp, note->text) == msg.AsString());
          }
        }
      }
    } else {
      CHECK_FALSE(v.ok());
    }
    ++n;
  }
  CHECK(n == 10);
  // The witness seed from the vectors reproduces the published cosignature byte for byte.
  auto k = d.Find("keys")->Find("Wit1");
  auto skey = ParseSignerKey(*k->GetString("signer_skey_sumdb_format"));
  REQUIRE(skey.ok());
  SignerKey cos = MakeSignerKey(skey->name, kSigTypeCosignatureV1, skey->seed);
  CHECK(FormatVerifierKey(VerifierFor(cos)) == *k->GetString("vkey_type04_derived"));
  CHECK(FormatVerifierKey(VerifierFor(*skey)) == *k->GetString("vkey_type01_as_published"));
  // A type-0x01 vkey re-derived as a cosignature/v1 key gives the published type-0x04 vkey.
  auto published = ParseVerifierKey(*k->GetString("vkey_type01_as_published"));
  REQUIRE(published.ok());
  CHECK(FormatVerifierKey(WithKeyType(*published, kSigTypeCosignatureV1)) ==
        *k->GetString("vkey_type04_derived"));
  std::string text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
  auto signed_note = SignNote(text, cos, 1679315147);
  REQUIRE(signed_note.ok());
  CHECK(signed_note->find("mz+y1QAAAABkGFDLM1oW1Cge43o711GHdmI8QPG1MhuOkQO1kJrg6IUc0qRplRuA9XSmt/"
                          "d3Y7NujslnO7vHC5/XpLwYsn8xvJ8eAQ==") != std::string::npos);
}

TEST_CASE("WAICT cosignature form: message, key ID, and cross-form rejection") {
  SignerKey w = MakeSignerKey("w.example", kSigTypeWaictCosignature, SeedFrom(9));
  std::string text = "ts.example/prefix-tree\n3\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n";
  CHECK(FormatSignedMessage(kSigTypeWaictCosignature, 17, text) == "waict-cosignature/v1\ntime 17\n" + text);
  CHECK(w.key_id == ComputeKeyId("w.example", 0x06, w.pair.public_key));
  auto n = SignNote(text, w, 1700000000);
  REQUIRE(n.ok());
  auto note = ParseNote(*n);
  REQUIRE(note.ok());
  std::vector<VerifierKey> keys = {VerifierFor(w)};
  auto v = VerifyNote(*note, keys);
  REQUIRE(v.ok());
  CHECK((*v)[0].timestamp == 1700000000);
  // Same key configured as cosignature/v1: different key ID -> unknown -> no verified signature.
  std::vector<VerifierKey> as_c2sp = {MakeVerifierKey("w.example", kSigTypeCosignatureV1, w.pair.public_key)};
  CHECK(VerifyNote(*note, as_c2sp).code() == ErrorCode::kTransparencyNoVerifiedSignature);
  // A cosignature/v1 signature relabelled with the WAICT key ID fails (different header line).
  SignerKey c = MakeSignerKey("w.example", kSigTypeCosignatureV1, SeedFrom(9));
  NoteSignature s = SignNoteText(c, text, 1700000000);
  s.key_id = w.key_id;
  Note forged{text, {s}};
  CHECK(VerifyNote(forged, keys).code() == ErrorCode::kTransparencyBadCosignature);
  // Every byte of the signature line payload matters.
  for (size_t i = 0; i < note->signatures[0].signature.size(); ++i) {
    Note m = *note;
    m.signatures[0].signature[i] ^= 0x01;
    CHECK(VerifyNote(m, keys).code() == ErrorCode::kTransparencyBadCosignature);
  }
  Note shortsig = *note;
  shortsig.signatures[0].signature.pop_back();
  CHECK(VerifyNote(shortsig, keys).code() == ErrorCode::kTransparencyBadCosignature);
}

TEST_CASE("note syntax edge cases") {
  SignerKey k = MakeSignerKey("k.example", kSigTypeEd25519, SeedFrom(5));
  auto good = SignNote("hello\n", k);
  REQUIRE(good.ok());
  CHECK(ParseNote(*good).ok());
  CHECK(ParseNote(*good + "\n").code() == ErrorCode::kTransparencyMalformedNote);  // blank after sigs
  CHECK(ParseNote(good->substr(0, good->size() - 1)).code() == ErrorCode::kTransparencyMalformedNote);
  std::string cr = *good;
  cr[2] = '\r';
  CHECK(ParseNote(cr).code() == ErrorCode::kTransparencyMalformedNote);
  std::string dash = *good;
  dash.replace(dash.find("\xE2\x80\x94"), 3, "--");  // not an em dash
  CHECK(ParseNote(dash).code() == ErrorCode::kTransparencyMalformedNote);
  CHECK(!SignNote("no newline", k).ok());
  CHECK(!SignNote("bad\x01\n", k).ok());
  CHECK(!SignNote("", k).ok());
  CHECK(!IsValidKeyName("a+b"));
  CHECK(!IsValidKeyName("a b"));
  CHECK(
      !IsValidKeyName("a\xC2\xA0"
                      "b"));  // U+00A0
  CHECK(!IsValidKeyName(""));
  CHECK(IsValidKeyName("example.com/\xC3\xA9"));
  CHECK(!IsValidUtf8("\xC0\x80"));          // overlong
  CHECK(!IsValidUtf8("\xED\xA0\x80"));      // surrogate
  CHECK(!IsValidUtf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  CHECK(IsValidUtf8("\xF0\x9F\x98\x80"));
  // Signer key round trip and a bad key ID.
  std::string sk = FormatSignerKey(k);
  auto back = ParseSignerKey(sk);
  REQUIRE(back.ok());
  CHECK(back->pair.public_key == k.pair.public_key);
  std::string badsk = sk;
  badsk[std::string("PRIVATE+KEY+k.example+").size()] ^= 1;
  CHECK(ParseSignerKey(badsk).code() == ErrorCode::kTransparencyBadSignerKey);
  CHECK(ParseVerifierKey("k.example+00000000+").code() == ErrorCode::kTransparencyBadVerifierKey);
}
