// SHA-2 digests through OpenSSL EVP (uses the CPU's SHA extensions; design §2 Decision).
//
//   Hash32 h = Sha256(AsBytes("abc"));           // ba7816bf...
//   Sha256Hasher x; x.Update(AsBytes("waict-ch")); x.Update(node); Hash32 d = x.Final();
//   Bytes d384 = Digest(HashAlg::kSha384, body);  // 48 bytes
#pragma once

#include <memory>
#include <string_view>

#include "core/bytes.h"

namespace verity::crypto {

enum class HashAlg { kSha256, kSha384, kSha512 };

size_t DigestSize(HashAlg alg);
std::string_view HashAlgName(HashAlg alg);  // "sha256", "sha384", "sha512"

Hash32 Sha256(ByteView data);
inline Hash32 Sha256(std::string_view s) { return Sha256(AsBytes(s)); }
Bytes Digest(HashAlg alg, ByteView data);

// Incremental SHA-256, for domain-separated hashes without copying (prefix ‖ data).
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;
  Sha256Hasher& Update(ByteView data);
  Sha256Hasher& Update(std::string_view s) { return Update(AsBytes(s)); }
  Hash32 Final();  // resets the hasher

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Constant-time equality of two byte strings of the same length (false if sizes differ).
bool ConstantTimeEqual(ByteView a, ByteView b);

}  // namespace verity::crypto
