#include "crypto/ed25519.h"

#include <sodium.h>

#include <cstdlib>

namespace verity::crypto {

bool InitSodium() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

bool VerifyEd25519(ByteView public_key, ByteView message, ByteView signature) {
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES) return false;
  if (!InitSodium()) return false;
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(), public_key.data()) ==
         0;
}

Ed25519KeyPair GenerateEd25519() {
  if (!InitSodium()) std::abort();
  Ed25519KeyPair kp;
  crypto_sign_keypair(kp.public_key.data(), kp.secret_key.data());
  return kp;
}

Ed25519KeyPair Ed25519FromSeed(const Ed25519Seed& seed) {
  if (!InitSodium()) std::abort();
  Ed25519KeyPair kp;
  crypto_sign_seed_keypair(kp.public_key.data(), kp.secret_key.data(), seed.data());
  return kp;
}

Ed25519Signature SignEd25519(const Ed25519SecretKey& secret_key, ByteView message) {
  if (!InitSodium()) std::abort();
  Ed25519Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_key.data());
  return sig;
}

void RandomBytes(std::span<uint8_t> out) {
  if (!InitSodium()) std::abort();
  randombytes_buf(out.data(), out.size());
}

}  // namespace verity::crypto
