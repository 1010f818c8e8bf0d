// The survey module's store (domain/survey/stores.h) over sql::Database.
// The SQL is shared by both backends; see storage/migrations/0008_survey.sql
// for the tables.
#pragma once

#include <memory>

#include "domain/survey/stores.h"
#include "sql/sql.h"

namespace waymark::storage {

// Borrows `db`, which must outlive it. Thread-safe.
class SurveyStores {
 public:
  explicit SurveyStores(sql::Database& db);
  ~SurveyStores();
  SurveyStores(const SurveyStores&) = delete;
  SurveyStores& operator=(const SurveyStores&) = delete;

  survey::SurveyStore& store();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace waymark::storage
