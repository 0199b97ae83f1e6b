#include "formats/ssh_key.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "common/strings.h"
#include "crypto/crypto.h"

namespace iamd::formats {

using common::base64_decode;
using common::base64_encode;
using common::Error;
using common::Result;
using common::to_hex;
using crypto::md5;

namespace {

constexpr std::string_view kSshRsa = "ssh-rsa";

using Bignum = std::unique_ptr<BIGNUM, decltype(&BN_free)>;
using Pkey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

Error unrecognized(std::string message) {
  return Error{std::string(kUnrecognizedKeyEncoding), std::move(message), ""};
}
Error invalid(std::string message) {
  return Error{std::string(kInvalidKey), std::move(message), ""};
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// ---- SSH wire format (RFC 4251 §5) ----

bool read_string(std::string_view& in, std::string_view& out) {
  if (in.size() < 4) return false;
  const std::uint32_t n = (static_cast<std::uint32_t>(static_cast<unsigned char>(in[0])) << 24) |
                          (static_cast<std::uint32_t>(static_cast<unsigned char>(in[1])) << 16) |
                          (static_cast<std::uint32_t>(static_cast<unsigned char>(in[2])) << 8) |
                          static_cast<std::uint32_t>(static_cast<unsigned char>(in[3]));
  in.remove_prefix(4);
  if (n > in.size()) return false;
  out = in.substr(0, n);
  in.remove_prefix(n);
  return true;
}

void write_string(std::string& out, std::string_view s) {
  const auto n = static_cast<std::uint32_t>(s.size());
  out.push_back(static_cast<char>(n >> 24));
  out.push_back(static_cast<char>((n >> 16) & 0xff));
  out.push_back(static_cast<char>((n >> 8) & 0xff));
  out.push_back(static_cast<char>(n & 0xff));
  out.append(s);
}

// A positive mpint: big-endian, with a leading zero byte when the top bit is set.
void write_mpint(std::string& out, const BIGNUM* bn) {
  std::string bytes(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  if (!bytes.empty() && (static_cast<unsigned char>(bytes[0]) & 0x80) != 0) bytes.insert(bytes.begin(), '\0');
  write_string(out, bytes);
}

Result<Bignum> read_positive_mpint(std::string_view& in) {
  std::string_view bytes;
  if (!read_string(in, bytes)) return invalid("truncated key data");
  if (bytes.empty() || (static_cast<unsigned char>(bytes[0]) & 0x80) != 0) return invalid("negative or empty integer");
  Bignum bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr),
            &BN_free);
  if (!bn) return invalid("integer out of range");
  return bn;
}

std::string wire_of(const BIGNUM* e, const BIGNUM* n) {
  std::string wire;
  write_string(wire, kSshRsa);
  write_mpint(wire, e);
  write_mpint(wire, n);
  return wire;
}

// The public exponent must be an odd number above 1, the modulus odd (a product of two primes).
Result<void> check_rsa_numbers(const BIGNUM* e, const BIGNUM* n) {
  if (!BN_is_odd(e) || BN_is_one(e) || !BN_is_odd(n)) return invalid("not an RSA public key");
  return {};
}

Result<Pkey> pkey_of(std::string_view wire) {
  std::string_view in = wire;
  std::string_view type;
  if (!read_string(in, type) || type != kSshRsa) return invalid("the key data is not ssh-rsa");
  auto e = read_positive_mpint(in);
  if (!e) return e.error();
  auto n = read_positive_mpint(in);
  if (!n) return n.error();
  if (!in.empty()) return invalid("trailing bytes after the key");
  if (auto c = check_rsa_numbers(e->get(), n->get()); !c) return c.error();
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> build(OSSL_PARAM_BLD_new(), &OSSL_PARAM_BLD_free);
  if (!build || OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, n->get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, e->get()) != 1) {
    return invalid("the key does not load");
  }
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(OSSL_PARAM_BLD_to_param(build.get()),
                                                                 &OSSL_PARAM_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr),
                                                                  &EVP_PKEY_CTX_free);
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return invalid("the key does not load");
  }
  return Pkey(raw, &EVP_PKEY_free);
}

Result<RsaPublicKey> from_pkey(EVP_PKEY* pkey, PublicKeyEncoding encoding) {
  if (!EVP_PKEY_is_a(pkey, "RSA")) return unrecognized("only RSA keys are supported");
  BIGNUM* n_raw = nullptr;
  BIGNUM* e_raw = nullptr;
  EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n_raw);
  EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e_raw);
  Bignum n(n_raw, &BN_free);
  Bignum e(e_raw, &BN_free);
  if (!n || !e) return invalid("the key has no modulus or exponent");
  if (auto c = check_rsa_numbers(e.get(), n.get()); !c) return c.error();
  RsaPublicKey key;
  key.encoding = encoding;
  key.wire = wire_of(e.get(), n.get());
  key.bits = BN_num_bits(n.get());
  return key;
}

Result<RsaPublicKey> parse_ssh_line(std::string_view text) {
  // type, base64 data, optional comment, separated by blanks (sshd(8) AUTHORIZED_KEYS FILE FORMAT).
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < text.size() && fields.size() < 2) {
    while (i < text.size() && is_space(text[i])) ++i;
    std::size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  if (fields.size() < 2) return invalid("the key has no data");
  std::string wire;
  if (!base64_decode(fields[1], wire)) return invalid("the key data is not base64");
  auto pkey = pkey_of(wire);
  if (!pkey) return pkey.error();
  RsaPublicKey key;
  key.encoding = PublicKeyEncoding::kSsh;
  key.bits = EVP_PKEY_get_bits(pkey->get());
  key.wire = std::move(wire);
  return key;
}

Result<RsaPublicKey> parse_pem(std::string_view text) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  constexpr std::string_view kDashes = "-----";
  const std::size_t label_end = text.find(kDashes, kBegin.size());
  if (label_end == std::string_view::npos) return invalid("malformed PEM header");
  const std::string_view label = text.substr(kBegin.size(), label_end - kBegin.size());
  if (label != "PUBLIC KEY" && label != "RSA PUBLIC KEY") return invalid("not a PEM public key");
  const std::string end_line = "-----END " + std::string(label) + "-----";
  const std::size_t end = text.find(end_line);
  if (end == std::string_view::npos || !trim(text.substr(end + end_line.size())).empty()) {
    return invalid("malformed PEM block");
  }
  const std::string block(text.substr(0, end + end_line.size()));
  EVP_PKEY* raw = nullptr;
  std::unique_ptr<OSSL_DECODER_CTX, decltype(&OSSL_DECODER_CTX_free)> decoder(
      OSSL_DECODER_CTX_new_for_pkey(&raw, "PEM", nullptr, nullptr, EVP_PKEY_PUBLIC_KEY, nullptr, nullptr),
      &OSSL_DECODER_CTX_free);
  const auto* data = reinterpret_cast<const unsigned char*>(block.data());
  std::size_t len = block.size();
  if (!decoder || OSSL_DECODER_from_data(decoder.get(), &data, &len) != 1 || raw == nullptr) {
    return invalid("the PEM key does not decode");
  }
  Pkey pkey(raw, &EVP_PKEY_free);
  return from_pkey(pkey.get(), PublicKeyEncoding::kPem);
}

}  // namespace

Result<RsaPublicKey> parse_rsa_public_key(std::string_view text) {
  text = trim(text);
  if (text.starts_with("-----BEGIN ")) return parse_pem(text);
  std::size_t type_end = 0;
  while (type_end < text.size() && !is_space(text[type_end])) ++type_end;
  const std::string_view type = text.substr(0, type_end);
  if (type == kSshRsa) return parse_ssh_line(text);
  return unrecognized("neither an ssh-rsa line nor a PEM public key");
}

std::string ssh_public_key_line(std::string_view wire) {
  return std::string(kSshRsa) + " " + base64_encode(wire);
}

Result<std::string> pem_public_key(std::string_view wire) {
  auto pkey = pkey_of(wire);
  if (!pkey) return pkey.error();
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), pkey->get()) != 1) return invalid("the key does not encode");
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string ssh_md5_fingerprint(std::string_view wire) {
  const std::string hex = to_hex(md5(wire));
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    if (i > 0) out.push_back(':');
    out.append(hex, i, 2);
  }
  return out;
}

}  // namespace iamd::formats
