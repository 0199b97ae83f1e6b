// RSA public keys as IAM takes them for SSH (UploadSSHPublicKey): OpenSSH's one-line form
// ("ssh-rsa AAAA... comment", the RFC 4253 §6.6 wire format in base64) or PEM (X.509
// SubjectPublicKeyInfo "PUBLIC KEY", or PKCS#1 "RSA PUBLIC KEY"), converted both ways.
// OpenSSL stays inside formats/ssh_key.cc. Thread-safety: free functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace iamd::formats {

// Error codes of parse_rsa_public_key.
inline constexpr std::string_view kUnrecognizedKeyEncoding = "UnrecognizedKeyEncoding";  // not RSA in either form
inline constexpr std::string_view kInvalidKey = "InvalidKey";  // looks like one but does not parse

enum class PublicKeyEncoding { kSsh, kPem };

struct RsaPublicKey {
  PublicKeyEncoding encoding = PublicKeyEncoding::kSsh;  // the form it was given in
  std::string wire;                                      // SSH wire format: "ssh-rsa", mpint e, mpint n
  int bits = 0;                                          // size of the modulus
};

common::Result<RsaPublicKey> parse_rsa_public_key(std::string_view text);

// "ssh-rsa <base64 of the wire format>" (no comment).
std::string ssh_public_key_line(std::string_view wire);
// The SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----", 64-column base64, final newline).
common::Result<std::string> pem_public_key(std::string_view wire);
// MD5 of the wire format as colon-separated lowercase hex pairs (ssh-keygen -E md5 -l).
std::string ssh_md5_fingerprint(std::string_view wire);

}  // namespace iamd::formats
