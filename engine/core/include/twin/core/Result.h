// Result<T> and Error: how a module reports a wholly unusable input without throwing.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "twin/core/Assert.h"

namespace twin::core {

/** What went wrong, for a person: names the function, the input (file, key, record) and what
    was expected, e.g. "geo::readVector(): cau.osm: not a recognised vector format". */
struct Error {
  std::string message;
};

/** Either a value or an Error. Accessing the wrong alternative is a programming error
    (TWIN_ASSERT), never undefined behaviour. */
template <class T>
class Result {
 public:
  Result(T value) : _v(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : _v(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return _v.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    TWIN_ASSERT(ok(), "core::Result::value(): holds an error: " + errorText());
    return std::get<0>(_v);
  }
  const T& value() const& {
    TWIN_ASSERT(ok(), "core::Result::value(): holds an error: " + errorText());
    return std::get<0>(_v);
  }
  T&& value() && {
    TWIN_ASSERT(ok(), "core::Result::value(): holds an error: " + errorText());
    return std::get<0>(std::move(_v));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    TWIN_ASSERT(!ok(), "core::Result::error(): holds a value");
    return std::get<1>(_v);
  }

 private:
  std::string errorText() const { return ok() ? std::string() : std::get<1>(_v).message; }
  std::variant<T, Error> _v;
};

/** Result of an operation that returns nothing but may fail. */
struct Ok {};
using Status = Result<Ok>;

/** Shorthand: `return fail("geo::Transform::create(): unknown CRS '" + s + "'");` */
inline Error fail(std::string message) { return Error{std::move(message)}; }

}  // namespace twin::core
