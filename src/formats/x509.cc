#include "formats/x509.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>
#include <memory>

namespace iamd::formats {

using common::days_from_civil;
using common::Error;
using common::Result;
using common::Timestamp;

namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

// Failures leave OpenSSL's per-thread error queue empty for the next caller.
Error malformed(std::string message) {
  ERR_clear_error();
  return Error{std::string(kMalformedPem), std::move(message), ""};
}

BioPtr memory_bio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// Refuses to prompt for a passphrase: encrypted keys simply fail to load.
int no_passphrase(char*, int, int, void*) {
  return -1;
}

Timestamp to_timestamp(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return Timestamp{};
  std::int64_t days =
      days_from_civil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1), static_cast<unsigned>(tm.tm_mday));
  return Timestamp{days * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec, 0};
}

std::string der_of_public_key(EVP_PKEY* key) {
  unsigned char* out = nullptr;
  int len = i2d_PUBKEY(key, &out);
  if (len <= 0) return {};
  std::string der(reinterpret_cast<char*>(out), static_cast<std::size_t>(len));
  OPENSSL_free(out);
  return der;
}

Result<X509Certificate> describe(X509* x) {
  X509Certificate c;
  unsigned char* out = nullptr;
  int len = i2d_X509(x, &out);
  if (len <= 0) return malformed("certificate does not encode");
  c.der.assign(reinterpret_cast<char*>(out), static_cast<std::size_t>(len));
  OPENSSL_free(out);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  EVP_Digest(c.der.data(), c.der.size(), md, &md_len, EVP_sha1(), nullptr);
  c.sha1.assign(reinterpret_cast<char*>(md), md_len);
  EVP_PKEY* key = X509_get0_pubkey(x);  // owned by the certificate
  if (key == nullptr) return malformed("certificate has no usable public key");
  c.public_key = der_of_public_key(key);
  c.not_before = to_timestamp(X509_get0_notBefore(x));
  c.not_after = to_timestamp(X509_get0_notAfter(x));
  return c;
}

X509Ptr from_der(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  return X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

}  // namespace

Result<X509Certificate> parse_pem_certificate(std::string_view pem) {
  BioPtr bio = memory_bio(pem);
  X509Ptr x(PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr));
  if (!x) return malformed("no PEM certificate");
  return describe(x.get());
}

Result<std::vector<X509Certificate>> parse_pem_certificates(std::string_view pem) {
  std::vector<X509Certificate> out;
  std::size_t at = 0;
  constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  while ((at = pem.find(kBegin, at)) != std::string_view::npos) {
    std::size_t end = pem.find(kEnd, at);
    if (end == std::string_view::npos) return malformed("unterminated PEM certificate");
    end += kEnd.size();
    auto c = parse_pem_certificate(pem.substr(at, end - at));
    if (!c) return c.error();
    out.push_back(std::move(*c));
    at = end;
  }
  if (out.empty()) return malformed("no PEM certificate");
  return out;
}

bool issued_by(const X509Certificate& subject, const X509Certificate& issuer) {
  X509Ptr s = from_der(subject.der);
  X509Ptr i = from_der(issuer.der);
  if (!s || !i) return false;
  if (X509_NAME_cmp(X509_get_issuer_name(s.get()), X509_get_subject_name(i.get())) != 0) return false;
  EVP_PKEY* key = X509_get0_pubkey(i.get());
  const bool ok = key != nullptr && X509_verify(s.get(), key) == 1;
  ERR_clear_error();
  return ok;
}

Result<std::string> private_key_public_key(std::string_view pem) {
  BioPtr bio = memory_bio(pem);
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  if (!key) return malformed("no unencrypted PEM private key");
  std::string der = der_of_public_key(key.get());
  if (der.empty()) return malformed("private key has no public key");
  return der;
}

}  // namespace iamd::formats
