#include "core/fields.h"

#include "core/strings.h"

namespace waymark {

// Checks one text value; false (with the field's error) when it is unacceptable.
bool CheckTextField(FieldErrors& errors, const std::string& field, const std::string& value, std::size_t max,
                    bool multiline) {
  if (!IsValidUtf8(value)) {
    errors.Add(field, "utf8", "is not valid UTF-8");
    return false;
  }
  if (HasControlCharacters(value, multiline)) {
    errors.Add(field, "control_characters", "contains control characters");
    return false;
  }
  if (!multiline && HasBidiControls(value)) {
    errors.Add(field, "bidi_controls",
               "contains bidirectional control characters (U+202A-U+202E, U+2066-U+2069)");
    return false;
  }
  if (Utf8Length(value) > max) {
    errors.Add(field, "too_long", "is longer than " + std::to_string(max) + " characters",
               {{"max", std::to_string(max)}});
    return false;
  }
  return true;
}

}  // namespace waymark
