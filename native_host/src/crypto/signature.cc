#include "crypto/signature.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>

namespace verity::crypto {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
};
template <class T>
using Ptr = std::unique_ptr<T, Free>;

Result<Bytes> SpkiOf(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(key, &der);
  if (n <= 0) return MakeError(ErrorCode::kBadKey, "cannot encode SubjectPublicKeyInfo");
  Bytes out(der, der + n);
  OPENSSL_free(der);
  return out;
}

Result<Ptr<EVP_PKEY>> LoadSpki(ByteView spki) {
  const unsigned char* p = spki.data();
  if (spki.empty() || spki.size() > 16384) return MakeError(ErrorCode::kBadKey, "SubjectPublicKeyInfo size");
  Ptr<EVP_PKEY> key(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
  if (!key) return MakeError(ErrorCode::kBadKey, "malformed SubjectPublicKeyInfo");
  if (p != spki.data() + spki.size())
    return MakeError(ErrorCode::kBadKey, "trailing bytes after SubjectPublicKeyInfo");
  return key;
}

// Curve size in bytes for an EC key, 0 if not EC / unsupported.
size_t EcFieldBytes(EVP_PKEY* key) {
  if (EVP_PKEY_base_id(key) != EVP_PKEY_EC) return 0;
  char group[64] = {0};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1)
    return 0;
  std::string_view g(group, len);
  if (g == "prime256v1" || g == "P-256") return 32;
  if (g == "secp384r1" || g == "P-384") return 48;
  return 0;
}

Status CheckKeyFits(SigAlg alg, EVP_PKEY* key) {
  int type = EVP_PKEY_base_id(key);
  switch (alg) {
    case SigAlg::kEs256:
      if (EcFieldBytes(key) == 32) return OkStatus();
      break;
    case SigAlg::kEs384:
      if (EcFieldBytes(key) == 48) return OkStatus();
      break;
    case SigAlg::kRs256:
    case SigAlg::kPs256:
      if (type == EVP_PKEY_RSA && EVP_PKEY_get_bits(key) >= 2048) return OkStatus();
      break;
    case SigAlg::kEd25519:
      if (type == EVP_PKEY_ED25519) return OkStatus();
      break;
  }
  return MakeError(ErrorCode::kBadKey,
                   std::string("key does not fit algorithm ") + std::string(SigAlgName(alg)));
}

const EVP_MD* MdFor(SigAlg alg) {
  switch (alg) {
    case SigAlg::kEs384:
      return EVP_sha384();
    case SigAlg::kEd25519:
      return nullptr;
    default:
      return EVP_sha256();
  }
}

// r‖s → DER ECDSA-Sig-Value.
Result<Bytes> RawToDer(ByteView raw, size_t n) {
  if (raw.size() != 2 * n) return MakeError(ErrorCode::kBadSignature, "ECDSA signature must be r||s");
  Ptr<ECDSA_SIG> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(raw.data(), static_cast<int>(n), nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + n, static_cast<int>(n), nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return MakeError(ErrorCode::kInternal, "ECDSA_SIG");
  }
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return MakeError(ErrorCode::kInternal, "i2d_ECDSA_SIG");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

Result<Bytes> DerToRaw(ByteView der, size_t n) {
  const unsigned char* p = der.data();
  Ptr<ECDSA_SIG> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) return MakeError(ErrorCode::kInternal, "d2i_ECDSA_SIG");
  Bytes out(2 * n);
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out.data(), static_cast<int>(n)) < 0 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out.data() + n, static_cast<int>(n)) < 0) {
    return MakeError(ErrorCode::kInternal, "BN_bn2binpad");
  }
  return out;
}

Status ConfigurePss(EVP_PKEY_CTX* pctx) {
  if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1) {
    return MakeError(ErrorCode::kInternal, "PSS parameters");
  }
  return OkStatus();
}

}  // namespace

std::optional<SigAlg> ParseSigAlg(std::string_view name) {
  if (name == "es256") return SigAlg::kEs256;
  if (name == "es384") return SigAlg::kEs384;
  if (name == "rs256") return SigAlg::kRs256;
  if (name == "ps256") return SigAlg::kPs256;
  if (name == "ed25519") return SigAlg::kEd25519;
  return std::nullopt;
}

std::string_view SigAlgName(SigAlg alg) {
  switch (alg) {
    case SigAlg::kEs256:
      return "es256";
    case SigAlg::kEs384:
      return "es384";
    case SigAlg::kRs256:
      return "rs256";
    case SigAlg::kPs256:
      return "ps256";
    case SigAlg::kEd25519:
      return "ed25519";
  }
  return "?";
}

Result<Bytes> SpkiFromCertificateDer(ByteView cert_der) {
  const unsigned char* p = cert_der.data();
  Ptr<X509> cert(d2i_X509(nullptr, &p, static_cast<long>(cert_der.size())));
  if (!cert || p != cert_der.data() + cert_der.size())
    return MakeError(ErrorCode::kBadKey, "malformed certificate");
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  if (!key) return MakeError(ErrorCode::kBadKey, "certificate without public key");
  return SpkiOf(key);
}

Result<Bytes> SpkiFromPem(std::string_view pem) {
  if (pem.size() > 1 << 20) return MakeError(ErrorCode::kTooLarge, "PEM too large");
  auto load = [&](auto reader) -> Ptr<EVP_PKEY> {
    Ptr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return Ptr<EVP_PKEY>(reader(bio.get()));
  };
  if (pem.find("CERTIFICATE-----") != std::string_view::npos) {
    Ptr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    Ptr<X509> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) return MakeError(ErrorCode::kBadKey, "malformed PEM certificate");
    return SpkiOf(X509_get0_pubkey(cert.get()));
  }
  if (pem.find("PRIVATE KEY-----") != std::string_view::npos) {
    auto key = load([](BIO* b) { return PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr); });
    if (!key) return MakeError(ErrorCode::kBadKey, "malformed PEM private key");
    return SpkiOf(key.get());
  }
  auto key = load([](BIO* b) { return PEM_read_bio_PUBKEY(b, nullptr, nullptr, nullptr); });
  if (!key) return MakeError(ErrorCode::kBadKey, "malformed PEM public key");
  return SpkiOf(key.get());
}

Status VerifySpki(ByteView spki_der) {
  auto key = LoadSpki(spki_der);
  if (!key) return key.error();
  return OkStatus();
}

Result<SigAlg> DefaultSigAlgForSpki(ByteView spki_der) {
  auto key = LoadSpki(spki_der);
  if (!key) return key.error();
  EVP_PKEY* k = key->get();
  if (EcFieldBytes(k) == 32) return SigAlg::kEs256;
  if (EcFieldBytes(k) == 48) return SigAlg::kEs384;
  if (EVP_PKEY_base_id(k) == EVP_PKEY_RSA) return SigAlg::kRs256;
  if (EVP_PKEY_base_id(k) == EVP_PKEY_ED25519) return SigAlg::kEd25519;
  return MakeError(ErrorCode::kUnsupportedAlgorithm, "unsupported key type");
}

Status VerifySignature(SigAlg alg, ByteView spki_der, ByteView message, ByteView signature) {
  auto key = LoadSpki(spki_der);
  if (!key) return key.error();
  VERITY_RETURN_IF_ERROR(CheckKeyFits(alg, key->get()));
  Bytes der_sig;
  ByteView sig = signature;
  if (alg == SigAlg::kEs256 || alg == SigAlg::kEs384) {
    auto d = RawToDer(signature, alg == SigAlg::kEs256 ? 32 : 48);
    if (!d) return d.error();
    der_sig = std::move(*d);
    sig = der_sig;
  } else if (alg == SigAlg::kEd25519 && signature.size() != 64) {
    return MakeError(ErrorCode::kBadSignature, "Ed25519 signature must be 64 bytes");
  } else if ((alg == SigAlg::kRs256 || alg == SigAlg::kPs256) &&
             signature.size() != static_cast<size_t>(EVP_PKEY_get_size(key->get()))) {
    return MakeError(ErrorCode::kBadSignature, "RSA signature must be the modulus size");
  }
  Ptr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, MdFor(alg), nullptr, key->get()) != 1) {
    return MakeError(ErrorCode::kInternal, "EVP_DigestVerifyInit");
  }
  if (alg == SigAlg::kPs256) VERITY_RETURN_IF_ERROR(ConfigurePss(pctx));
  if (EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), message.data(), message.size()) != 1) {
    return MakeError(ErrorCode::kBadSignature, std::string(SigAlgName(alg)) + " signature does not verify");
  }
  return OkStatus();
}

Result<Bytes> SignWithPrivateKeyPem(SigAlg alg, std::string_view pem, ByteView message) {
  if (pem.size() > 1 << 20) return MakeError(ErrorCode::kTooLarge, "PEM too large");
  Ptr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Ptr<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return MakeError(ErrorCode::kBadKey, "malformed PEM private key");
  VERITY_RETURN_IF_ERROR(CheckKeyFits(alg, key.get()));
  Ptr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, MdFor(alg), nullptr, key.get()) != 1) {
    return MakeError(ErrorCode::kInternal, "EVP_DigestSignInit");
  }
  if (alg == SigAlg::kPs256) VERITY_RETURN_IF_ERROR(ConfigurePss(pctx));
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) != 1) {
    return MakeError(ErrorCode::kInternal, "EVP_DigestSign");
  }
  Bytes out(len);
  if (EVP_DigestSign(ctx.get(), out.data(), &len, message.data(), message.size()) != 1) {
    return MakeError(ErrorCode::kInternal, "EVP_DigestSign");
  }
  out.resize(len);
  if (alg == SigAlg::kEs256 || alg == SigAlg::kEs384) return DerToRaw(out, alg == SigAlg::kEs256 ? 32 : 48);
  return out;
}

Result<std::string> GeneratePrivateKeyPem(SigAlg alg) {
  Ptr<EVP_PKEY> key;
  switch (alg) {
    case SigAlg::kEs256:
      key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
      break;
    case SigAlg::kEs384:
      key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
      break;
    case SigAlg::kRs256:
    case SigAlg::kPs256:
      key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
      break;
    case SigAlg::kEd25519:
      key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
      break;
  }
  if (!key) return MakeError(ErrorCode::kInternal, "key generation failed");
  Ptr<BIO> bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return MakeError(ErrorCode::kInternal, "PEM_write_bio_PrivateKey");
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

}  // namespace verity::crypto
