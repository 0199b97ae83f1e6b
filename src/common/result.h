// Result<T>: the one type for expected failures (GCC 12 has no std::expected; the member
// names follow it so it can be swapped later). Programmer errors are assertions, not Results.
// Thread-safety: a value type; no shared state.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace iamd::common {

// An expected failure. `code` is the AWS error code it maps to at the edge
// (MalformedPolicyDocument, LimitExceeded, ...); `path` points into the input (a JSONPath
// for policy documents), empty when there is nothing to point at. `reason`: the Reason member
// of the error shapes that have one (Organizations' InvalidInputException,
// ConstraintViolationException, ...: "INVALID_PATTERN"), written by the JSON error envelope;
// empty for every other error.
struct Error {
  std::string code;
  std::string message;
  std::string path;
  std::string reason;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & {
    assert(has_value());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(v_));
  }
  const Error& error() const {
    assert(!has_value());
    return std::get<1>(v_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)
  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace iamd::common
