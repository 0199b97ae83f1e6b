#include "crypto/jws.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <utility>

namespace iamd::crypto {

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
struct BldFree {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct SigFree {
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};

common::Error invalid_key(std::string reason) {
  return common::Error{"InvalidKey", std::move(reason), ""};
}

BIGNUM* to_bn(std::string_view bytes) {
  return BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr);
}

// A public key from OSSL_PARAMs of `type` ("RSA", "EC"), checked.
common::Result<EVP_PKEY*> from_params(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return invalid_key("the key cannot be built");
  EVP_PKEY* pkey = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) != 1 || pkey == nullptr) {
    return invalid_key("the key's values are not a valid public key");
  }
  std::unique_ptr<EVP_PKEY, PkeyFree> owned(pkey);
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1)
    return invalid_key("the key's values are not a valid public key");
  return owned.release();
}

const EVP_MD* digest_of(JwsAlgorithm alg) {
  switch (alg) {
    case JwsAlgorithm::kRS256:
    case JwsAlgorithm::kES256:
      return EVP_sha256();
    case JwsAlgorithm::kRS384:
    case JwsAlgorithm::kES384:
      return EVP_sha384();
    case JwsAlgorithm::kRS512:
      return EVP_sha512();
  }
  return nullptr;
}

}  // namespace

struct JwsKey::Holder {
  std::unique_ptr<EVP_PKEY, PkeyFree> pkey;
};

std::optional<JwsAlgorithm> jws_algorithm(std::string_view name) {
  if (name == "RS256") return JwsAlgorithm::kRS256;
  if (name == "RS384") return JwsAlgorithm::kRS384;
  if (name == "RS512") return JwsAlgorithm::kRS512;
  if (name == "ES256") return JwsAlgorithm::kES256;
  if (name == "ES384") return JwsAlgorithm::kES384;
  return std::nullopt;
}

std::string_view jws_algorithm_name(JwsAlgorithm alg) {
  switch (alg) {
    case JwsAlgorithm::kRS256:
      return "RS256";
    case JwsAlgorithm::kRS384:
      return "RS384";
    case JwsAlgorithm::kRS512:
      return "RS512";
    case JwsAlgorithm::kES256:
      return "ES256";
    case JwsAlgorithm::kES384:
      return "ES384";
  }
  return "";
}

common::Result<JwsKey> JwsKey::make(const JwkValues& v) {
  std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld) return invalid_key("out of memory");
  JwsKey key;
  EVP_PKEY* pkey = nullptr;
  if (v.kty == "RSA") {
    // [IMPL] RSA keys under 2048 bits are refused (RFC 7518 §3.3 requires 2048 or more).
    std::string_view n = v.n;
    while (!n.empty() && n.front() == '\0') n.remove_prefix(1);
    if (n.size() < 256) return invalid_key("an RSA modulus must have at least 2048 bits");
    if (v.e.empty() || v.e.size() > 8) return invalid_key("the RSA exponent is missing or too long");
    std::unique_ptr<BIGNUM, BnFree> bn_n(to_bn(n));
    std::unique_ptr<BIGNUM, BnFree> bn_e(to_bn(v.e));
    if (!bn_n || !bn_e || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
      return invalid_key("the RSA key cannot be built");
    }
    auto built = from_params("RSA", bld.get());
    if (!built) return built.error();
    pkey = *built;
    key.rsa_ = true;
  } else if (v.kty == "EC") {
    std::size_t size = 0;
    const char* group = nullptr;
    if (v.crv == "P-256") {
      size = 32;
      group = "prime256v1";
    } else if (v.crv == "P-384") {
      size = 48;
      group = "secp384r1";
    } else {
      return invalid_key("unsupported EC curve '" + v.crv + "' (P-256 and P-384 are)");
    }
    // [IMPL] RFC 7518 §6.2.1.2 wants the full size; some issuers drop leading zero bytes
    // (PyJWT before 2.8 does), so shorter values are padded.
    if (v.x.size() > size || v.y.size() > size) return invalid_key("the EC coordinates do not fit the curve");
    std::string point(1 + 2 * size, '\0');
    point[0] = '\x04';
    point.replace(1 + size - v.x.size(), v.x.size(), v.x);
    point.replace(1 + 2 * size - v.y.size(), v.y.size(), v.y);
    if (OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
      return invalid_key("the EC key cannot be built");
    }
    auto built = from_params("EC", bld.get());
    if (!built) return built.error();
    pkey = *built;
    key.curve_ = v.crv;
  } else {
    return invalid_key("unsupported key type '" + v.kty + "' (RSA and EC are)");
  }
  auto holder = std::make_shared<Holder>();
  holder->pkey.reset(pkey);
  key.key_ = std::move(holder);
  return key;
}

bool JwsKey::verify(JwsAlgorithm alg, std::string_view signing_input, std::string_view signature) const {
  if (!key_) return false;
  const bool rsa_alg = alg == JwsAlgorithm::kRS256 || alg == JwsAlgorithm::kRS384 || alg == JwsAlgorithm::kRS512;
  if (rsa_alg != rsa_) return false;
  std::string der;
  if (!rsa_alg) {
    // JWS carries ECDSA as r|s, each the curve's size (RFC 7518 §3.4); OpenSSL wants DER.
    const std::size_t size = alg == JwsAlgorithm::kES256 ? 32 : 48;
    if ((alg == JwsAlgorithm::kES256) != (curve_ == "P-256") || signature.size() != 2 * size) return false;
    std::unique_ptr<ECDSA_SIG, SigFree> sig(ECDSA_SIG_new());
    BIGNUM* r = to_bn(signature.substr(0, size));
    BIGNUM* s = to_bn(signature.substr(size));
    if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
      BN_free(r);
      BN_free(s);
      return false;
    }
    unsigned char* out = nullptr;
    const int len = i2d_ECDSA_SIG(sig.get(), &out);
    if (len <= 0) return false;
    der.assign(reinterpret_cast<const char*>(out), static_cast<std::size_t>(len));
    OPENSSL_free(out);
    signature = der;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  if (!md || EVP_DigestVerifyInit(md.get(), nullptr, digest_of(alg), nullptr, key_->pkey.get()) != 1) return false;
  return EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
}

}  // namespace iamd::crypto
