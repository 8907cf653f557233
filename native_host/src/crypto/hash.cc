#include "crypto/hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdlib>

namespace verity::crypto {
namespace {

const EVP_MD* Md(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha256:
      return EVP_sha256();
    case HashAlg::kSha384:
      return EVP_sha384();
    case HashAlg::kSha512:
      return EVP_sha512();
  }
  std::abort();
}

}  // namespace

size_t DigestSize(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha256:
      return 32;
    case HashAlg::kSha384:
      return 48;
    case HashAlg::kSha512:
      return 64;
  }
  std::abort();
}

std::string_view HashAlgName(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha256:
      return "sha256";
    case HashAlg::kSha384:
      return "sha384";
    case HashAlg::kSha512:
      return "sha512";
  }
  std::abort();
}

Bytes Digest(HashAlg alg, ByteView data) {
  Bytes out(DigestSize(alg));
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, Md(alg), nullptr) != 1 || len != out.size()) {
    std::abort();  // broken invariant: OpenSSL cannot fail on a built-in digest
  }
  return out;
}

Hash32 Sha256(ByteView data) {
  Hash32 out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1) std::abort();
  return out;
}

struct Sha256Hasher::Impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256Hasher::Sha256Hasher() : impl_(std::make_unique<Impl>()) {
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) != 1) std::abort();
}
Sha256Hasher::~Sha256Hasher() = default;

Sha256Hasher& Sha256Hasher::Update(ByteView data) {
  if (EVP_DigestUpdate(impl_->ctx, data.data(), data.size()) != 1) std::abort();
  return *this;
}

Hash32 Sha256Hasher::Final() {
  Hash32 out{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(impl_->ctx, out.data(), &len) != 1) std::abort();
  if (EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) != 1) std::abort();
  return out;
}

bool ConstantTimeEqual(ByteView a, ByteView b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace verity::crypto
