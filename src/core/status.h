// Status and Result<T>: expected failures as values.
//
// A Status carries a Kind that the HTTP edge maps to a response status in one
// place (web/errors.cc), plus a message for people and, for validation
// failures, a map of field name -> problem. Bugs are not Statuses; they are
// assertions.
#pragma once

#include <cassert>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace waymark {

// A machine-readable reason for one field's validation failure, so that the
// web layer can say it in the reader's language: code "too_long" with args
// {"max": "200"}.
struct FieldCode {
  std::string code;
  std::map<std::string, std::string> args;
};

class Status {
 public:
  enum class Kind {
    kOk,
    kInvalidArgument,   // malformed input: bad JSON, bad URL, bad flag
    kValidation,        // well-formed but unacceptable field values
    kUnauthenticated,   // no or bad credentials
    kPermissionDenied,  // authenticated but not allowed
    kNotFound,
    kConflict,              // unique key taken, stale version
    kTooManyRequests,       // throttled; retry_after_seconds says when
    kUnsupportedMediaType,  // input in a format we do not take
    kPayloadTooLarge,       // input larger than a limit
    kUnavailable,           // database down or busy; retry later
    kInternal,
  };

  Status() = default;
  Status(Kind kind, std::string message) : kind_(kind), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string m) { return {Kind::kInvalidArgument, std::move(m)}; }
  static Status Validation(std::map<std::string, std::string> fields, std::string m = "validation failed") {
    Status s(Kind::kValidation, std::move(m));
    s.fields_ = std::move(fields);
    return s;
  }
  static Status Unauthenticated(std::string m) { return {Kind::kUnauthenticated, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {Kind::kPermissionDenied, std::move(m)}; }
  static Status NotFound(std::string m) { return {Kind::kNotFound, std::move(m)}; }
  static Status Conflict(std::string m) { return {Kind::kConflict, std::move(m)}; }
  static Status TooManyRequests(std::string m, int retry_after_seconds) {
    Status s(Kind::kTooManyRequests, std::move(m));
    s.retry_after_seconds_ = retry_after_seconds;
    return s;
  }
  static Status UnsupportedMediaType(std::string m) { return {Kind::kUnsupportedMediaType, std::move(m)}; }
  static Status PayloadTooLarge(std::string m) { return {Kind::kPayloadTooLarge, std::move(m)}; }
  static Status Unavailable(std::string m) { return {Kind::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {Kind::kInternal, std::move(m)}; }

  bool ok() const { return kind_ == Kind::kOk; }
  Kind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  const std::map<std::string, std::string>& fields() const { return fields_; }
  const std::map<std::string, FieldCode>& field_codes() const { return field_codes_; }
  void SetFieldCodes(std::map<std::string, FieldCode> codes) { field_codes_ = std::move(codes); }
  int retry_after_seconds() const { return retry_after_seconds_; }

  bool IsNotFound() const { return kind_ == Kind::kNotFound; }
  bool IsConflict() const { return kind_ == Kind::kConflict; }

  // Prefixes the message with context, e.g. "migration 3: " + message.
  Status WithContext(const std::string& context) const {
    Status s = *this;
    s.message_ = context + ": " + message_;
    return s;
  }

 private:
  Kind kind_ = Kind::kOk;
  std::string message_;
  std::map<std::string, std::string> fields_;
  std::map<std::string, FieldCode> field_codes_;
  int retry_after_seconds_ = 0;
};

// Collects field errors, each with an English message and a code, and
// turns them into one Validation status.
class FieldErrors {
 public:
  void Add(const std::string& field, std::string code, std::string message,
           std::map<std::string, std::string> args = {}) {
    if (messages_.count(field)) return;  // the first problem with a field is the one to fix
    messages_[field] = std::move(message);
    codes_[field] = FieldCode{std::move(code), std::move(args)};
  }
  bool empty() const { return messages_.empty(); }
  bool Has(const std::string& field) const { return messages_.count(field) > 0; }
  Status ToStatus(std::string message = "validation failed") const {
    Status s = Status::Validation(messages_, std::move(message));
    s.SetFieldCodes(codes_);
    return s;
  }

 private:
  std::map<std::string, std::string> messages_;
  std::map<std::string, FieldCode> codes_;
};

const char* KindName(Status::Kind kind);

// Result<T> holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    // Invariant: a Result built from a Status always carries an error; an OK
    // Status here would leave the caller with no value to read.
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace waymark

// Propagates a non-OK Status from an expression returning Status.
#define WM_RETURN_IF_ERROR(expr)      \
  do {                                \
    ::waymark::Status wm_s_ = (expr); \
    if (!wm_s_.ok()) return wm_s_;    \
  } while (0)

#define WM_CONCAT_INNER(a, b) a##b
#define WM_CONCAT(a, b) WM_CONCAT_INNER(a, b)
// Declares `lhs` from a Result expression, or returns its Status. `lhs` is
// a declaration ("Campaign c"), so it cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define WM_ASSIGN_OR_RETURN(lhs, expr) WM_ASSIGN_OR_RETURN_IMPL(WM_CONCAT(wm_r_, __LINE__), lhs, expr)
#define WM_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
