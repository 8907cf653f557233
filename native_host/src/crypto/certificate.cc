#include "crypto/certificate.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <utility>

#include "crypto/openssl_error.h"

namespace verity::crypto {

int X509PurposeSslServer() { return X509_PURPOSE_SSL_SERVER; }

bool CertificateMatchesHost(ByteView cert_der, std::string_view host) {
  const unsigned char* p = cert_der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(cert_der.size()));
  if (!x) return false;
  bool ok = p == cert_der.data() + cert_der.size() &&
            X509_check_host(x, host.data(), host.size(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, nullptr) == 1;
  X509_free(x);
  return ok;
}

Result<std::string> MakeSelfSignedCertificatePem(std::string_view private_key_pem, std::string_view host,
                                                 int days) {
  BIO* kb = BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size()));
  EVP_PKEY* key = kb ? PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(kb);
  if (!key) return MakeError(ErrorCode::kIo, FormatOpenSslError("cannot read private key"));
  X509* x = X509_new();
  std::string result;
  bool ok = x != nullptr;
  if (ok) {
    X509_set_version(x, 2);
    unsigned char serial[16];
    ok = RAND_bytes(serial, sizeof serial) == 1;
    serial[0] &= 0x7f;
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    ok = ok && bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != nullptr;
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), static_cast<long>(days) * 86400);
    X509_set_pubkey(x, key);
    X509_NAME* name = X509_get_subject_name(x);
    std::string cn(host);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()),
                               -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX v3;
    X509V3_set_ctx(&v3, x, x, nullptr, nullptr, 0);
    std::string san = "DNS:" + cn;
    const std::pair<int, std::string> exts[] = {
        {NID_basic_constraints, "critical,CA:TRUE"},
        {NID_subject_alt_name, san},
        {NID_subject_key_identifier, "hash"},
        {NID_key_usage, "critical,digitalSignature,keyCertSign"},
    };
    for (const auto& [nid, value] : exts) {
      X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, &v3, nid, value.c_str());
      ok = ok && e && X509_add_ext(x, e, -1) == 1;
      X509_EXTENSION_free(e);
    }
    int base = EVP_PKEY_get_base_id(key);
    const EVP_MD* md = (base == EVP_PKEY_ED25519 || base == EVP_PKEY_ED448) ? nullptr : EVP_sha256();
    ok = ok && X509_sign(x, key, md) > 0;
    BIO* out = BIO_new(BIO_s_mem());
    ok = ok && out && PEM_write_bio_X509(out, x) == 1;
    if (ok) {
      char* data = nullptr;
      long len = BIO_get_mem_data(out, &data);
      result.assign(data, static_cast<size_t>(len));
    }
    BIO_free(out);
  }
  X509_free(x);
  EVP_PKEY_free(key);
  if (!ok) return MakeError(ErrorCode::kInternal, FormatOpenSslError("cannot make certificate"));
  return result;
}

}  // namespace verity::crypto
