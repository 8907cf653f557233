#include "transparency/note.h"

#include <cstring>

#include "core/encoding.h"
#include "crypto/hash.h"

namespace verity::transparency {
namespace {

constexpr std::string_view kSigPrefix = "\xE2\x80\x94 ";  // U+2014 EM DASH, space
constexpr std::string_view kSignerPrefix = "PRIVATE+KEY+";
constexpr uint64_t kMaxCosignatureTime = (uint64_t{1} << 63) - 1;

Error Malformed(std::string detail) {
  return MakeError(ErrorCode::kTransparencyMalformedNote, std::move(detail));
}

// Decodes one UTF-8 code point at s[i]; returns its length or 0 if invalid.
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  auto b = [&](size_t k) { return static_cast<uint8_t>(s[i + k]); };
  uint8_t c = b(0);
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t n;
  uint32_t v, min;
  if ((c & 0xE0) == 0xC0) {
    n = 2, v = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, v = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, v = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b(k) & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return n;
}

bool IsUnicodeSpace(uint32_t cp) {
  return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

std::string Hex8(uint32_t v) {
  uint8_t b[4] = {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 8),
                  static_cast<uint8_t>(v)};
  return FormatHex(ByteView(b, 4));
}

Result<uint32_t> ParseHex8(std::string_view s) {
  if (s.size() != 8) return MakeError(ErrorCode::kBadHex, "key ID must be 8 hex digits");
  auto b = ParseHex(s);
  if (!b) return b.error();
  return static_cast<uint32_t>(ReadUintBE(*b));
}

bool IsCosignatureType(uint8_t type) {
  return type == kSigTypeCosignatureV1 || type == kSigTypeWaictCosignature;
}

// "<name>+<hex8>+<base64(type || key material)>" -> parts; the name is cut at the first '+'.
struct KeyParts {
  std::string name;
  uint32_t key_id;
  uint8_t type;
  Bytes material;
};

Result<KeyParts> SplitKey(std::string_view s, ErrorCode code) {
  size_t p1 = s.find('+');
  if (p1 == std::string_view::npos) return MakeError(code, "missing '+'");
  size_t p2 = s.find('+', p1 + 1);
  if (p2 == std::string_view::npos) return MakeError(code, "missing second '+'");
  std::string_view name = s.substr(0, p1);
  if (!IsValidKeyName(name)) return MakeError(code, "invalid key name");
  auto id = ParseHex8(s.substr(p1 + 1, p2 - p1 - 1));
  if (!id) return MakeError(code, "invalid key ID");
  auto raw = ParseBase64(s.substr(p2 + 1));
  if (!raw) return MakeError(code, "invalid base64 key");
  if (raw->empty()) return MakeError(code, "empty key");
  KeyParts k{std::string(name), *id, (*raw)[0], Bytes(raw->begin() + 1, raw->end())};
  if (ComputeKeyId(k.name, k.type, k.material) != k.key_id)
    return MakeError(code, "key ID does not match the key");
  if (!IsSupportedKeyType(k.type)) {
    return MakeError(ErrorCode::kTransparencyUnknownKeyType,
                     "unsupported key type " + std::to_string(k.type));
  }
  if (k.material.size() != 32) return MakeError(code, "Ed25519 key must be 32 bytes");
  return k;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    uint32_t cp;
    size_t n = DecodeUtf8(s, i, &cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

bool IsValidKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size();) {
    uint32_t cp;
    size_t n = DecodeUtf8(name, i, &cp);
    if (n == 0 || cp < 0x20 || cp == 0x7F || cp == '+' || IsUnicodeSpace(cp)) return false;
    i += n;
  }
  return true;
}

uint32_t ComputeKeyId(std::string_view name, uint8_t type, ByteView public_key) {
  crypto::Sha256Hasher h;
  Hash32 d = h.Update(name).Update("\n").Update(ByteView(&type, 1)).Update(public_key).Final();
  return static_cast<uint32_t>(ReadUintBE(ByteView(d).first(4)));
}

bool IsSupportedKeyType(uint8_t type) { return type == kSigTypeEd25519 || IsCosignatureType(type); }

Result<Note> ParseNote(std::string_view s) {
  if (!IsValidUtf8(s)) return Malformed("note is not valid UTF-8");
  for (char c : s) {
    if (static_cast<uint8_t>(c) < 0x20 && c != '\n') return Malformed("control character in note");
  }
  if (s.empty() || s.back() != '\n') return Malformed("note does not end in a newline");
  size_t split = s.rfind("\n\n");
  if (split == std::string_view::npos) return Malformed("no blank line before the signatures");
  Note note;
  note.text = std::string(s.substr(0, split + 1));
  std::string_view sigs = s.substr(split + 2);
  if (sigs.empty()) return Malformed("no signature lines");
  while (!sigs.empty()) {
    size_t nl = sigs.find('\n');  // present: the note ends in '\n'
    std::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    if (note.signatures.size() == kMaxNoteSignatures) return Malformed("too many signature lines");
    if (line.substr(0, kSigPrefix.size()) != kSigPrefix)
      return Malformed("signature line without em dash prefix");
    line.remove_prefix(kSigPrefix.size());
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos) return Malformed("signature line without key name");
    std::string_view name = line.substr(0, sp);
    if (!IsValidKeyName(name)) return Malformed("invalid key name in signature line");
    auto raw = ParseBase64(line.substr(sp + 1));
    if (!raw) return Malformed("signature is not valid base64");
    if (raw->size() < 5) return Malformed("signature shorter than 5 bytes");
    NoteSignature sig;
    sig.name = std::string(name);
    sig.key_id = static_cast<uint32_t>(ReadUintBE(ByteView(*raw).first(4)));
    sig.signature.assign(raw->begin() + 4, raw->end());
    note.signatures.push_back(std::move(sig));
  }
  return note;
}

std::string FormatSignatureLine(const NoteSignature& sig) {
  Bytes raw;
  raw.reserve(4 + sig.signature.size());
  for (int i = 3; i >= 0; --i) raw.push_back(static_cast<uint8_t>(sig.key_id >> (8 * i)));
  raw.insert(raw.end(), sig.signature.begin(), sig.signature.end());
  return std::string(kSigPrefix) + sig.name + " " + FormatBase64(raw) + "\n";
}

std::string FormatNote(const Note& note) {
  std::string out = note.text + "\n";
  for (const auto& s : note.signatures) out += FormatSignatureLine(s);
  return out;
}

Result<VerifierKey> ParseVerifierKey(std::string_view vkey) {
  auto parts = SplitKey(vkey, ErrorCode::kTransparencyBadVerifierKey);
  if (!parts) return parts.error();
  VerifierKey k;
  k.name = std::move(parts->name);
  k.key_id = parts->key_id;
  k.type = parts->type;
  std::memcpy(k.public_key.data(), parts->material.data(), 32);
  return k;
}

std::string FormatVerifierKey(const VerifierKey& key) {
  Bytes raw{key.type};
  raw.insert(raw.end(), key.public_key.begin(), key.public_key.end());
  return key.name + "+" + Hex8(key.key_id) + "+" + FormatBase64(raw);
}

VerifierKey MakeVerifierKey(std::string_view name, uint8_t type, const crypto::Ed25519PublicKey& public_key) {
  return VerifierKey{std::string(name), ComputeKeyId(name, type, public_key), type, public_key,
                     KeyScheme::kByType};
}

VerifierKey WithKeyType(const VerifierKey& key, uint8_t type) {
  return MakeVerifierKey(key.name, type, key.public_key);
}

VerifierKey AsWaictCosigner(const VerifierKey& key, uint8_t type) {
  VerifierKey k = MakeVerifierKey(key.name, type, key.public_key);
  k.scheme = KeyScheme::kWaictCosignature;
  return k;
}

KeyScheme SchemeOf(uint8_t type, KeyScheme scheme) {
  if (scheme != KeyScheme::kByType) return scheme;
  if (type == kSigTypeCosignatureV1) return KeyScheme::kCosignatureV1;
  if (type == kSigTypeWaictCosignature) return KeyScheme::kWaictCosignature;
  return KeyScheme::kNote;
}

Result<SignerKey> ParseSignerKey(std::string_view skey) {
  if (skey.substr(0, kSignerPrefix.size()) != kSignerPrefix) {
    return MakeError(ErrorCode::kTransparencyBadSignerKey, "missing PRIVATE+KEY+ prefix");
  }
  skey.remove_prefix(kSignerPrefix.size());
  // The key ID of a signer key is computed over the public key derived from the seed.
  size_t p1 = skey.find('+');
  size_t p2 = p1 == std::string_view::npos ? p1 : skey.find('+', p1 + 1);
  if (p2 == std::string_view::npos)
    return MakeError(ErrorCode::kTransparencyBadSignerKey, "malformed signer key");
  std::string_view name = skey.substr(0, p1);
  auto id = ParseHex8(skey.substr(p1 + 1, p2 - p1 - 1));
  auto raw = ParseBase64(skey.substr(p2 + 1));
  if (!IsValidKeyName(name) || !id || !raw || raw->size() != 33 || !IsSupportedKeyType((*raw)[0])) {
    return MakeError(ErrorCode::kTransparencyBadSignerKey, "malformed signer key");
  }
  crypto::Ed25519Seed seed{};
  std::memcpy(seed.data(), raw->data() + 1, 32);
  SignerKey k = MakeSignerKey(name, (*raw)[0], seed);
  if (k.key_id != *id)
    return MakeError(ErrorCode::kTransparencyBadSignerKey, "key ID does not match the key");
  return k;
}

std::string FormatSignerKey(const SignerKey& key) {
  Bytes raw{key.type};
  raw.insert(raw.end(), key.seed.begin(), key.seed.end());
  return std::string(kSignerPrefix) + key.name + "+" + Hex8(key.key_id) + "+" + FormatBase64(raw);
}

SignerKey MakeSignerKey(std::string_view name, uint8_t type, const crypto::Ed25519Seed& seed) {
  SignerKey k;
  k.name = std::string(name);
  k.type = type;
  k.seed = seed;
  k.pair = crypto::Ed25519FromSeed(seed);
  k.key_id = ComputeKeyId(name, type, k.pair.public_key);
  return k;
}

SignerKey GenerateSignerKey(std::string_view name, uint8_t type) {
  crypto::Ed25519Seed seed{};
  crypto::RandomBytes(seed);
  return MakeSignerKey(name, type, seed);
}

VerifierKey VerifierFor(const SignerKey& key) {
  return MakeVerifierKey(key.name, key.type, key.pair.public_key);
}

std::string FormatSignedMessage(uint8_t type, uint64_t time, std::string_view text) {
  return FormatSignedMessage(SchemeOf(type, KeyScheme::kByType), time, text);
}

std::string FormatSignedMessage(KeyScheme scheme, uint64_t time, std::string_view text) {
  if (!IsCosignatureScheme(scheme)) return std::string(text);
  std::string m = scheme == KeyScheme::kCosignatureV1 ? "cosignature/v1\n" : "waict-cosignature/v1\n";
  m += "time " + std::to_string(time) + "\n";
  m += text;
  return m;
}

NoteSignature SignNoteText(const SignerKey& key, std::string_view text, uint64_t time) {
  NoteSignature sig;
  sig.name = key.name;
  sig.key_id = key.key_id;
  std::string msg = FormatSignedMessage(SchemeOf(key), time, text);
  auto s = crypto::SignEd25519(key.pair.secret_key, AsBytes(msg));
  if (IsCosignatureScheme(SchemeOf(key))) AppendU64BE(sig.signature, time);
  sig.signature.insert(sig.signature.end(), s.begin(), s.end());
  return sig;
}

Result<std::string> SignNote(std::string_view text, const SignerKey& key, uint64_t time) {
  NoteSignature sig = SignNoteText(key, text, time);
  std::string out = std::string(text) + "\n" + FormatSignatureLine(sig);
  auto check = ParseNote(out);  // rejects texts that would not round-trip (e.g. control characters)
  if (!check) return check.error();
  if (check->text != text) return Malformed("text does not form a note (must end in a single newline)");
  return out;
}

Result<std::string> AddNoteSignature(std::string_view note, const SignerKey& key, uint64_t time) {
  auto parsed = ParseNote(note);
  if (!parsed) return parsed.error();
  if (parsed->signatures.size() >= kMaxNoteSignatures) return Malformed("too many signature lines");
  return std::string(note) + FormatSignatureLine(SignNoteText(key, parsed->text, time));
}

Result<std::vector<VerifiedSignature>> VerifyNoteSignatures(const Note& note,
                                                            std::span<const VerifierKey> keys) {
  for (size_t i = 0; i < keys.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (keys[i].name == keys[j].name && keys[i].key_id == keys[j].key_id) {
        return MakeError(ErrorCode::kTransparencyAmbiguousKey,
                         "key " + keys[i].name + "+" + Hex8(keys[i].key_id) + " configured twice");
      }
    }
  }
  std::vector<bool> seen(keys.size(), false);
  std::vector<uint64_t> times(keys.size(), 0);
  for (const auto& sig : note.signatures) {
    for (size_t i = 0; i < keys.size(); ++i) {
      const VerifierKey& k = keys[i];
      if (k.name != sig.name || k.key_id != sig.key_id) continue;
      const bool cosig = IsCosignatureScheme(SchemeOf(k));
      const ErrorCode bad =
          cosig ? ErrorCode::kTransparencyBadCosignature : ErrorCode::kTransparencyBadSignature;
      const std::string who = k.name + "+" + Hex8(k.key_id);
      uint64_t time = 0;
      ByteView sigbytes = sig.signature;
      if (cosig) {
        if (sigbytes.size() != 8 + 64) return MakeError(bad, "cosignature by " + who + " is not 72 bytes");
        time = ReadUintBE(sigbytes.first(8));
        if (time > kMaxCosignatureTime)
          return MakeError(bad, "cosignature time by " + who + " exceeds 2^63-1");
        sigbytes = sigbytes.subspan(8);
      } else if (sigbytes.size() != 64) {
        return MakeError(bad, "signature by " + who + " is not 64 bytes");
      }
      std::string msg = FormatSignedMessage(SchemeOf(k), time, note.text);
      if (!crypto::VerifyEd25519(k.public_key, AsBytes(msg), sigbytes)) {
        return MakeError(bad, "invalid signature by " + who);
      }
      if (!seen[i] || time > times[i]) times[i] = time;
      seen[i] = true;
    }
  }
  std::vector<VerifiedSignature> out;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (seen[i]) out.push_back(VerifiedSignature{i, times[i]});
  }
  return out;
}

Result<std::vector<VerifiedSignature>> VerifyNote(const Note& note, std::span<const VerifierKey> keys) {
  auto r = VerifyNoteSignatures(note, keys);
  if (!r) return r.error();
  if (r->empty())
    return MakeError(ErrorCode::kTransparencyNoVerifiedSignature, "no signature by a configured key");
  return r;
}

}  // namespace verity::transparency
