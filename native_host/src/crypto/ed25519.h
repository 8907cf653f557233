// Ed25519 (RFC 8032) through libsodium: strict verification (rejects small-order and
// non-canonical points; agrees with Wycheproof; design §2 Decision).
//
//   auto kp = GenerateEd25519();                     // {public 32, secret 64}
//   auto sig = SignEd25519(kp.secret_key, msg);      // 64 bytes
//   bool ok = VerifyEd25519(kp.public_key, msg, sig);
#pragma once

#include <array>

#include "core/bytes.h"
#include "core/error.h"

namespace verity::crypto {

using Ed25519PublicKey = std::array<uint8_t, 32>;
using Ed25519Seed = std::array<uint8_t, 32>;
using Ed25519SecretKey = std::array<uint8_t, 64>;  // libsodium form: seed ‖ public key
using Ed25519Signature = std::array<uint8_t, 64>;

struct Ed25519KeyPair {
  Ed25519PublicKey public_key{};
  Ed25519SecretKey secret_key{};
};

// Initialises libsodium once (thread-safe); false if it cannot.
bool InitSodium();

// True only for a valid signature. Wrong-length inputs are rejected (no hashing).
bool VerifyEd25519(ByteView public_key, ByteView message, ByteView signature);

Ed25519KeyPair GenerateEd25519();
Ed25519KeyPair Ed25519FromSeed(const Ed25519Seed& seed);
Ed25519Signature SignEd25519(const Ed25519SecretKey& secret_key, ByteView message);

// Fills `out` with cryptographically secure random bytes.
void RandomBytes(std::span<uint8_t> out);

}  // namespace verity::crypto
