// Where a consultation's documents (its report, its agenda, other papers)
// are kept: in the library, as published items with one file each. The
// consultations module keeps only the link (domain/consultations/model.h,
// ConsultationDocument); the app implements this port over
// library::LibraryService (src/app/runtime.cc), which sniffs the type from
// the bytes, enforces its size limit, stores each file once by checksum and
// extracts a PDF's text for search. This module never sees the library's
// types.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "core/byte_source.h"
#include "core/status.h"
#include "domain/accounts/stores.h"
#include "domain/consultations/model.h"

namespace waymark::consultations {

// A library item's file, as a consultation's page shows it.
struct ShelvedFile {
  Id item_id = 0;
  Id file_id = 0;
  std::string filename;
  std::string media_type;  // from the content
  std::int64_t size = 0;
  std::string url;  // where it is downloaded ("/library/files/7")
};

class DocumentLibrary {
 public:
  virtual ~DocumentLibrary() = default;
  // The largest file the library takes, in bytes.
  virtual std::int64_t MaxBytes() const = 0;
  // Adds `bytes` to the library as a published item titled `title` (in
  // `language`, dated `year`) with one file. UnsupportedMediaType for a type
  // the library does not take, PayloadTooLarge over MaxBytes; nothing is
  // left published when it fails.
  virtual Result<ShelvedFile> Shelve(const accounts::Actor& actor, const std::string& title,
                                     const std::string& language, int year, const std::string& filename,
                                     const ByteSource& bytes) = 0;
  // The item's file; NotFound when the item or its file is gone.
  virtual Result<ShelvedFile> Describe(Id item_id) = 0;
  // Takes the item out of the library (archived: its history stays).
  virtual Status Withdraw(const accounts::Actor& actor, Id item_id, const std::string& reason) = 0;
};

}  // namespace waymark::consultations
