// QR PNGs and SSH public keys (formats/qrcode.h, formats/ssh_key.h): the format parsers
// behind virtual MFA devices and SSH public keys.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "formats/qrcode.h"
#include "formats/ssh_key.h"

namespace iamd::formats {
namespace {

std::uint32_t be32(const std::string& s, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

TEST(QrCode, PngStructure) {
  auto png = qr_code_png("otpauth://totp/dev@123456789012?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 4);
  ASSERT_TRUE(png.has_value());
  ASSERT_GT(png->size(), 8u + 25u + 12u + 12u);
  EXPECT_EQ(png->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png->substr(12, 4), "IHDR");
  const std::uint32_t width = be32(*png, 16);
  EXPECT_EQ(width, be32(*png, 20));  // square
  // 72 bytes at level M need version 5 (37 modules; version 4 holds 62); 4 quiet modules a side.
  EXPECT_EQ(width, (37u + 8u) * 4u);
  EXPECT_EQ(png->substr(png->size() - 8, 4), "IEND");
  EXPECT_FALSE(qr_code_png(std::string(5000, 'x')).has_value());  // beyond version 40
}

// A 2048-bit key in both forms (openssl genrsa; ssh-keygen -i -m PKCS8) and its MD5
// fingerprint as ssh-keygen -l -E md5 prints it.
constexpr const char* kSsh2048 =
    "ssh-rsa "
    "AAAAB3NzaC1yc2EAAAADAQABAAABAQDnzFkMXX1RpAwe03tpGyDQ3Dstg/NXkfTuY1cNBaHG8Mu1opcgGmjtW0mdebxsoE6yIDcfQoi7thtctvVW"
    "FSLgNjJIV+YWFVqLVAJyuINEHhn3jiFWMb6MUisMYB2ksbG6enKHpi+DwYVnjCz8JgklH36O3HsakF50PqKi63xFNHTITaT6f+83koGA32EnOTbo"
    "iUe2WECbaWm3q1xznE35Pb0nw5gTpUqCWRxpVjCUbUhGJYeBQqU91JUWiMydvSam3meIobCu6saCQEF+u2XVIIEC1NwrPZI7a1KweaMmkh6KKpPk"
    "ZRj9OVtl0AB7YWA5g4FHQM8wa3Knst/o1Ymf";
constexpr const char* kPem2048 =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA58xZDF19UaQMHtN7aRsg\n"
    "0Nw7LYPzV5H07mNXDQWhxvDLtaKXIBpo7VtJnXm8bKBOsiA3H0KIu7YbXLb1VhUi\n"
    "4DYySFfmFhVai1QCcriDRB4Z944hVjG+jFIrDGAdpLGxunpyh6Yvg8GFZ4ws/CYJ\n"
    "JR9+jtx7GpBedD6iout8RTR0yE2k+n/vN5KBgN9hJzk26IlHtlhAm2lpt6tcc5xN\n"
    "+T29J8OYE6VKglkcaVYwlG1IRiWHgUKlPdSVFojMnb0mpt5niKGwrurGgkBBfrtl\n"
    "1SCBAtTcKz2SO2tSsHmjJpIeiiqT5GUY/TlbZdAAe2FgOYOBR0DPMGtyp7Lf6NWJ\n"
    "nwIDAQAB\n"
    "-----END PUBLIC KEY-----\n";
constexpr const char* kPkcs1_2048 =
    "-----BEGIN RSA PUBLIC KEY-----\n"
    "MIIBCgKCAQEA58xZDF19UaQMHtN7aRsg0Nw7LYPzV5H07mNXDQWhxvDLtaKXIBpo\n"
    "7VtJnXm8bKBOsiA3H0KIu7YbXLb1VhUi4DYySFfmFhVai1QCcriDRB4Z944hVjG+\n"
    "jFIrDGAdpLGxunpyh6Yvg8GFZ4ws/CYJJR9+jtx7GpBedD6iout8RTR0yE2k+n/v\n"
    "N5KBgN9hJzk26IlHtlhAm2lpt6tcc5xN+T29J8OYE6VKglkcaVYwlG1IRiWHgUKl\n"
    "PdSVFojMnb0mpt5niKGwrurGgkBBfrtl1SCBAtTcKz2SO2tSsHmjJpIeiiqT5GUY\n"
    "/TlbZdAAe2FgOYOBR0DPMGtyp7Lf6NWJnwIDAQAB\n"
    "-----END RSA PUBLIC KEY-----\n";
constexpr const char* kFingerprint2048 = "a7:bd:5c:5d:dc:04:d3:43:12:fd:c4:dd:d1:55:1e:e8";
constexpr const char* kSsh1024 =
    "ssh-rsa "
    "AAAAB3NzaC1yc2EAAAADAQABAAAAgQCb3BpRKpMkX1QU0JBoDrbaBVPNWUXzWcefRH1zDXDAz8LFYvrVD6e5TZEW5ue2O6r/4d7MIOjxc2cHbVDI"
    "xJfoPaY7oOLr95wSDEG27oeYyyAfae6XWfLdKwzZtaM7xeElCPOuCe3ayn1Kx0ep1POEsikc6WQT8KJCpaNJVhvp6w==";

TEST(SshKey, ConvertsBetweenSshAndPem) {
  auto from_ssh = parse_rsa_public_key(std::string(kSsh2048) + " alice@example\n");
  ASSERT_TRUE(from_ssh.has_value()) << from_ssh.error().message;
  EXPECT_EQ(from_ssh->encoding, PublicKeyEncoding::kSsh);
  EXPECT_EQ(from_ssh->bits, 2048);
  EXPECT_EQ(ssh_md5_fingerprint(from_ssh->wire), kFingerprint2048);
  EXPECT_EQ(ssh_public_key_line(from_ssh->wire), kSsh2048);
  EXPECT_EQ(*pem_public_key(from_ssh->wire), kPem2048);

  for (const char* pem : {kPem2048, kPkcs1_2048}) {
    auto from_pem = parse_rsa_public_key(pem);
    ASSERT_TRUE(from_pem.has_value()) << from_pem.error().message;
    EXPECT_EQ(from_pem->encoding, PublicKeyEncoding::kPem);
    EXPECT_EQ(from_pem->bits, 2048);
    EXPECT_EQ(from_pem->wire, from_ssh->wire);
  }
  auto small = parse_rsa_public_key(kSsh1024);
  ASSERT_TRUE(small.has_value());
  EXPECT_EQ(small->bits, 1024);  // the 2048-bit minimum is IAM's rule, checked above common
}

struct BadKeyCase {
  const char* text;
  std::string_view code;
};

TEST(SshKey, RejectsWhatIsNotAnRsaPublicKey) {
  const std::string ssh(kSsh2048);
  const std::string truncated = ssh.substr(0, ssh.size() - 8);
  const std::string pem(kPem2048);
  const std::string broken_pem = pem.substr(0, 60) + "!!!!" + pem.substr(64);
  const BadKeyCase cases[] = {
      {"hello", kUnrecognizedKeyEncoding},
      {"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl", kUnrecognizedKeyEncoding},
      {"ssh-dss AAAAB3NzaC1kc3MAAACBAP", kUnrecognizedKeyEncoding},
      {"ssh-rsa", kInvalidKey},
      {"ssh-rsa not*base64", kInvalidKey},
      {"ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl", kInvalidKey},  // inner type
      {truncated.c_str(), kInvalidKey},
      {broken_pem.c_str(), kInvalidKey},
      {"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", kInvalidKey},
      {"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n", kInvalidKey},
  };
  for (const BadKeyCase& c : cases) {
    auto r = parse_rsa_public_key(c.text);
    ASSERT_FALSE(r.has_value()) << c.text;
    EXPECT_EQ(r.error().code, c.code) << c.text;
  }
}

}  // namespace
}  // namespace iamd::formats
