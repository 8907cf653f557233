#include "store/store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <thread>

#include "core/encoding.h"

namespace verity::store {
namespace {

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE IF NOT EXISTS log(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms INTEGER NOT NULL,
  browser TEXT NOT NULL,
  origin TEXT NOT NULL,
  url TEXT NOT NULL,
  destination TEXT NOT NULL,
  action TEXT NOT NULL,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL,
  manifest_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK(kind IN ('verdict', 'event')));
CREATE INDEX IF NOT EXISTS log_origin ON log(origin, seq);
CREATE INDEX IF NOT EXISTS log_action ON log(action, seq);
CREATE INDEX IF NOT EXISTS log_time ON log(time_ms);
CREATE TABLE IF NOT EXISTS site(
  origin TEXT PRIMARY KEY,
  mode TEXT NOT NULL,
  manifest_url TEXT NOT NULL,
  max_age INTEGER NOT NULL,
  expires INTEGER NOT NULL,
  preload INTEGER NOT NULL,
  dialect TEXT NOT NULL,
  raw_header TEXT NOT NULL,
  updated_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS setting(
  origin TEXT PRIMARY KEY,
  setting TEXT NOT NULL CHECK(setting IN ('off', 'verify', 'require'))) WITHOUT ROWID;
-- position: 8-byte big-endian blob, so memcmp order == numeric order over the full u64 range.
CREATE TABLE IF NOT EXISTS rollback_mark(
  domain TEXT PRIMARY KEY,
  position BLOB NOT NULL CHECK(typeof(position) = 'blob' AND length(position) = 8),
  verified_time INTEGER NOT NULL) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS rollback_mark_never_lowers
  BEFORE UPDATE OF position ON rollback_mark
  WHEN NEW.position < OLD.position
  BEGIN SELECT RAISE(ABORT, 'rollback position may not decrease'); END;
CREATE TABLE IF NOT EXISTS manifest(
  origin TEXT PRIMARY KEY,
  manifest_id TEXT NOT NULL,
  bytes BLOB NOT NULL,
  state TEXT NOT NULL,
  updated_ms INTEGER NOT NULL) WITHOUT ROWID;
)sql";

// v2: the log without AUTOINCREMENT (one b-tree write less per row: no sqlite_sequence update) and
// without the (action, seq) index (a filter by action alone walks the log by seq; the log is
// bounded by log.max_rows). Row numbers are still never reused: retention always keeps the newest
// row (EnforceRetention), so max(seq) + 1 only grows. Together ~15 % more verdicts/s
// (docs/performance.md).
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE log_v2(
  seq INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  browser TEXT NOT NULL,
  origin TEXT NOT NULL,
  url TEXT NOT NULL,
  destination TEXT NOT NULL,
  action TEXT NOT NULL,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL,
  manifest_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK(kind IN ('verdict', 'event')));
INSERT INTO log_v2 SELECT seq, time_ms, browser, origin, url, destination, action, reason, detail, manifest_id, kind FROM log;
DROP TABLE log;
ALTER TABLE log_v2 RENAME TO log;
CREATE INDEX log_origin ON log(origin, seq);
CREATE INDEX log_time ON log(time_ms);
DELETE FROM sqlite_sequence WHERE name = 'log';
)sql";

// v3: per-category WAICT records (integrity rework, "Upgrades and Downgrades": one (mode, expiry)
// per category). `categories` is headers::FormatCategoryRecords text, e.g.
// "mode-script=enforce@1767225600 mode-style=warn@1767225600"; '' for rows written before v3, which
// the policy layer reads from `mode` and `expires` (every category of the row's dialect).
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE site ADD COLUMN categories TEXT NOT NULL DEFAULT '';
)sql";

constexpr const char* kLogColumns =
    "seq, time_ms, browser, origin, url, destination, action, reason, detail, manifest_id, kind";

int64_t NowMs(const StoreOptions& o) { return NowMillis(o.clock); }

ErrorCode MapCode(int rc) {
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ErrorCode::kStoreCorrupt;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return ErrorCode::kStoreBusy;
    case SQLITE_IOERR:
    case SQLITE_FULL:
      return ErrorCode::kStoreIo;
    case SQLITE_READONLY:
      return ErrorCode::kStoreReadOnly;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return ErrorCode::kStoreOpenFailed;
    case SQLITE_CONSTRAINT:
      return ErrorCode::kStoreBadArgument;
    default:
      return ErrorCode::kStoreSql;
  }
}

Error SqlError(sqlite3* db, int rc, std::string_view what) {
  std::string detail(what);
  detail += ": ";
  detail += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return MakeError(MapCode(rc), std::move(detail));
}

// Resets and clears a cached statement when leaving scope.
class StmtScope {
 public:
  explicit StmtScope(sqlite3_stmt* s) : s_(s) {}
  ~StmtScope() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  StmtScope(const StmtScope&) = delete;
  StmtScope& operator=(const StmtScope&) = delete;

 private:
  sqlite3_stmt* s_;
};

void BindText(sqlite3_stmt* s, const char* name, std::string_view v) {
  int i = sqlite3_bind_parameter_index(s, name);
  if (i > 0) sqlite3_bind_text64(s, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
void BindInt(sqlite3_stmt* s, const char* name, int64_t v) {
  int i = sqlite3_bind_parameter_index(s, name);
  if (i > 0) sqlite3_bind_int64(s, i, v);
}
void BindBlob(sqlite3_stmt* s, const char* name, ByteView v) {
  int i = sqlite3_bind_parameter_index(s, name);
  // A zero-length blob must still be a blob, not NULL: sqlite3_bind_zeroblob for the empty case.
  if (i <= 0) return;
  if (v.empty()) {
    sqlite3_bind_zeroblob(s, i, 0);
  } else {
    sqlite3_bind_blob64(s, i, v.data(), v.size(), SQLITE_TRANSIENT);
  }
}

std::string ColText(sqlite3_stmt* s, int col) {
  const unsigned char* p = sqlite3_column_text(s, col);
  int n = sqlite3_column_bytes(s, col);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
}
Bytes ColBlob(sqlite3_stmt* s, int col) {
  const void* p = sqlite3_column_blob(s, col);
  int n = sqlite3_column_bytes(s, col);
  if (p == nullptr || n <= 0) return {};
  const auto* b = static_cast<const uint8_t*>(p);
  return Bytes(b, b + n);
}

LogRow ReadLogRow(sqlite3_stmt* s) {
  LogRow r;
  r.seq = sqlite3_column_int64(s, 0);
  r.time_ms = sqlite3_column_int64(s, 1);
  r.browser = ColText(s, 2);
  r.origin = ColText(s, 3);
  r.url = ColText(s, 4);
  r.destination = ColText(s, 5);
  r.action = ColText(s, 6);
  r.reason = ColText(s, 7);
  r.detail = ColText(s, 8);
  r.manifest_id = ColText(s, 9);
  r.kind = ColText(s, 10);
  return r;
}

Status MakeDirs(const std::string& file_path) {
  size_t slash = file_path.rfind('/');
  if (slash == std::string::npos || slash == 0) return OkStatus();
  std::string dir = file_path.substr(0, slash);
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') {
      std::string part = dir.substr(0, i);
      if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) {
        return MakeError(ErrorCode::kStoreOpenFailed, "cannot create " + part + ": " + std::strerror(errno));
      }
    }
  }
  return OkStatus();
}

}  // namespace

// ---- helpers ----------------------------------------------------------------------------------------

std::string FormatCursor(int64_t seq) {
  Bytes b;
  AppendU64BE(b, static_cast<uint64_t>(seq));
  std::string out(1, 'c');
  out += FormatBase64Url(b);
  return out;
}

Result<int64_t> ParseCursor(std::string_view cursor) {
  if (cursor.size() != 12 || cursor[0] != 'c')
    return MakeError(ErrorCode::kStoreBadCursor, "malformed cursor");
  auto raw = ParseBase64Url(cursor.substr(1));
  if (!raw || raw->size() != 8) return MakeError(ErrorCode::kStoreBadCursor, "malformed cursor");
  uint64_t v = ReadUintBE(*raw);
  if (v == 0 || v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return MakeError(ErrorCode::kStoreBadCursor, "cursor out of range");
  }
  if (FormatCursor(static_cast<int64_t>(v)) != cursor) {
    return MakeError(ErrorCode::kStoreBadCursor, "non-canonical cursor");
  }
  return static_cast<int64_t>(v);
}

std::string_view FormatSiteSetting(SiteSetting s) {
  switch (s) {
    case SiteSetting::kOff:
      return "off";
    case SiteSetting::kVerify:
      return "verify";
    case SiteSetting::kRequire:
      return "require";
    case SiteSetting::kDefault:
      break;
  }
  return "default";
}

std::optional<SiteSetting> ParseSiteSetting(std::string_view s) {
  if (s == "default") return SiteSetting::kDefault;
  if (s == "off") return SiteSetting::kOff;
  if (s == "verify") return SiteSetting::kVerify;
  if (s == "require") return SiteSetting::kRequire;
  return std::nullopt;
}

Result<std::string> DefaultDatabasePath(std::string_view data_dir) {
  if (!data_dir.empty()) {
    if (data_dir[0] != '/')
      return MakeError(ErrorCode::kStoreOpenFailed, "data_dir must be an absolute path");
    return std::string(data_dir) + "/verity.db";
  }
  const char* xdg = std::getenv("XDG_DATA_HOME");
  if (xdg != nullptr && xdg[0] == '/') return std::string(xdg) + "/verity/verity.db";
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/') return std::string(home) + "/.local/share/verity/verity.db";
  return MakeError(ErrorCode::kStoreOpenFailed, "neither XDG_DATA_HOME nor HOME is an absolute path");
}

// ---- Store ------------------------------------------------------------------------------------------

// BEGIN IMMEDIATE ... COMMIT; rolls back if not committed. IMMEDIATE takes the write lock up front
// so the busy handler applies (a deferred read->write upgrade in WAL fails with SQLITE_BUSY at once).
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {}
  ~Transaction() {
    if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Status Begin() {
    int rc = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return SqlError(db_, rc, "begin");
    open_ = true;
    return OkStatus();
  }
  Status Commit() {
    int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return SqlError(db_, rc, "commit");  // destructor rolls back
    open_ = false;
    return OkStatus();
  }

 private:
  sqlite3* db_;
  bool open_ = false;
};

Store::~Store() {
  for (auto& [sql, stmt] : stmts_) sqlite3_finalize(stmt);
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

Result<sqlite3_stmt*> Store::Prepare(const std::string& sql) {
  for (auto& [text, stmt] : stmts_) {
    if (text == sql) return stmt;
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                              &stmt, nullptr);
  if (rc != SQLITE_OK) return SqlError(db_, rc, "prepare");
  stmts_.emplace_back(sql, stmt);
  return stmt;
}

Status Store::Exec(const char* sql) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqlError(db_, rc, sql);
  return OkStatus();
}

Status Store::Migrate() {
  auto version = [this]() -> Result<int64_t> {
    auto s = Prepare("PRAGMA user_version");
    if (!s) return s.error();
    StmtScope scope(*s);
    int rc = sqlite3_step(*s);
    if (rc != SQLITE_ROW) return SqlError(db_, rc, "user_version");
    return sqlite3_column_int64(*s, 0);
  };
  auto v = version();
  if (!v) return v.error();
  if (*v == kSchemaVersion) return OkStatus();
  if (*v > kSchemaVersion) {
    return MakeError(ErrorCode::kStoreSchemaTooNew,
                     "schema version " + std::to_string(*v) + " > " + std::to_string(kSchemaVersion));
  }
  Transaction tx(db_);
  VERITY_RETURN_IF_ERROR(tx.Begin());
  v = version();  // another process may have migrated meanwhile
  if (!v) return v.error();
  if (*v < 1) VERITY_RETURN_IF_ERROR(Exec(kSchemaV1));
  if (*v < 2) VERITY_RETURN_IF_ERROR(Exec(kSchemaV2));
  if (*v < 3) VERITY_RETURN_IF_ERROR(Exec(kSchemaV3));
  if (*v < kSchemaVersion) {
    VERITY_RETURN_IF_ERROR(Exec(("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str()));
  }
  return tx.Commit();
}

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (options.path.empty()) return MakeError(ErrorCode::kStoreOpenFailed, "empty database path");
  if (options.path.find('\0') != std::string::npos) {
    return MakeError(ErrorCode::kStoreOpenFailed, "database path contains NUL");
  }
  VERITY_RETURN_IF_ERROR(MakeDirs(options.path));
  std::unique_ptr<Store> store(new Store());
  store->options_ = options;
  int rc = sqlite3_open_v2(options.path.c_str(), &store->db_,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Error e = SqlError(store->db_, rc, "open " + options.path);
    if (e.code == ErrorCode::kStoreSql) e.code = ErrorCode::kStoreOpenFailed;
    return e;
  }
  sqlite3* db = store->db_;
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);

  // journal_mode=WAL needs a brief exclusive lock the first time; retry on BUSY within the timeout.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.busy_timeout_ms);
  while (true) {
    char* err = nullptr;
    rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, &err);
    sqlite3_free(err);
    if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) break;
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (rc != SQLITE_OK) return SqlError(db, rc, "journal_mode");
  VERITY_RETURN_IF_ERROR(store->Exec("PRAGMA synchronous=NORMAL"));
  // A page cache that holds the log's hot index pages (16 MiB; the default 2 MiB made every group
  // commit re-read index pages with pread(2)), and the database read through a memory map.
  VERITY_RETURN_IF_ERROR(store->Exec("PRAGMA cache_size=-16384"));
  VERITY_RETURN_IF_ERROR(store->Exec("PRAGMA mmap_size=268435456"));
  VERITY_RETURN_IF_ERROR(store->Migrate());
  if (options.quick_check_on_open) {
    auto check = store->Prepare("PRAGMA quick_check(1)");
    if (!check) return check.error();
    StmtScope scope(*check);
    rc = sqlite3_step(*check);
    if (rc != SQLITE_ROW) return SqlError(db, rc, "quick_check");
    std::string result = ColText(*check, 0);
    if (result != "ok") return MakeError(ErrorCode::kStoreCorrupt, "quick_check: " + result);
  }
  auto retained = store->EnforceRetention(NowMs(options));
  if (!retained) return retained.error();
  return store;
}

Result<int64_t> Store::InsertRow(const LogRow& row) {
  if (row.kind != "verdict" && row.kind != "event") {
    return MakeError(ErrorCode::kStoreBadArgument, "kind must be \"verdict\" or \"event\"");
  }
  auto s = Prepare(
      "INSERT INTO log(time_ms, browser, origin, url, destination, action, reason, detail, manifest_id, "
      "kind) "
      "VALUES(:time_ms, :browser, :origin, :url, :destination, :action, :reason, :detail, :manifest_id, "
      ":kind)");
  if (!s) return s.error();
  StmtScope scope(*s);
  BindInt(*s, ":time_ms", row.time_ms);
  BindText(*s, ":browser", row.browser);
  BindText(*s, ":origin", row.origin);
  BindText(*s, ":url", row.url);
  BindText(*s, ":destination", row.destination);
  BindText(*s, ":action", row.action);
  BindText(*s, ":reason", row.reason);
  BindText(*s, ":detail", row.detail);
  BindText(*s, ":manifest_id", row.manifest_id);
  BindText(*s, ":kind", row.kind);
  int rc = sqlite3_step(*s);
  if (rc != SQLITE_DONE) return SqlError(db_, rc, "append");
  return sqlite3_last_insert_rowid(db_);
}

Status Store::MaybeRetain() {
  if (options_.retention_every == 0 || appends_since_retention_ < options_.retention_every) return OkStatus();
  auto r = EnforceRetention(NowMs(options_));
  if (!r) return r.error();  // counter kept: retried on the next append
  appends_since_retention_ = 0;
  return OkStatus();
}

Result<int64_t> Store::Append(const LogRow& row) {
  auto seq = InsertRow(row);  // autocommit: durable (process-crash safe) when this returns
  if (!seq) return seq;
  ++appends_since_retention_;
  (void)MaybeRetain();  // the row is committed; a busy retention pass is retried later
  return seq;
}

Result<std::vector<int64_t>> Store::AppendBatch(std::span<const LogRow> rows) {
  std::vector<int64_t> seqs;
  if (rows.empty()) return seqs;
  Transaction tx(db_);
  VERITY_RETURN_IF_ERROR(tx.Begin());
  for (const auto& row : rows) {
    auto seq = InsertRow(row);
    if (!seq) return seq.error();
    seqs.push_back(*seq);
  }
  VERITY_RETURN_IF_ERROR(tx.Commit());
  appends_since_retention_ += rows.size();
  (void)MaybeRetain();
  return seqs;
}

Result<LogPage> Store::Query(const LogQuery& q) {
  uint32_t limit = q.limit == 0 ? 100 : q.limit;
  if (limit > kMaxPageRows) return MakeError(ErrorCode::kStoreBadArgument, "limit above 500");
  int64_t before = std::numeric_limits<int64_t>::max();
  if (!q.cursor.empty()) {
    auto c = ParseCursor(q.cursor);
    if (!c) return c.error();
    before = *c;
  }
  // One cached statement per combination of filters (at most 32), so each uses its index.
  std::string sql = std::string("SELECT ") + kLogColumns + " FROM log WHERE seq < :before";
  if (q.origin) sql += " AND origin = :origin";
  if (q.action) sql += " AND action = :action";
  if (q.kind) sql += " AND kind = :kind";
  if (q.since_ms) sql += " AND time_ms >= :since";
  if (q.until_ms) sql += " AND time_ms < :until";
  sql += " ORDER BY seq DESC LIMIT :limit";
  auto s = Prepare(sql);
  if (!s) return s.error();
  StmtScope scope(*s);
  BindInt(*s, ":before", before);
  if (q.origin) BindText(*s, ":origin", *q.origin);
  if (q.action) BindText(*s, ":action", *q.action);
  if (q.kind) BindText(*s, ":kind", *q.kind);
  if (q.since_ms) BindInt(*s, ":since", *q.since_ms);
  if (q.until_ms) BindInt(*s, ":until", *q.until_ms);
  BindInt(*s, ":limit", static_cast<int64_t>(limit) + 1);  // one extra row tells whether more exist
  LogPage page;
  int rc;
  while ((rc = sqlite3_step(*s)) == SQLITE_ROW) {
    if (page.rows.size() == limit) {
      page.next_cursor = FormatCursor(page.rows.back().seq);
      break;
    }
    page.rows.push_back(ReadLogRow(*s));
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqlError(db_, rc, "query");
  return page;
}

Result<uint64_t> Store::CountRows() {
  auto s = Prepare("SELECT count(*) FROM log");
  if (!s) return s.error();
  StmtScope scope(*s);
  int rc = sqlite3_step(*s);
  if (rc != SQLITE_ROW) return SqlError(db_, rc, "count");
  return static_cast<uint64_t>(sqlite3_column_int64(*s, 0));
}

Result<uint64_t> Store::EnforceRetention(int64_t now_ms) {
  if (options_.retention_days == 0 && options_.max_rows == 0) return uint64_t{0};
  Transaction tx(db_);
  VERITY_RETURN_IF_ERROR(tx.Begin());
  uint64_t deleted = 0;
  if (options_.retention_days > 0) {
    // The newest row stays even when it is older than the cutoff (it goes at the first pass after a
    // newer row exists): max(seq) never drops, so a seq is never handed out twice.
    auto s = Prepare("DELETE FROM log WHERE time_ms < :cutoff AND seq < (SELECT max(seq) FROM log)");
    if (!s) return s.error();
    StmtScope scope(*s);
    // Saturating: absurd day counts just mean "keep everything".
    const int64_t max_days = std::numeric_limits<int64_t>::max() / 86400000 / 2;
    int64_t days = options_.retention_days > static_cast<uint64_t>(max_days)
                       ? max_days
                       : static_cast<int64_t>(options_.retention_days);
    BindInt(*s, ":cutoff", now_ms - days * 86400000);
    int rc = sqlite3_step(*s);
    if (rc != SQLITE_DONE) return SqlError(db_, rc, "retention by age");
    deleted += static_cast<uint64_t>(sqlite3_changes64(db_));
  }
  if (options_.max_rows > 0) {
    auto s =
        Prepare("DELETE FROM log WHERE seq <= (SELECT seq FROM log ORDER BY seq DESC LIMIT 1 OFFSET :keep)");
    if (!s) return s.error();
    StmtScope scope(*s);
    uint64_t keep = options_.max_rows > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
                        ? static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
                        : options_.max_rows;
    BindInt(*s, ":keep", static_cast<int64_t>(keep));
    int rc = sqlite3_step(*s);
    if (rc != SQLITE_DONE) return SqlError(db_, rc, "retention by count");
    deleted += static_cast<uint64_t>(sqlite3_changes64(db_));
  }
  VERITY_RETURN_IF_ERROR(tx.Commit());
  return deleted;
}

// ---- site records and settings ----------------------------------------------------------------------

Result<std::optional<SiteRecord>> Store::GetSite(std::string_view origin) {
  auto s = Prepare(
      "SELECT origin, mode, manifest_url, max_age, expires, preload, dialect, raw_header, updated_ms, "
      "categories FROM site WHERE origin = :origin");
  if (!s) return s.error();
  StmtScope scope(*s);
  BindText(*s, ":origin", origin);
  int rc = sqlite3_step(*s);
  if (rc == SQLITE_DONE) return std::optional<SiteRecord>();
  if (rc != SQLITE_ROW) return SqlError(db_, rc, "get site");
  SiteRecord r;
  r.origin = ColText(*s, 0);
  r.mode = ColText(*s, 1);
  r.manifest_url = ColText(*s, 2);
  r.max_age = sqlite3_column_int64(*s, 3);
  r.expires = sqlite3_column_int64(*s, 4);
  r.preload = sqlite3_column_int64(*s, 5) != 0;
  r.dialect = ColText(*s, 6);
  r.raw_header = ColText(*s, 7);
  r.updated_ms = sqlite3_column_int64(*s, 8);
  r.categories = ColText(*s, 9);
  return std::optional<SiteRecord>(std::move(r));
}

Status Store::PutSite(const SiteRecord& r) {
  if (r.origin.empty()) return MakeError(ErrorCode::kStoreBadArgument, "empty origin");
  auto s = Prepare(
      "INSERT OR REPLACE INTO site(origin, mode, manifest_url, max_age, expires, preload, dialect, "
      "raw_header, updated_ms, categories) VALUES(:origin, :mode, :manifest_url, :max_age, :expires, "
      ":preload, :dialect, :raw_header, :updated_ms, :categories)");
  if (!s) return s.error();
  StmtScope scope(*s);
  BindText(*s, ":origin", r.origin);
  BindText(*s, ":mode", r.mode);
  BindText(*s, ":manifest_url", r.manifest_url);
  BindInt(*s, ":max_age", r.max_age);
  BindInt(*s, ":expires", r.expires);
  BindInt(*s, ":preload", r.preload ? 1 : 0);
  BindText(*s, ":dialect", r.dialect);
  BindText(*s, ":raw_header", r.raw_header);
  BindInt(*s, ":updated_ms", NowMs(options_));
  BindText(*s, ":categories", r.categories);
  int rc = sqlite3_step(*s);
  if (rc != SQLITE_DONE) return SqlError(db_, rc, "put site");
  return OkStatus();
}

Status Store::DeleteSite(std::string_view origin) {
  auto s = Prepare("DELETE FROM site WHERE origin = :origin");
  if (!s) return s.error();
  StmtScope scope(*s);
  BindText(*s, ":origin", origin);
  int rc = sqlite3_step(*s);
  if (rc != SQLITE_DONE) return SqlError(db_, rc, "delete site");
  return OkStatus();
}

Result<SiteSetting> Store::GetSetting(std::string_view origin) {
  auto s = Prepare("SELECT setting FROM setting WHERE origin = :origin");
  if (!s) return s.error();
  StmtScope scope(*s);
  BindText(*s, ":origin", origin);
  int rc = sqlite3_step(*s);
  if (rc == SQLITE_DONE) return SiteSetting::kDefault;
  if (rc != SQLITE_ROW) return SqlError(db_, rc, "get setting");
  auto v = ParseSiteSetting(ColText(*s, 0));
  if (!v) return MakeError(ErrorCode::kStoreCorrupt, "unknown setting value in database");
  return *v;
}

Result<int64_t> Store::SetSetting(std::string_view origin, SiteSetting setting, std::string_view browser,
                                  int64_t time_ms) {
  if (origin.empty()) return MakeError(ErrorCode::kStoreBadArgument, "empty origin");
  Transaction tx(db_);
  VERITY_RETURN_IF_ERROR(tx.Begin());
  auto old = GetSetting(origin);
  if (!old) return old.error();
  {
    auto s = setting == SiteSetting::kDefault
                 ? Prepare("DELETE FROM setting WHERE origin = :origin")
                 : Prepare("INSERT OR REPLACE INTO setting(origin, setting) VALUES(:origin, :setting)");
    if (!s) return s.error();
    StmtScope scope(*s);
    BindText(*s, ":origin", origin);
    BindText(*s, ":setting", FormatSiteSetting(setting));
    int rc = sqlite3_step(*s);
    if (rc != SQLITE_DONE) return SqlError(db_, rc, "set setting");
  }
  LogRow ev;
  ev.time_ms = time_ms;
  ev.browser = std::string(browser);
  ev.origin = std::string(origin);
  ev.action = "set_site";
  ev.reason = std::string(FormatSiteSetting(setting));
  ev.detail = std::string(FormatSiteSetting(*old)) + " -> " + std::string(FormatSiteSetting(setting));
  ev.kind = "event";
  auto seq = InsertRow(ev);
  if (!seq) return seq;
  VERITY_RETURN_IF_ERROR(tx.Commit());
  ++appends_since_retention_;
  return seq;
}

Result<std::vector<std::pair<std::string, SiteSetting>>> Store::ListSettings() {
  auto s = Prepare("SELECT origin, setting FROM setting ORDER BY origin");
  if (!s) return s.error();
  StmtScope scope(*s);
  std::vector<std::pair<std::string, SiteSetting>> out;
  int rc;
  while ((rc = sqlite3_step(*s)) == SQLITE_ROW) {
    auto v = ParseSiteSetting(ColText(*s, 1));
    if (!v) return MakeError(ErrorCode::kStoreCorrupt, "unknown setting value in database");
    out.emplace_back(ColText(*s, 0), *v);
  }
  if (rc != SQLITE_DONE) return SqlError(db_, rc, "list settings");
  return out;
}

// ---- rollback memory --------------------------------------------------------------------------------

Result<std::optional<RollbackMark>> Store::GetRollback(std::string_view domain) {
  auto s = Prepare("SELECT position, verified_time FROM rollback_mark WHERE domain = :domain");
  if (!s) return s.error();
  StmtScope scope(*s);
  BindText(*s, ":domain", domain);
  int rc = sqlite3_step(*s);
  if (rc == SQLITE_DONE) return std::optional<RollbackMark>();
  if (rc != SQLITE_ROW) return SqlError(db_, rc, "get rollback");
  Bytes pos = ColBlob(*s, 0);
  if (pos.size() != 8) return MakeError(ErrorCode::kStoreCorrupt, "rollback position is not 8 bytes");
  RollbackMark m;
  m.domain = std::string(domain);
  m.position = ReadUintBE(pos);
  m.verified_time = sqlite3_column_int64(*s, 1);
  return std::optional<RollbackMark>(std::move(m));
}

Result<bool> Store::RaiseRollback(std::string_view domain, uint64_t position, int64_t verified_time) {
  if (domain.empty()) return MakeError(ErrorCode::kStoreBadArgument, "empty domain");
  auto s = Prepare(
      "INSERT INTO rollback_mark(domain, position, verified_time) VALUES(:domain, :position, :time) "
      "ON CONFLICT(domain) DO UPDATE SET position = excluded.position, verified_time = "
      "excluded.verified_time "
      "WHERE excluded.position > rollback_mark.position OR "
      "(excluded.position = rollback_mark.position AND excluded.verified_time > "
      "rollback_mark.verified_time)");
  if (!s) return s.error();
  StmtScope scope(*s);
  Bytes pos;
  AppendU64BE(pos, position);
  BindText(*s, ":domain", domain);
  BindBlob(*s, ":position", pos);
  BindInt(*s, ":time", verified_time);
  int rc = sqlite3_step(*s);
  if (rc != SQLITE_DONE) return SqlError(db_, rc, "raise rollback");
  return sqlite3_changes(db_) > 0;
}

// ---- manifests --------------------------------------------------------------------------------------

Result<std::optional<CachedManifest>> Store::GetManifest(std::string_view origin) {
  auto s = Prepare("SELECT manifest_id, bytes, state, updated_ms FROM manifest WHERE origin = :origin");
  if (!s) return s.error();
  StmtScope scope(*s);
  BindText(*s, ":origin", origin);
  int rc = sqlite3_step(*s);
  if (rc == SQLITE_DONE) return std::optional<CachedManifest>();
  if (rc != SQLITE_ROW) return SqlError(db_, rc, "get manifest");
  CachedManifest m;
  m.origin = std::string(origin);
  m.manifest_id = ColText(*s, 0);
  m.bytes = ColBlob(*s, 1);
  const std::string state = ColText(*s, 2);
  auto parsed = ParseState<ManifestState>(state);
  if (!parsed)
    return MakeError(ErrorCode::kStoreCorrupt,
                     "cached manifest of " + m.origin + ": unknown state \"" + state.substr(0, 32) + "\"");
  m.state = *parsed;
  m.updated_ms = sqlite3_column_int64(*s, 3);
  return std::optional<CachedManifest>(std::move(m));
}

Status Store::PutManifest(const CachedManifest& m) {
  if (m.origin.empty()) return MakeError(ErrorCode::kStoreBadArgument, "empty origin");
  auto s = Prepare(
      "INSERT OR REPLACE INTO manifest(origin, manifest_id, bytes, state, updated_ms) "
      "VALUES(:origin, :manifest_id, :bytes, :state, :updated_ms)");
  if (!s) return s.error();
  StmtScope scope(*s);
  BindText(*s, ":origin", m.origin);
  BindText(*s, ":manifest_id", m.manifest_id);
  BindBlob(*s, ":bytes", m.bytes);
  BindText(*s, ":state", FormatState(m.state));
  BindInt(*s, ":updated_ms", NowMs(options_));
  int rc = sqlite3_step(*s);
  if (rc != SQLITE_DONE) return SqlError(db_, rc, "put manifest");
  return OkStatus();
}

Status Store::DeleteManifest(std::string_view origin) {
  auto s = Prepare("DELETE FROM manifest WHERE origin = :origin");
  if (!s) return s.error();
  StmtScope scope(*s);
  BindText(*s, ":origin", origin);
  int rc = sqlite3_step(*s);
  if (rc != SQLITE_DONE) return SqlError(db_, rc, "delete manifest");
  return OkStatus();
}

Result<std::string> Store::IntegrityCheck() {
  auto s = Prepare("PRAGMA integrity_check");
  if (!s) return s.error();
  StmtScope scope(*s);
  std::string out;
  int rc;
  while ((rc = sqlite3_step(*s)) == SQLITE_ROW) {
    if (!out.empty()) out += "\n";
    out += ColText(*s, 0);
  }
  if (rc != SQLITE_DONE) return SqlError(db_, rc, "integrity_check");
  return out;
}

}  // namespace verity::store
