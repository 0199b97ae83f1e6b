#include "saml_signer.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <xmlsec/crypto.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/strings.h"
#include "formats/saml_response.h"

namespace iamd::testing {

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("sign_saml: " + what);
}

xmlNode* find_id(xmlNode* n, const std::string& id) {
  for (; n != nullptr; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    xmlAttr* a = xmlHasNsProp(n, BAD_CAST "ID", nullptr);
    if (a != nullptr) {
      xmlChar* v = xmlGetNoNsProp(n, BAD_CAST "ID");
      const bool match = v != nullptr && id == reinterpret_cast<const char*>(v);
      xmlFree(v);
      if (match) return n;
    }
    if (xmlNode* c = find_id(n->children, id)) return c;
  }
  return nullptr;
}

}  // namespace

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string pem_to_der(const std::string& cert_pem) {
  std::string b64;
  std::istringstream in(cert_pem);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("-----")) continue;
    b64 += line;
  }
  std::string der;
  if (!common::base64_decode(b64, der)) throw std::runtime_error("bad PEM");
  return der;
}

std::string sign_saml(const std::string& xml, const std::string& id, const std::string& key_pem,
                      const std::string& cert_pem) {
  if (!formats::init_xml_security()) fail("xmlsec init");
  xmlDoc* doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "in.xml", nullptr, XML_PARSE_NONET);
  if (doc == nullptr) fail("parse");
  xmlNode* target = find_id(xmlDocGetRootElement(doc), id);
  if (target == nullptr) fail("no element with ID " + id);
  xmlAddID(nullptr, doc, BAD_CAST id.c_str(), xmlHasNsProp(target, BAD_CAST "ID", nullptr));
  xmlNode* sig = xmlSecTmplSignatureCreate(doc, xmlSecTransformExclC14NId, xmlSecTransformRsaSha256Id, nullptr);
  if (sig == nullptr) fail("template");
  // After the Issuer (its first element child), else first.
  xmlNode* first = target->children;
  while (first != nullptr && first->type != XML_ELEMENT_NODE) first = first->next;
  if (first != nullptr && xmlStrEqual(first->name, BAD_CAST "Issuer") != 0) {
    xmlAddNextSibling(first, sig);
  } else if (first != nullptr) {
    xmlAddPrevSibling(first, sig);
  } else {
    xmlAddChild(target, sig);
  }
  const std::string uri = "#" + id;
  xmlNode* ref = xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, nullptr, BAD_CAST uri.c_str(), nullptr);
  if (ref == nullptr || xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId) == nullptr ||
      xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId) == nullptr) {
    fail("reference");
  }
  xmlNode* key_info = xmlSecTmplSignatureEnsureKeyInfo(sig, nullptr);
  if (key_info == nullptr || xmlSecTmplKeyInfoAddX509Data(key_info) == nullptr) fail("keyinfo");
  xmlSecDSigCtx* ctx = xmlSecDSigCtxCreate(nullptr);
  ctx->signKey = xmlSecCryptoAppKeyLoadMemory(reinterpret_cast<const xmlSecByte*>(key_pem.data()),
                                              static_cast<xmlSecSize>(key_pem.size()), xmlSecKeyDataFormatPem, nullptr,
                                              nullptr, nullptr);
  if (ctx->signKey == nullptr) fail("key");
  if (xmlSecCryptoAppKeyCertLoadMemory(ctx->signKey, reinterpret_cast<const xmlSecByte*>(cert_pem.data()),
                                       static_cast<xmlSecSize>(cert_pem.size()), xmlSecKeyDataFormatPem) < 0) {
    fail("cert");
  }
  if (xmlSecDSigCtxSign(ctx, sig) < 0) fail("sign");
  xmlSecDSigCtxDestroy(ctx);
  xmlChar* out = nullptr;
  int size = 0;
  xmlDocDumpMemory(doc, &out, &size);
  std::string signed_xml(reinterpret_cast<const char*>(out), static_cast<std::size_t>(size));
  xmlFree(out);
  xmlFreeDoc(doc);
  return signed_xml;
}

}  // namespace iamd::testing
