// The SAML response fuzz entry point, shared by fuzz/saml_response_fuzz.cc and the seed-replay
// test (tests/fuzz_replay_test.cc): the bytes are taken as the response document, base64ed as
// AssumeRoleWithSAML receives it, and verified (formats/saml_response.h) with the test
// identity provider's certificate (tests/iam/saml/idp-cert.pem), so signed seeds reach
// libxmlsec's reference and signature processing. It must never crash, leak or trip a
// sanitizer, and fails only with the documented codes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/strings.h"
#include "formats/saml_response.h"

namespace iamd::fuzz {

inline void saml_response_target(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::string> certificates = [] {
    std::string der;
    common::base64_decode(
        "MIIDEzCCAfugAwIBAgIUdtty8GkLLpZBhNXfWBw0I0sHVwgwDQYJKoZIhvcNAQELBQAwGDEWMBQGA1UEAwwNaWFtZCB0ZXN0IGlkcDAgFw0yNj"
        "EyMDQyMzMyMzlaGA8yMTI2MTExMDIzMzIzOVowGDEWMBQGA1UEAwwNaWFtZCB0ZXN0IGlkcDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoC"
        "ggEBAOFnOqssEoNxyBH1ZFuDDlhNgRuOSuG7HWfdM2IpSdwnzz0+HFOPg12wUWGF8HCikdvJLYQLrmwau/3Sj0OU1nMt/"
        "g3N6fMrBYNM46TMf8WLkbok7l+k4wCIDeWfbyhkAQyGI9HiE5lYT8nh1mxVj9htvrXskykatM15TXIJEmgXga8G8QJXzWAV/"
        "BD8PBRad1pBbWUNDI5isDaVXzyUKGeqb36RK0RiWygzCojk6Zs+sGCVBAcrccWddUiqElgE2wex5IXXoeCzVl6nKjBjrUWDqKqocBA0BZCRfM/"
        "J+7duf7vo3czf/4XgBK8iE5H1Q8ZWo29xmgHGuPWTDCFnu0sCAwEAAaNTMFEwHQYDVR0OBBYEFDyKKrlQifhTVgvo2uqlwkCJ85/"
        "WMB8GA1UdIwQYMBaAFDyKKrlQifhTVgvo2uqlwkCJ85/WMA8GA1UdEwEB/"
        "wQFMAMBAf8wDQYJKoZIhvcNAQELBQADggEBAKMVk4d6jIoc5S2ss5hoE/Vl5kVRus2iOe/9faWFMVKOC6wWOipVfhK57QE+2gI/"
        "InZyMBIivIQxlLyo5tElIJp26FEVEOwr98z4FUueahDK2VjCd35/"
        "qa10E+xiHLWwde7RY3RuFQ5Zm9ZjYxusviQAcYAUhn0vje+hYX5r5tkLzOOGvQMT5PFJAzLI0IKHhRv7LN4x9Z1M2s/8/"
        "N0SsPgpkN4PV4iS2l7DYlagR82jST6du/EiHKqZc8iFJ1MJaOA4r5IJ/"
        "m9fvQykPuYTnBOjx8HZwJQUjv8qgyRCXca4CDZLbN4f6JIbmiL9d40mi2fkFhCFqlv+ADX34WRt7wM=",
        der);
    return std::vector<std::string>{der};
  }();
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  auto a = formats::verify_saml_response(common::base64_encode(xml), certificates);
  if (a) {
    formats::SamlExpectations e;
    e.issuer = a->issuer;
    e.audiences = {"https://signin.aws.amazon.com/saml"};
    e.recipients = e.audiences;
    auto checked = formats::check_saml_assertion(*a, e);
    if (!checked && checked.error().code != "InvalidIdentityToken" && checked.error().code != "ExpiredTokenException") {
      __builtin_trap();
    }
    return;
  }
  const std::string& code = a.error().code;
  if (code != "InvalidIdentityToken" && code != "IDPRejectedClaim") __builtin_trap();
}

}  // namespace iamd::fuzz
