// saml_sign KEY_PEM CERT_PEM ID < document > signed document: the e2e tests' identity
// provider (tests/e2e/saml_test.py), signing with libxmlsec (saml_signer.h).
#include <iostream>
#include <iterator>
#include <stdexcept>

#include "saml_signer.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: saml_sign KEY_PEM CERT_PEM ID < xml\n";
    return 2;
  }
  try {
    const std::string xml{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    std::cout << iamd::testing::sign_saml(xml, argv[3], iamd::testing::read_file(argv[1]),
                                          iamd::testing::read_file(argv[2]));
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
