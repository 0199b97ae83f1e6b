// The canonical request and string to sign, exactly as AWS builds them for non-S3 services
// (../shared/spec/api.md §5.3-5.4; checked against botocore's SigV4Auth by the vectors in
// tests/sigv4/vectors.txt). Both the verifier and the signer go through these functions.
// Thread-safety: pure functions; the append_* forms write only to `out`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/time.h"
#include "sigv4/request.h"

namespace iamd::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kTerminator = "aws4_request";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// RFC 3986 percent-encoding as SigV4 wants it: A-Z a-z 0-9 - _ . ~ stay, every other byte
// becomes %XX with uppercase hex; '/' stays too when `keep_slash`.
void append_uri_encoded(std::string_view bytes, bool keep_slash, std::string& out);

// Decodes %XX (either case) and, when `plus_is_space`, '+' as a space. A '%' not followed by
// two hex digits stays literal.
std::string percent_decode(std::string_view text, bool plus_is_space);
void append_percent_decoded(std::string_view text, bool plus_is_space, std::string& out);

// CanonicalURI: the raw path with dot segments and empty segments removed (as botocore's
// normalize_url_path), then every byte outside the unreserved set and '/' encoded. The raw
// path is not decoded first, so "%20" becomes "%2520": non-S3 services encode twice.
void append_canonical_uri(std::string_view raw_path, std::string& out);

// CanonicalQueryString: each `name=value` pair (a missing '=' means an empty value; empty
// pieces between '&' are skipped) is decoded as a form would be ('+' is a space, so what is
// signed is what the protocol decoder reads) and re-encoded, then sorted by name and value
// in byte order. With `presigned`, X-Amz-Signature is left out.
void append_canonical_query(std::string_view raw_query, bool presigned, std::string& out);

// Trimall of one header value: leading and trailing whitespace removed, inner runs of
// whitespace (space, tab, CR, LF, VT, FF, as botocore's str.split()) collapsed to one space.
void append_trimmed_header_value(std::string_view value, std::string& out);

// The whole canonical request:
//   method \n canonical-uri \n canonical-query \n (name:value\n)* \n signed-headers \n payload-hash
// `signed_headers` is the SignedHeaders list as sent (';'-separated, lowercase); each header
// line joins all request headers of that name (case-insensitive) with ','. A listed header
// the request lacks gives "name:" with an empty value (and so, in practice, a mismatch).
void append_canonical_request(const RequestView& request, std::string_view signed_headers,
                              std::string_view payload_hash, bool presigned, std::string& out);
std::string canonical_request(const RequestView& request, std::string_view signed_headers,
                              std::string_view payload_hash, bool presigned);

// AWS4-HMAC-SHA256 \n amz-date \n scope \n hex(sha256(canonical_request)).
// `scope` is "<yyyymmdd>/<region>/<service>/aws4_request".
void append_string_to_sign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request,
                           std::string& out);

// X-Amz-Date's ISO 8601 basic format, "20150830T123600Z", strictly (16 characters, valid
// calendar date and time of day).
std::optional<common::Timestamp> parse_amz_date(std::string_view text);
std::string format_amz_date(common::Timestamp t);

// The HTTP Date header (RFC 1123, "Sun, 30 Aug 2015 12:36:00 GMT"; the weekday is optional
// and not checked; the zone is GMT, UT, UTC, Z or a numeric +hhmm/-hhmm offset, as
// botocore's "-0000").
std::optional<common::Timestamp> parse_http_date(std::string_view text);

}  // namespace iamd::sigv4
