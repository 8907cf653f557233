// C2SP signed notes (c2sp.org/signed-note), verifier keys (vkeys), Ed25519 note signatures, and
// timestamped Ed25519 cosignatures (c2sp.org/tlog-cosignature "cosignature/v1", and WAICT's
// "waict-cosignature/v1" from waict-apis.md "Upload cosignature"; design §4.2).
//
// Note: UTF-8 text (no control characters but '\n') ending in '\n', a blank line, then one or more
// signature lines "— <name> <base64(key ID[4] || signature)>\n" (— is U+2014):
//
//   example.com/log/prefix-tree\n
//   42\n
//   CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n
//   \n
//   — example.com/log Az3grlgt...Q8=\n                       type 0x01: key ID || Ed25519 sig(text)
//   — witness.example/w1 jWbPPwAAAABkGFDL...nA==\n          type 0x04: key ID || u64 time || sig
//
// vkey: "<name>+<key ID, 8 hex>+<base64(type || 32-byte Ed25519 public key)>", key ID =
// SHA-256(name || "\n" || type || public key)[:4] (big-endian uint32), e.g.
// "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k".
// Signer key (golang.org/x/mod/sumdb/note form): "PRIVATE+KEY+<name>+<key ID>+<base64(type || seed)>".
//
// Signed messages by key type:
//   0x01 (Ed25519 note signature): the note text.
//   0x04 (cosignature/v1):        "cosignature/v1\ntime <t>\n" || text      signature = u64 t || sig[64]
//   kSigTypeWaictCosignature:     "waict-cosignature/v1\ntime <t>\n" || text  signature = u64 t || sig[64]
// The configured key's type decides the form (design §4.2 Decision). t must be < 2^63.
//
// Verification (signed-note "Signatures"): lines whose (name, key ID) match no configured key are
// ignored; a line of a configured key that fails to verify rejects the whole note.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "crypto/ed25519.h"

namespace verity::transparency {

inline constexpr uint8_t kSigTypeEd25519 = 0x01;
inline constexpr uint8_t kSigTypeCosignatureV1 = 0x04;
// WAICT draft codepoint (waict-apis.md: "TODO: request this codepoint from C2SP"); it clashes with
// C2SP's ML-DSA-44 cosignature type, so it is a named constant here (design §4.2 Decision).
inline constexpr uint8_t kSigTypeWaictCosignature = 0x06;
// Signature lines accepted per note (signed-note requires >= 16; golang.org/x/mod uses 100).
inline constexpr size_t kMaxNoteSignatures = 100;

struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  Bytes signature;  // the bytes after the key ID
};

struct Note {
  std::string text;  // includes the final '\n', not the blank separator line
  std::vector<NoteSignature> signatures;
};

// What a key's signatures sign (the message) and carry (a timestamp or not). kByType: read from the
// type byte as C2SP and the WAICT draft assign it today (0x01 note, 0x04 cosignature/v1,
// kSigTypeWaictCosignature waict-cosignature/v1). A WAICT witness configured with another
// cosignature type byte (config `cosignature_type`: C2SP now gives 0x06 to ML-DSA-44) keeps its
// type byte for the key ID and has its scheme set to kWaictCosignature.
enum class KeyScheme : uint8_t { kByType, kNote, kCosignatureV1, kWaictCosignature };

struct VerifierKey {
  std::string name;
  uint32_t key_id = 0;
  uint8_t type = kSigTypeEd25519;
  crypto::Ed25519PublicKey public_key{};
  KeyScheme scheme = KeyScheme::kByType;
};

struct SignerKey {
  std::string name;
  uint32_t key_id = 0;
  uint8_t type = kSigTypeEd25519;
  crypto::Ed25519Seed seed{};
  crypto::Ed25519KeyPair pair;
  KeyScheme scheme = KeyScheme::kByType;
};

KeyScheme SchemeOf(uint8_t type, KeyScheme scheme);  // scheme, or the one the type byte names
inline KeyScheme SchemeOf(const VerifierKey& k) { return SchemeOf(k.type, k.scheme); }
inline KeyScheme SchemeOf(const SignerKey& k) { return SchemeOf(k.type, k.scheme); }
inline bool IsCosignatureScheme(KeyScheme s) {
  return s == KeyScheme::kCosignatureV1 || s == KeyScheme::kWaictCosignature;
}

struct VerifiedSignature {
  size_t key_index = 0;    // index into the configured keys
  uint64_t timestamp = 0;  // cosignature time (newest if several lines); 0 for type 0x01
};

// Key names: non-empty, no Unicode spaces, no '+', no control characters.
bool IsValidKeyName(std::string_view name);
// Strict UTF-8 (no overlongs, surrogates, or code points above U+10FFFF).
bool IsValidUtf8(std::string_view s);

uint32_t ComputeKeyId(std::string_view name, uint8_t type, ByteView public_key);
bool IsSupportedKeyType(uint8_t type);  // 0x01, 0x04, kSigTypeWaictCosignature

// transparency.malformed_note on any syntax error.
Result<Note> ParseNote(std::string_view note);
std::string FormatNote(const Note& note);
std::string FormatSignatureLine(const NoteSignature& sig);

// transparency.bad_verifier_key if malformed or the key ID does not match; transparency.unknown_key_type
// for a well-formed key of another type (callers may skip those).
Result<VerifierKey> ParseVerifierKey(std::string_view vkey);
std::string FormatVerifierKey(const VerifierKey& key);
VerifierKey MakeVerifierKey(std::string_view name, uint8_t type, const crypto::Ed25519PublicKey& public_key);

// The same Ed25519 public key as a verifier of `type` (key ID re-derived for that type). Lets a
// witness configured with a type-0x01 vkey plus a form ("c2sp" -> 0x04, "waict" ->
// kSigTypeWaictCosignature) be used as a cosignature key, as transparency-dev/formats does.
VerifierKey WithKeyType(const VerifierKey& key, uint8_t type);
// The same Ed25519 public key as a WAICT cosigner whose cosignature type byte is `type` (key ID
// re-derived over that byte; messages are waict-cosignature/v1).
VerifierKey AsWaictCosigner(const VerifierKey& key, uint8_t type);

Result<SignerKey> ParseSignerKey(std::string_view skey);  // transparency.bad_signer_key
std::string FormatSignerKey(const SignerKey& key);
SignerKey MakeSignerKey(std::string_view name, uint8_t type, const crypto::Ed25519Seed& seed);
SignerKey GenerateSignerKey(std::string_view name, uint8_t type);
VerifierKey VerifierFor(const SignerKey& key);

// The exact message a key of `type` signs over note text `text` (time ignored for type 0x01).
std::string FormatSignedMessage(uint8_t type, uint64_t time, std::string_view text);
std::string FormatSignedMessage(KeyScheme scheme, uint64_t time, std::string_view text);
// A signature line's payload over `text` (time used only by cosignature types).
NoteSignature SignNoteText(const SignerKey& key, std::string_view text, uint64_t time = 0);

// Operator side (CLI): a new note with `text` (non-empty, valid UTF-8, no control characters but '\n',
// ending in '\n') signed by `key`; transparency.malformed_note if the text cannot form a note.
Result<std::string> SignNote(std::string_view text, const SignerKey& key, uint64_t time = 0);
// Appends `key`'s signature (a cosignature at `time` for cosignature types) to an existing note.
Result<std::string> AddNoteSignature(std::string_view note, const SignerKey& key, uint64_t time = 0);

// Verifies every line of a configured key (see above). One result per distinct verified key, in key
// order. Duplicate configured keys -> transparency.ambiguous_key; failing line -> transparency.bad_signature
// (type 0x01) or transparency.bad_cosignature (cosignature types). May return an empty list.
Result<std::vector<VerifiedSignature>> VerifyNoteSignatures(const Note& note,
                                                            std::span<const VerifierKey> keys);
// As above, but at least one configured key must have signed (transparency.no_verified_signature).
Result<std::vector<VerifiedSignature>> VerifyNote(const Note& note, std::span<const VerifierKey> keys);

}  // namespace verity::transparency
