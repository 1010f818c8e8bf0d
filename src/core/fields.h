// Checks shared by every module's validation of typed-in text.
#pragma once

#include <cstddef>
#include <string>

#include "core/status.h"

namespace waymark {

// Checks one text value: valid UTF-8, no control characters (newlines and
// tabs allowed when `multiline`), no bidirectional controls on one line, at
// most `max` characters. False, with the field's error added to `errors`,
// when it is unacceptable.
bool CheckTextField(FieldErrors& errors, const std::string& field, const std::string& value, std::size_t max,
                    bool multiline);

}  // namespace waymark
