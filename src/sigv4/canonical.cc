#include "sigv4/canonical.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "common/strings.h"
#include "sigv4/crypto.h"

namespace iamd::sigv4 {
namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

}  // namespace

void append_percent_decoded(std::string_view text, bool plus_is_space, std::string& out) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
}

namespace {

// One encoded query pair, as offsets into the scratch buffer (which may grow while pairs are
// added, so views are made only when sorting).
struct Pair {
  std::uint32_t name_begin, name_end, value_end;
};

struct QueryScratch {
  std::string decoded;
  std::string encoded;
  std::vector<Pair> pairs;
};

QueryScratch& query_scratch() {
  thread_local QueryScratch s;
  return s;
}

bool parse_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

std::optional<common::Timestamp> make_time(int y, int mo, int d, int h, int mi, int s, std::int64_t offset_seconds) {
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59) return std::nullopt;
  std::int64_t days = common::days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return common::Timestamp{days * 86400 + h * 3600 + mi * 60 + s - offset_seconds, 0};
}

}  // namespace

void append_uri_encoded(std::string_view bytes, bool keep_slash, std::string& out) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0xf]);
    }
  }
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  append_percent_decoded(text, plus_is_space, out);
  return out;
}

void append_canonical_uri(std::string_view raw_path, std::string& out) {
  if (raw_path.empty()) {
    out.push_back('/');
    return;
  }
  // RFC 3986 §5.2.4 plus the removal of empty segments (botocore's remove_dot_segments).
  thread_local std::vector<std::string_view> segments;
  segments.clear();
  std::size_t pos = 0;
  while (pos <= raw_path.size()) {
    std::size_t slash = raw_path.find('/', pos);
    if (slash == std::string_view::npos) slash = raw_path.size();
    std::string_view seg = raw_path.substr(pos, slash - pos);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    pos = slash + 1;
  }
  if (raw_path.front() == '/') out.push_back('/');
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    append_uri_encoded(segments[i], false, out);
  }
  if (raw_path.back() == '/' && !segments.empty()) out.push_back('/');
}

void append_canonical_query(std::string_view raw_query, bool presigned, std::string& out) {
  QueryScratch& s = query_scratch();
  s.encoded.clear();
  s.pairs.clear();
  std::size_t pos = 0;
  while (pos < raw_query.size()) {
    std::size_t amp = raw_query.find('&', pos);
    if (amp == std::string_view::npos) amp = raw_query.size();
    std::string_view piece = raw_query.substr(pos, amp - pos);
    pos = amp + 1;
    if (piece.empty()) continue;
    std::size_t eq = piece.find('=');
    std::string_view name = piece.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    s.decoded.clear();
    append_percent_decoded(name, true, s.decoded);
    if (presigned && s.decoded == "X-Amz-Signature") continue;
    Pair p;
    p.name_begin = static_cast<std::uint32_t>(s.encoded.size());
    append_uri_encoded(s.decoded, false, s.encoded);
    p.name_end = static_cast<std::uint32_t>(s.encoded.size());
    s.decoded.clear();
    append_percent_decoded(value, true, s.decoded);
    append_uri_encoded(s.decoded, false, s.encoded);
    p.value_end = static_cast<std::uint32_t>(s.encoded.size());
    s.pairs.push_back(p);
  }
  const std::string_view all = s.encoded;
  auto name_of = [&](const Pair& p) { return all.substr(p.name_begin, p.name_end - p.name_begin); };
  auto value_of = [&](const Pair& p) { return all.substr(p.name_end, p.value_end - p.name_end); };
  std::sort(s.pairs.begin(), s.pairs.end(), [&](const Pair& a, const Pair& b) {
    int c = name_of(a).compare(name_of(b));
    return c != 0 ? c < 0 : value_of(a) < value_of(b);
  });
  for (std::size_t i = 0; i < s.pairs.size(); ++i) {
    if (i > 0) out.push_back('&');
    out.append(name_of(s.pairs[i]));
    out.push_back('=');
    out.append(value_of(s.pairs[i]));
  }
}

void append_trimmed_header_value(std::string_view value, std::string& out) {
  bool pending_space = false;
  bool any = false;
  for (char c : value) {
    if (is_space(c)) {
      pending_space = any;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    any = true;
    out.push_back(c);
  }
}

void append_canonical_request(const RequestView& request, std::string_view signed_headers,
                              std::string_view payload_hash, bool presigned, std::string& out) {
  out.append(request.method);
  out.push_back('\n');
  append_canonical_uri(request.path, out);
  out.push_back('\n');
  append_canonical_query(request.query, presigned, out);
  out.push_back('\n');
  std::size_t pos = 0;
  while (pos < signed_headers.size()) {
    std::size_t semi = signed_headers.find(';', pos);
    if (semi == std::string_view::npos) semi = signed_headers.size();
    std::string_view name = signed_headers.substr(pos, semi - pos);
    pos = semi + 1;
    out.append(name);
    out.push_back(':');
    bool first = true;
    for (const HeaderView& h : request.headers) {
      if (!common::iequals(h.name, name)) continue;
      if (!first) out.push_back(',');
      first = false;
      append_trimmed_header_value(h.value, out);
    }
    out.push_back('\n');
  }
  out.push_back('\n');
  out.append(signed_headers);
  out.push_back('\n');
  out.append(payload_hash);
}

std::string canonical_request(const RequestView& request, std::string_view signed_headers,
                              std::string_view payload_hash, bool presigned) {
  std::string out;
  append_canonical_request(request, signed_headers, payload_hash, presigned, out);
  return out;
}

void append_string_to_sign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request,
                           std::string& out) {
  out.append(kAlgorithm);
  out.push_back('\n');
  out.append(amz_date);
  out.push_back('\n');
  out.append(scope);
  out.push_back('\n');
  append_hex(sha256(canonical_request), out);
}

std::optional<common::Timestamp> parse_amz_date(std::string_view t) {
  int y, mo, d, h, mi, s;
  if (t.size() != 16 || t[8] != 'T' || t[15] != 'Z') return std::nullopt;
  if (!parse_digits(t, 0, 4, y) || !parse_digits(t, 4, 2, mo) || !parse_digits(t, 6, 2, d) ||
      !parse_digits(t, 9, 2, h) || !parse_digits(t, 11, 2, mi) || !parse_digits(t, 13, 2, s)) {
    return std::nullopt;
  }
  return make_time(y, mo, d, h, mi, s, 0);
}

std::string format_amz_date(common::Timestamp t) {
  // format_iso8601 gives 2015-08-30T12:36:00Z; the basic format drops '-' and ':'.
  std::string iso = common::format_iso8601({t.seconds, 0});
  std::string out;
  out.reserve(16);
  for (char c : iso) {
    if (c != '-' && c != ':') out.push_back(c);
  }
  return out;
}

std::optional<common::Timestamp> parse_http_date(std::string_view t) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::size_t comma = t.find(',');
  if (comma != std::string_view::npos) {
    t.remove_prefix(comma + 1);
    if (t.empty() || t.front() != ' ') return std::nullopt;
    t.remove_prefix(1);
  }
  // "30 Aug 2015 12:36:00 GMT": day (1 or 2 digits), month, year, time, zone.
  int d = 0, y = 0, h = 0, mi = 0, s = 0;
  std::size_t day_len = t.size() > 1 && t[1] == ' ' ? 1 : 2;
  if (!parse_digits(t, 0, day_len, d)) return std::nullopt;
  t.remove_prefix(day_len);
  if (t.size() < 20 || t[0] != ' ' || t[4] != ' ' || t[9] != ' ' || t[12] != ':' || t[15] != ':' || t[18] != ' ') {
    return std::nullopt;
  }
  int mo = 0;
  for (int i = 0; i < 12; ++i) {
    if (t.substr(1, 3) == kMonths[i]) mo = i + 1;
  }
  if (mo == 0 || !parse_digits(t, 5, 4, y) || !parse_digits(t, 10, 2, h) || !parse_digits(t, 13, 2, mi) ||
      !parse_digits(t, 16, 2, s)) {
    return std::nullopt;
  }
  std::string_view zone = t.substr(19);
  std::int64_t offset = 0;
  if (zone == "GMT" || zone == "UT" || zone == "UTC" || zone == "Z") {
    offset = 0;
  } else if (zone.size() == 5 && (zone[0] == '+' || zone[0] == '-')) {
    int zh = 0, zm = 0;
    if (!parse_digits(zone, 1, 2, zh) || !parse_digits(zone, 3, 2, zm) || zh > 23 || zm > 59) return std::nullopt;
    offset = (zh * 3600 + zm * 60) * (zone[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  return make_time(y, mo, d, h, mi, s, offset);
}

}  // namespace iamd::sigv4
