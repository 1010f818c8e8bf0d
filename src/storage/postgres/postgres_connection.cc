#include "storage/postgres/postgres_connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace waymark::storage {
namespace {

// pg_type.oid of bytea (stable across versions; catalog/pg_type.dat).
constexpr Oid kByteaOid = 17;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

struct ConninfoDeleter {
  void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};

// Server notices (e.g. "table does not exist, skipping") are not errors; libpq
// would print them on stderr.
void IgnoreNotice(void* /*arg*/, const char* /*message*/) {}

// libpq messages end in a newline and may carry a second, indented hint line.
std::string FirstLine(std::string_view s) {
  std::size_t end = s.find('\n');
  if (end != std::string_view::npos) s = s.substr(0, end);
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
  for (std::string_view severity : {"FATAL:  ", "ERROR:  "}) {
    if (s.substr(0, severity.size()) == severity) s.remove_prefix(severity.size());
  }
  return std::string(s);
}

// Replaces every occurrence of any password written in `conninfo` (URI user
// info, "password=" in a URI query or key=value form) in `text` by "***":
// libpq repeats the whole URI in some of its parse errors.
std::string RedactPasswords(std::string text, std::string_view conninfo) {
  std::vector<std::string> secrets;
  if (std::size_t scheme = conninfo.find("://"); scheme != std::string_view::npos) {
    std::string_view rest = conninfo.substr(scheme + 3);
    std::size_t at = rest.find('@');
    std::size_t slash = rest.find_first_of("/?");
    if (at != std::string_view::npos && (slash == std::string_view::npos || at < slash)) {
      std::string_view userinfo = rest.substr(0, at);
      if (std::size_t colon = userinfo.find(':'); colon != std::string_view::npos) {
        secrets.emplace_back(userinfo.substr(colon + 1));
      }
    }
  }
  for (std::size_t pos = conninfo.find("password="); pos != std::string_view::npos;
       pos = conninfo.find("password=", pos + 1)) {
    std::string_view value = conninfo.substr(pos + 9);
    if (!value.empty() && value.front() == '\'') {
      value = value.substr(1);
      value = value.substr(0, value.find('\''));
    } else {
      value = value.substr(0, value.find_first_of("& \t\n"));
    }
    secrets.emplace_back(value);
  }
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (std::size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3)) {
      text.replace(pos, secret.size(), "***");
    }
  }
  return text;
}

std::string DoubleText(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::general, 17);  // like "%.17g"
  return std::string(buf, r.ptr);
}

class PostgresConnection final : public sql::Connection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Result<std::vector<sql::Row>> Query(std::string_view sql, const sql::Params& params) override {
    WM_ASSIGN_OR_RETURN(ResultPtr res, Run(sql, params));
    const int nrows = PQntuples(res.get());
    const int ncols = PQnfields(res.get());
    std::vector<sql::Row> rows;
    rows.reserve(static_cast<std::size_t>(nrows));
    for (int r = 0; r < nrows; ++r) {
      std::vector<sql::Value> cols;
      cols.reserve(static_cast<std::size_t>(ncols));
      for (int c = 0; c < ncols; ++c) {
        if (PQgetisnull(res.get(), r, c)) {
          cols.emplace_back(sql::Null{});
        } else if (PQftype(res.get(), c) == kByteaOid) {
          // Text-format results carry bytea as "\x<hex>"; hand back the bytes.
          std::size_t size = 0;
          unsigned char* bytes =
              PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(res.get(), r, c)), &size);
          if (bytes == nullptr) return Status::Internal("postgres: cannot decode a bytea value");
          cols.emplace_back(sql::Blob{std::string(reinterpret_cast<const char*>(bytes), size)});
          PQfreemem(bytes);
        } else {
          cols.emplace_back(std::string(PQgetvalue(res.get(), r, c),
                                        static_cast<std::size_t>(PQgetlength(res.get(), r, c))));
        }
      }
      rows.emplace_back(std::move(cols));
    }
    return rows;
  }

  Result<std::int64_t> Execute(std::string_view sql, const sql::Params& params) override {
    WM_ASSIGN_OR_RETURN(ResultPtr res, Run(sql, params));
    const char* tuples = PQcmdTuples(res.get());  // "" for statements that change no rows
    std::int64_t n = 0;
    std::from_chars(tuples, tuples + std::strlen(tuples), n);
    return n;
  }

  // Scripts (migrations) are counted as writes: they are rare. A lone SET
  // (a read snapshot's SET TRANSACTION ... READ ONLY) changes no data.
  Status ExecuteScript(std::string_view sql) override {
    Status s = Exec(sql);
    const bool lone_set = sql.starts_with("SET ") && sql.find(';') == std::string_view::npos;
    if (s.ok() && !lone_set) NoteWrite(PQtransactionStatus(conn_) != PQTRANS_IDLE);
    return s;
  }

  Status Exec(std::string_view sql) {
    if (broken_) return Broken();
    std::string text(sql);
    ResultPtr res(PQexec(conn_, text.c_str()));
    return Check(res.get());
  }

  Status Begin(bool /*write*/) override {
    // PostgreSQL takes row locks as it goes and detects deadlocks (40P01 ->
    // Unavailable), so there is no write lock to take up front.
    return Exec("BEGIN");
  }

  Status Commit() override {
    if (broken_) return Broken();
    if (PQtransactionStatus(conn_) == PQTRANS_INERROR) {
      // COMMIT would silently roll back; say so instead of reporting success.
      Status s = Exec("ROLLBACK");
      NoteTransactionEnded(false);
      if (!s.ok()) return s;
      return Status::Internal(
          "postgres: transaction was aborted by an earlier failed statement and has been rolled back");
    }
    ResultPtr res(PQexec(conn_, "COMMIT"));
    Status checked = Check(res.get());
    const bool committed = checked.ok() && std::strcmp(PQcmdStatus(res.get()), "ROLLBACK") != 0;
    // Counted even when the answer was lost: the server may have committed.
    NoteTransactionEnded(committed || !checked.ok());
    WM_RETURN_IF_ERROR(checked);
    if (!committed) return Status::Internal("postgres: transaction was aborted and has been rolled back");
    return Status::Ok();
  }

  Status Rollback() override {
    if (broken_) return Broken();
    if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return Status::Ok();  // nothing open
    Status s = Exec("ROLLBACK");
    NoteTransactionEnded(false);
    return s;
  }

  Status Ping() override {
    auto r = Query("SELECT 1", {});
    return r.ok() ? Status::Ok() : r.status();
  }

  // Also false while a transaction is open, so that a connection handed back
  // to the pool in the middle of one is closed (which rolls it back) rather
  // than lent to the next caller.
  bool IsHealthy() const override {
    return !broken_ && PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
  }

  sql::Dialect dialect() const override { return sql::Dialect::kPostgres; }

 private:
  struct Prepared {
    std::string name;
    int nparams = 0;
  };

  Status Broken() const { return Status::Unavailable("database connection lost"); }

  // OK for a successful result; otherwise the mapped error. Marks the
  // connection broken when the failure means the session is gone.
  Status Check(const PGresult* res) {
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    switch (st) {
      case PGRES_COMMAND_OK:
      case PGRES_TUPLES_OK:
      case PGRES_EMPTY_QUERY: return Status::Ok();
      case PGRES_COPY_IN:
      case PGRES_COPY_OUT:
      case PGRES_COPY_BOTH:
        broken_ = true;  // the session is stuck in COPY mode
        return Status::Internal("postgres: COPY is not supported");
      case PGRES_BAD_RESPONSE:
        broken_ = true;
        return Status::Unavailable("postgres: bad response from server: " + FirstLine(PQerrorMessage(conn_)));
      default: break;
    }
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string code = state ? state : "";
    std::string msg = primary ? primary : FirstLine(PQerrorMessage(conn_));
    if (msg.empty()) msg = "unknown error";
    std::string_view cls = std::string_view(code).substr(0, code.size() >= 2 ? 2 : code.size());

    // 25006: a read-only transaction, i.e. we are talking to a standby
    // (e.g. after a failover); a new connection may reach the new primary.
    if (PQstatus(conn_) != CONNECTION_OK || cls == "08" || code == "57P01" || code == "57P02" ||
        code == "57P03" || code == "25006") {
      broken_ = true;
      return Status::Unavailable("database connection lost: " + msg);
    }
    if (code == "23505") return Status::Conflict(msg);
    if (cls == "23" || cls == "22") return Status::InvalidArgument(msg);
    if (code == "40001" || code == "40P01") return Status::Unavailable("database busy, retry: " + msg);
    // 55P03 lock_not_available, 57014 query_canceled (statement/lock timeout),
    // class 53 insufficient resources (disk full, too many connections).
    if (code == "55P03" || code == "57014" || cls == "53") {
      return Status::Unavailable("database busy: " + msg);
    }
    if (code == "25P02") {
      return Status::Internal("postgres: " + msg + " (an earlier statement in this transaction failed)");
    }
    return Status::Internal("postgres: " + msg + (code.empty() ? "" : " (SQLSTATE " + code + ")"));
  }

  Result<const Prepared*> Prepare(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return &it->second;
    Prepared p;
    p.name = "wm_" + std::to_string(next_statement_++);
    ResultPtr res(PQprepare(conn_, p.name.c_str(), sql.c_str(), 0, nullptr));
    WM_RETURN_IF_ERROR(Check(res.get()));
    ResultPtr desc(PQdescribePrepared(conn_, p.name.c_str()));
    WM_RETURN_IF_ERROR(Check(desc.get()));
    p.nparams = PQnparams(desc.get());
    return &cache_.emplace(sql, std::move(p)).first->second;
  }

  // A statement whose result columns changed under it (a table altered or
  // re-created since it was prepared) fails with this; it needs re-preparing.
  static bool IsStalePlan(const PGresult* res) {
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    return state && primary && std::strcmp(state, "0A000") == 0 &&
           std::strncmp(primary, "cached plan must not change result type", 39) == 0;
  }

  Result<ResultPtr> Run(std::string_view sql, const sql::Params& params) {
    if (broken_) return Broken();
    std::string key(sql);
    for (int attempt = 0;; ++attempt) {
      WM_ASSIGN_OR_RETURN(const Prepared* stmt, Prepare(key));
      // Like SQLite, parameters the statement does not use are ignored.
      const auto n = static_cast<std::size_t>(stmt->nparams);
      if (params.size() < n) {
        return Status::Internal("statement needs " + std::to_string(n) + " parameters but got " +
                                std::to_string(params.size()) + ": " + key);
      }
      std::vector<std::string> texts(n);
      std::vector<const char*> values(n, nullptr);
      std::vector<int> lengths(n, 0);
      std::vector<int> formats(n, 0);  // 0 text, 1 binary
      bool any_binary = false;
      for (std::size_t i = 0; i < n; ++i) {
        const sql::Value& v = params[i];
        if (std::holds_alternative<sql::Null>(v)) continue;
        if (const auto* blob = std::get_if<sql::Blob>(&v)) {
          if (blob->bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
            return Status::InvalidArgument("binary parameter $" + std::to_string(i + 1) + " is too large");
          }
          values[i] = blob->bytes.data();
          lengths[i] = static_cast<int>(blob->bytes.size());
          formats[i] = 1;
          any_binary = true;
          continue;
        }
        if (const auto* num = std::get_if<std::int64_t>(&v)) {
          texts[i] = std::to_string(*num);
        } else if (const auto* d = std::get_if<double>(&v)) {
          texts[i] = DoubleText(*d);
        } else {
          const auto& text = std::get<std::string>(v);
          if (text.find('\0') != std::string::npos) {
            return Status::InvalidArgument("text parameter $" + std::to_string(i + 1) +
                                           " contains a NUL byte");
          }
          values[i] = text.c_str();
          continue;
        }
        values[i] = texts[i].c_str();
      }
      ResultPtr res(PQexecPrepared(conn_, stmt->name.c_str(), static_cast<int>(n), values.data(),
                                   any_binary ? lengths.data() : nullptr,
                                   any_binary ? formats.data() : nullptr, 0));
      if (attempt == 0 && IsStalePlan(res.get())) {
        std::string name = stmt->name;
        cache_.erase(key);
        // Outside a transaction nothing was lost: free the old statement and
        // try once more. Inside one, the transaction is aborted; the caller
        // gets the error, and the next use prepares afresh (the old server-side
        // statement lingers until the connection closes).
        if (PQtransactionStatus(conn_) == PQTRANS_IDLE) {
          ResultPtr drop(PQexec(conn_, ("DEALLOCATE " + name).c_str()));
          WM_RETURN_IF_ERROR(Check(drop.get()));
          continue;
        }
      }
      WM_RETURN_IF_ERROR(Check(res.get()));
      // "SELECT n" for reads; "INSERT 0 1", "UPDATE n", "DELETE n", ... for
      // writes (with or without RETURNING). One that changed no row is not a
      // write: a forecast worker's claim that finds no queued run, every few
      // seconds, made every kept page stale. Other commands (DDL) count.
      const char* status = PQcmdStatus(res.get());
      const bool row_command =
          std::strncmp(status, "INSERT", 6) == 0 || std::strncmp(status, "UPDATE", 6) == 0 ||
          std::strncmp(status, "DELETE", 6) == 0 || std::strncmp(status, "MERGE", 5) == 0;
      if (std::strncmp(status, "SELECT", 6) != 0 &&
          !(row_command && std::strcmp(PQcmdTuples(res.get()), "0") == 0)) {
        NoteWrite(PQtransactionStatus(conn_) != PQTRANS_IDLE);
      }
      return res;
    }
  }

  PGconn* conn_;
  bool broken_ = false;
  int next_statement_ = 1;
  std::unordered_map<std::string, Prepared> cache_;  // SQL text -> server-side prepared statement
};

}  // namespace

Result<std::unique_ptr<sql::Connection>> OpenPostgres(const PostgresOptions& options) {
  char* err = nullptr;
  std::unique_ptr<PQconninfoOption, ConninfoDeleter> parsed(PQconninfoParse(options.conninfo.c_str(), &err));
  if (!parsed) {
    std::string msg = err ? FirstLine(err) : "out of memory";
    PQfreemem(err);
    return Status::Unavailable("invalid PostgreSQL connection string: " +
                               RedactPasswords(std::move(msg), options.conninfo));
  }

  // Pass on what the conninfo says, then our session settings. A connect
  // timeout in the conninfo wins over options.connect_timeout_s; any
  // "options" it has are kept, with the time zone appended (the last -c wins).
  std::vector<const char*> keys;
  std::vector<const char*> values;
  std::string server_options = "-c TimeZone=UTC";
  bool has_timeout = false;
  for (const PQconninfoOption* o = parsed.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    std::string_view key = o->keyword;
    if (key == "client_encoding" || key == "fallback_application_name") continue;
    if (key == "options") {
      server_options.insert(0, std::string(o->val) + " ");
      continue;
    }
    if (key == "connect_timeout") has_timeout = true;
    keys.push_back(o->keyword);
    values.push_back(o->val);
  }
  std::string timeout = std::to_string(options.connect_timeout_s);
  if (!has_timeout && options.connect_timeout_s > 0) {
    keys.push_back("connect_timeout");
    values.push_back(timeout.c_str());
  }
  keys.push_back("client_encoding");
  values.push_back("UTF8");
  keys.push_back("options");
  values.push_back(server_options.c_str());
  keys.push_back("fallback_application_name");  // application_name unless the conninfo sets one
  values.push_back("waymark");
  keys.push_back(nullptr);
  values.push_back(nullptr);

  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/0);
  if (conn == nullptr) return Status::Unavailable("cannot connect to PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    // libpq's message spans lines ("connection to server at ... failed: ...\n\tIs the server
    // running ...?"); keep it on one.
    std::string msg;
    for (const char* p = PQerrorMessage(conn); *p != '\0'; ++p) {
      bool space = *p == '\n' || *p == '\t' || *p == ' ';
      if (!space) {
        msg += *p;
      } else if (!msg.empty() && msg.back() != ' ') {
        msg += ' ';
      }
    }
    if (!msg.empty() && msg.back() == ' ') msg.pop_back();
    const char* db = PQdb(conn);
    std::string target = db && *db ? std::string(" database \"") + db + "\"" : "";
    PQfinish(conn);
    return Status::Unavailable("cannot connect to PostgreSQL" + target + ": " +
                               RedactPasswords(std::move(msg), options.conninfo));
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  return std::unique_ptr<sql::Connection>(std::make_unique<PostgresConnection>(conn));
}

}  // namespace waymark::storage
