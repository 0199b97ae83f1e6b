#include "http/message.h"

#include <algorithm>

#include "common/strings.h"

namespace iamd::http {

void Headers::add(std::string_view name, std::string_view value) {
  if (size_ == slots_.size()) {
    slots_.push_back(Field{std::string(name), std::string(value)});
  } else {
    slots_[size_].name.assign(name);
    slots_[size_].value.assign(value);
  }
  ++size_;
}

void Headers::set(std::string_view name, std::string_view value) {
  auto live_end = slots_.begin() + static_cast<std::ptrdiff_t>(size_);
  auto first = std::find_if(slots_.begin(), live_end, [&](const Field& f) { return common::iequals(f.name, name); });
  if (first == live_end) {
    add(name, value);
    return;
  }
  first->value.assign(value);
  // Later duplicates move behind the live range, where they stay as spare slots.
  auto kept =
      std::stable_partition(first + 1, live_end, [&](const Field& f) { return !common::iequals(f.name, name); });
  size_ = static_cast<std::size_t>(kept - slots_.begin());
}

void Headers::remove(std::string_view name) {
  auto live_end = slots_.begin() + static_cast<std::ptrdiff_t>(size_);
  auto kept =
      std::stable_partition(slots_.begin(), live_end, [&](const Field& f) { return !common::iequals(f.name, name); });
  size_ = static_cast<std::size_t>(kept - slots_.begin());
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (std::size_t i = 0; i < size_; ++i) {
    if (common::iequals(slots_[i].name, name)) return std::string_view(slots_[i].value);
  }
  return std::nullopt;
}

std::string_view Request::path() const {
  std::string_view t = target;
  t = t.substr(0, t.find('?'));
  if (!t.empty() && t.front() != '/') {
    // absolute-form (RFC 9112 §3.2.2): skip "scheme://authority".
    auto scheme_end = t.find("://");
    if (scheme_end != std::string_view::npos) {
      auto slash = t.find('/', scheme_end + 3);
      return slash == std::string_view::npos ? std::string_view("/") : t.substr(slash);
    }
  }
  return t.empty() ? std::string_view("/") : t;
}

std::string_view Request::query() const {
  std::string_view t = target;
  auto q = t.find('?');
  return q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

}  // namespace iamd::http
