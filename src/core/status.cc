#include "core/status.h"

namespace waymark {

const char* KindName(Status::Kind kind) {
  switch (kind) {
    case Status::Kind::kOk: return "ok";
    case Status::Kind::kInvalidArgument: return "invalid_argument";
    case Status::Kind::kValidation: return "validation_failed";
    case Status::Kind::kUnauthenticated: return "unauthenticated";
    case Status::Kind::kPermissionDenied: return "forbidden";
    case Status::Kind::kNotFound: return "not_found";
    case Status::Kind::kConflict: return "conflict";
    case Status::Kind::kTooManyRequests: return "too_many_requests";
    case Status::Kind::kUnsupportedMediaType: return "unsupported_media_type";
    case Status::Kind::kPayloadTooLarge: return "payload_too_large";
    case Status::Kind::kUnavailable: return "unavailable";
    case Status::Kind::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace waymark
