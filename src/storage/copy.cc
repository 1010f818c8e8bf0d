#include "storage/copy.h"

#include <map>

namespace waymark::storage {
namespace {

struct TableSpec {
  const char* name;
  const char* columns;
  const char* order_by;
  bool has_identity;  // an `id` column whose sequence must follow on PostgreSQL
};

const std::vector<TableSpec>& Specs() {
  static const std::vector<TableSpec> specs = {
      {"organisations",
       "id, slug, name, acronym, kind, country, website, description, council_observer, version, created_at, "
       "updated_at",
       "id", true},
      {"users",
       "id, email, email_key, name, locale, password_hash, is_admin, must_change_password, created_at, "
       "updated_at",
       "id", true},
      {"memberships", "user_id, organisation_id, role, created_at", "user_id, organisation_id", false},
      {"sessions", "id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at", "id_hash", false},
      {"api_tokens", "id, user_id, name, token_hash, created_at, last_used_at, revoked_at", "id", true},
      {"signin_failures", "key, at, attempt", "key, at", false},
      {"audit_log", "id, at, actor_user_id, actor_label, action, entity_type, entity_id, details, request_id",
       "id", true},
      // 0002_campaigns. campaigns.adapted_from and posts.quote_of point at
      // smaller ids, so copying in id order keeps them valid.
      {"themes", "code, active", "code", false},
      {"theme_labels", "theme_code, lang, label", "theme_code, lang", false},
      {"campaigns",
       "id, slug, organisation_id, start_date, end_date, stage, lifecycle, visibility, outcomes, licence, "
       "contact, "
       "adapted_from, return_reason, hidden, version, created_by, created_at, updated_at, published_at",
       "id", true},
      {"campaign_texts", "campaign_id, lang, title, summary, body", "campaign_id, lang", false},
      {"campaign_partners", "campaign_id, organisation_id, ord", "campaign_id, organisation_id", false},
      {"campaign_countries", "campaign_id, country", "campaign_id, country", false},
      {"campaign_themes", "campaign_id, theme_code", "campaign_id, theme_code", false},
      {"campaign_channels", "campaign_id, ord, channel", "campaign_id, ord", false},
      {"campaign_audiences", "campaign_id, ord, label", "campaign_id, ord", false},
      {"campaign_figures", "campaign_id, ord, name, value", "campaign_id, ord", false},
      {"campaign_video_links", "campaign_id, ord, url", "campaign_id, ord", false},
      {"media", "id, campaign_id, filename, content_type, byte_size, sha256, caption, created_at, content",
       "id", true},
      {"campaign_revisions",
       "campaign_id, version, at, actor_user_id, actor_label, action, changed, snapshot",
       "campaign_id, version", false},
      {"working_groups", "id, slug, name, purpose, members_only, created_by, created_at", "id", true},
      {"group_members", "group_id, organisation_id, state, coordinator, at", "group_id, organisation_id",
       false},
      {"group_campaigns", "group_id, campaign_id, at", "group_id, campaign_id", false},
      {"threads",
       "id, kind, campaign_id, group_id, title, lang, author_id, organisation_id, post_count, useful_count, "
       "hidden, "
       "created_at, last_post_at",
       "id", true},
      {"thread_tags", "thread_id, tag", "thread_id, tag", false},
      {"posts",
       "id, thread_id, author_id, body, lang, quote_of, quote_text, useful_count, hidden, created_at", "id",
       true},
      {"post_useful", "post_id, user_id", "post_id, user_id", false},
      {"follows", "user_id, target_kind, target_id, at", "user_id, target_kind, target_id", false},
      {"notifications",
       "id, user_id, event, target_kind, target_id, title, actor_name, created_at, read_at, emailed", "id",
       true},
      {"digest_preferences", "user_id, frequency, last_sent_at", "user_id", false},
      {"reports", "id, target_kind, target_id, reporter_id, reason, created_at, resolved_at, resolution",
       "id", true},
      {"search_changes", "seq, kind, ref_id, at", "seq", false},
      // 0004_evidence. Batches before the records and rows that name them.
      {"evidence_batches",
       "id, target, dataset, format, filename, sha256, bytes, imported_by, imported_by_label, started_at, "
       "finished_at, dry_run, accepted, updated, unchanged, rejected, columns_used, columns_ignored, status",
       "id", true},
      {"evidence_incidents",
       "id, dataset, source_id, part, incident_ids, kind, also_split, date_text, date_year, date_month, "
       "date_day, "
       "date_precision, year_given, month_given, year, month, region, regions, country, country_code, "
       "location, "
       "latitude, longitude, route, unsd_grouping, dead, missing, total, survivors, females, males, "
       "children, "
       "causes, cause_list, cause_text, countries_of_origin, regions_of_origin, information_source, urls, "
       "source_quality, version, batch_id, last_batch_id, created_at, updated_at",
       "id", true},
      {"evidence_incident_cells",
       "dataset, year, month, region, country, route, causes, incidents, dead, missing, total",
       "dataset, year, month, region, country, route, causes", false},
      {"evidence_incident_revisions", "incident_id, version, batch_id, at, text", "incident_id, version",
       false},
      {"evidence_displacement",
       "id, dataset, source_id, part, country, country_name, origin, origin_name, area, year, period_start, "
       "period_end, cause, hazard_category, hazard_sub_category, hazard_type, hazard_sub_type, event_name, "
       "event_start, event_end, event_codes, kind, value, rounded, source, latitude, longitude, version, "
       "batch_id, last_batch_id, created_at, updated_at",
       "id", true},
      {"evidence_displacement_cells", "dataset, year, country, cause, hazard_type, kind, records, value",
       "dataset, kind, year, country, cause, hazard_type", false},
      {"evidence_displacement_revisions", "displacement_id, version, batch_id, at, text",
       "displacement_id, version", false},
      {"evidence_quarantine",
       "id, batch_id, target, dataset, format, line, header, raw, problems, status, resolution, resolved_by, "
       "resolved_at, created_at",
       "id", true},
      {"evidence_officers", "user_id", "user_id", false},
      {"evidence_queries", "id, target, title, query, created_by, created_at", "id", true},
      // 0005_practices. practices.merged_into has no foreign key (it may
      // name a newer practice).
      {"practices",
       "id, slug, lifecycle, org_id, sensitivity, status_token_hash, status_expires_at, submitted_from, "
       "merged_into, version, created_at, updated_at, published_at, body",
       "id", true},
      {"practice_revisions", "practice_id, version, at, actor_user_id, actor_label, action, note, snapshot",
       "practice_id, version", false},
      {"practice_messages", "id, practice_id, at, from_moderator, author_user_id, author_name, text", "id",
       true},
      {"practice_adoptions",
       "id, practice_id, org_id, org_slug, org_name, actor_kind, country, start_date, end_date, results, "
       "lang, "
       "created_by, created_at",
       "id", true},
      {"practice_collections", "group_id, practice_id, added_by, added_at", "group_id, practice_id", false},
      {"practice_files", "id, practice_id, filename, content_type, byte_size, sha256, created_at, content",
       "id", true},
      {"practice_terms", "vocabulary, code, parent, position, active, labels", "vocabulary, code", false},
      // 0006_library. Blobs before the files and pages that name them.
      {"library_items",
       "id, slug, item_type, lifecycle, org_id, created_by, doi, match_key, version, created_at, updated_at, "
       "published_at, body, csl",
       "id", true},
      {"library_item_themes", "item_id, theme", "item_id, theme", false},
      {"library_revisions", "item_id, version, at, actor_user_id, actor_label, action, note, snapshot",
       "item_id, version", false},
      {"library_blobs",
       "sha256, media_type, byte_size, page_count, text_status, text_error, created_at, content", "sha256",
       false},
      // 0009_library_blob_chunks: a blob's pieces after it.
      {"library_blob_chunks", "sha256, seq, content", "sha256, seq", false},
      {"library_files", "id, item_id, sha256, filename, created_at", "id", true},
      {"library_pages", "id, sha256, page_number, text", "id", true},
      {"library_terms", "vocabulary, code, position, active, labels", "vocabulary, code", false},
      // 0007_atlas.
      {"atlas_cases",
       "id, slug, org_id, created_by, lifecycle, version, created_at, updated_at, published_at, body", "id",
       true},
      {"atlas_case_revisions", "case_id, version, at, actor_user_id, actor_label, action, note, snapshot",
       "case_id, version", false},
      {"atlas_terms", "id, slug, version, updated_at, body", "id", true},
      {"atlas_topics", "id, slug, position, version, updated_at, body", "id", true},
      // 0008_survey. Batches before their answers.
      {"survey_batches",
       "id, org_id, label, country, lang, state, token, created_by, created_at, closed_at, withdrawn_at, "
       "withdraw_reason, withdrawn_answers",
       "id", true},
      {"survey_answers",
       "id, batch_id, org_id, interview_country, lang, origin, destination, year_left, month_left, age_band, "
       "gender, reasons, env_reason, env_factors, env_how, submitted_from, created_at",
       "id", true},
      // 0010_consultations. Points after their consultation and parent (by id);
      // action_points.carried_to has no foreign key.
      {"consultations", "id, slug, year, starts_on, status, version, created_at, updated_at, body", "id",
       true},
      {"consultation_sessions", "id, consultation_id, starts, ends, body", "id", true},
      {"action_points",
       "id, consultation_id, number, parent_id, status, target_date, owner_keys, theme_keys, carried_from, "
       "carried_to, version, created_at, updated_at, body",
       "id", true},
      {"action_point_updates", "id, point_id, at, text, links, author_id, author_name, progress", "id", true},
      {"consultation_revisions",
       "id, entity_type, entity_id, version, at, actor_user_id, actor_label, action, note, snapshot", "id",
       true},
      {"consultation_registrations",
       "id, consultation_id, name, email, email_key, organisation, state, token, created_at, cancelled_at",
       "id", true},
      // 0011_futures. Workshops after the consultations they link to,
      // statements after the action points they name.
      {"futures_workshops",
       "id, slug, consultation_id, session_id, phase, facilitator_id, version, created_at, updated_at, body",
       "id", true},
      {"futures_statements", "id, workshop_id, area, breakout, kind, author_id, point_id, created_at, body",
       "id", true},
      {"futures_ratings", "statement_id, user_id, workshop_id, likelihood, desirability, at",
       "statement_id, user_id", false},
      {"futures_votes", "id, workshop_id, statement_id, user_id, slot, at", "id", true},
      // 0012_forecasts. A what-if scenario after its parent (by id).
      {"forecast_scenarios",
       "id, title, owner_id, published, parent_id, origin, version, created_at, updated_at, body", "id",
       true},
      {"forecast_files", "scenario_id, path, content", "scenario_id, path", false},
      {"forecast_runs",
       "id, scenario_id, requested_by, state, seeds, first_seed, progress, error, created_at, started_at, "
       "finished_at, summary, heartbeat_at, cancel_requested",
       "id", true},
      {"forecast_run_camps", "run_id, day, camp, simulated, observed", "run_id, day, camp", false},
      {"forecast_run_errors", "run_id, day, error, error_rescaled", "run_id, day", false},
      // 0013_consultations_documents: after the consultations.
      {"consultation_documents",
       "id, consultation_id, library_item_id, kind, language, title, position, created_at", "id", true},
      // 0016_thesaurus.
      {"thesaurus_concepts", "id, slug, status, version, created_at, updated_at, proposed_by, terms", "id",
       true},
      // 0018_evidence_stats_versions.
      {"evidence_stats_versions", "dataset, version", "dataset", false},
  };
  return specs;
}

// Tables a migration fills (the theme vocabulary): present in an otherwise
// empty target, and replaced by the source's rows.
bool SeededByMigrations(const std::string& table) { return table == "themes" || table == "theme_labels"; }

Result<std::int64_t> CountRows(sql::Connection& c, const std::string& table) {
  WM_ASSIGN_OR_RETURN(sql::Row r, c.QueryOne("SELECT COUNT(*) FROM " + table, {}));
  return r.Int(0);
}

Result<int> SchemaVersion(sql::Connection& c) {
  WM_ASSIGN_OR_RETURN(sql::Row r, c.QueryOne("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}));
  return static_cast<int>(r.Int(0));
}

}  // namespace

const std::vector<std::string>& CopiedTables() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& s : Specs()) out.emplace_back(s.name);
    return out;
  }();
  return names;
}

Result<CopyReport> CopyDatabase(sql::Database& from, sql::Database& to, bool replace, int batch_rows,
                                const CopyProgress& progress) {
  if (batch_rows < 1) batch_rows = 1;
  auto src_lease = from.Acquire();
  if (!src_lease.ok()) return src_lease.status().WithContext("source");
  sql::Connection& src = **src_lease;
  WM_RETURN_IF_ERROR(src.Begin(false));
  if (src.dialect() == sql::Dialect::kPostgres) {
    WM_RETURN_IF_ERROR(src.ExecuteScript("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
  }
  // Read the source's snapshot before the target transaction starts.
  WM_ASSIGN_OR_RETURN(int src_version, SchemaVersion(src));

  auto result = sql::Transact<CopyReport>(to, true, [&](sql::Connection& dst) -> Result<CopyReport> {
    WM_ASSIGN_OR_RETURN(int dst_version, SchemaVersion(dst));
    if (src_version != dst_version) {
      return Status::InvalidArgument("source is at schema version " + std::to_string(src_version) +
                                     " and target at " + std::to_string(dst_version) +
                                     "; migrate both first");
    }
    std::int64_t existing = 0;
    for (const auto& spec : Specs()) {
      if (SeededByMigrations(spec.name)) continue;  // every migrated database has these
      WM_ASSIGN_OR_RETURN(std::int64_t n, CountRows(dst, spec.name));
      existing += n;
    }
    if (existing > 0 && !replace) {
      return Status::InvalidArgument("target is not empty (" + std::to_string(existing) +
                                     " rows); pass --replace to overwrite it");
    }
    // Also clears the seeded vocabularies: the source's version replaces them.
    for (auto it = Specs().rbegin(); it != Specs().rend(); ++it) {
      WM_RETURN_IF_ERROR(dst.Execute(std::string("DELETE FROM ") + it->name, {}).status());
    }
    CopyReport report;
    for (const auto& spec : Specs()) {
      WM_ASSIGN_OR_RETURN(std::int64_t total, CountRows(src, spec.name));
      std::string cols = spec.columns;
      std::size_t ncols = 1;
      for (char ch : cols) ncols += ch == ',' ? 1 : 0;
      std::string placeholders;
      for (std::size_t i = 1; i <= ncols; ++i) placeholders += (i > 1 ? ", $" : "$") + std::to_string(i);
      std::string insert = std::string("INSERT INTO ") + spec.name;
      insert.append(" (").append(cols).append(") VALUES (").append(placeholders).append(")");
      std::string select =
          "SELECT " + cols + " FROM " + spec.name + " ORDER BY " + spec.order_by + " LIMIT $1 OFFSET $2";
      std::int64_t done = 0;
      while (true) {
        WM_ASSIGN_OR_RETURN(auto rows, src.Query(select, {static_cast<std::int64_t>(batch_rows), done}));
        if (rows.empty()) break;
        for (const auto& row : rows) {
          sql::Params params;
          params.reserve(ncols);
          for (std::size_t i = 0; i < ncols; ++i) {
            if (row.IsNull(i)) {
              params.emplace_back(sql::Null{});
            } else if (row.IsBlob(i)) {
              params.push_back(row.Get(i));
            } else {
              params.emplace_back(row.Text(i));
            }
          }
          Status s = dst.Execute(insert, params).status();
          if (!s.ok())
            return s.WithContext(std::string("copying ") + spec.name + " row " + std::to_string(done + 1));
          ++done;
        }
        if (progress) progress(spec.name, done, total);
        if (static_cast<int>(rows.size()) < batch_rows) break;
      }
      if (dst.dialect() == sql::Dialect::kPostgres && spec.has_identity) {
        WM_RETURN_IF_ERROR(dst.Query(std::string("SELECT setval(pg_get_serial_sequence('") + spec.name +
                                         "', 'id'), COALESCE((SELECT MAX(id) FROM " + spec.name +
                                         "), 0) + 1, false)",
                                     {})
                               .status());
      }
      WM_ASSIGN_OR_RETURN(std::int64_t copied, CountRows(dst, spec.name));
      if (copied != total) {
        return Status::Internal(std::string("row count mismatch in ") + spec.name + ": source " +
                                std::to_string(total) + ", target " + std::to_string(copied));
      }
      report.tables.push_back({spec.name, copied});
    }
    return report;
  });
  (void)src.Rollback();
  return result;
}

}  // namespace waymark::storage
