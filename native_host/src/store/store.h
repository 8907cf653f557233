// The host's local database (design §1, §4.2 rollback, protocol `log_query`/`set_site`): verdict log,
// per-origin site records and user settings, transparency rollback memory and cached verified
// manifests, in one SQLite file. This is the only module that includes sqlite3.h.
//
// Location: DefaultDatabasePath() = $XDG_DATA_HOME/verity/verity.db, else
// ~/.local/share/verity/verity.db; Store::Open(options) takes any path (config `data_dir`, tests).
// Journal: WAL, synchronous=NORMAL, busy_timeout (two browsers = two host processes writing at
// once), schema version in `PRAGMA user_version` (kSchemaVersion). Statements are prepared once per
// connection and reused.
//
// Durability trade-off (documented in docs/config.md too): every Append* call is one committed
// transaction before it returns, so the caller appends a verdict BEFORE answering it and an answered
// verdict survives a crash or SIGKILL of the host. With WAL + synchronous=NORMAL a commit is not
// fsync'ed: a power loss or kernel crash may drop the last few commits, never corrupt the file.
// AppendBatch() commits several rows in one transaction (use it for pipelined verdicts answered
// together). Retention (age, row count) runs on Open and every `retention_every` appends.
//
// Log row, as returned to the popup (protocol.md `log_query`):
//   {"seq":42,"time":1767225600123,"browser":"chromium","origin":"https://app.example",
//    "url":"https://app.example/app.js","destination":"script","action":"block",
//    "reason":"no_manifest_match","detail":"...","manifest_id":"...","kind":"verdict"}
// Queries are newest first (seq DESC) with keyset pagination: the opaque cursor encodes the last seq
// returned ("c" + base64url of 8 big-endian bytes, e.g. seq 42 -> "cAAAAAAAAACo"... any other
// string is store.bad_cursor).
//
// Errors: store.open_failed, store.corrupt (SQLITE_CORRUPT/NOTADB, failed quick_check), store.busy,
// store.schema_too_new, store.io, store.read_only, store.sql, store.bad_cursor, store.bad_argument,
// store.export_failed. A host whose Open failed keeps the Error and answers with it (fail closed).
//
// A Store object is one connection: use it from one thread at a time.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/state.h"

struct sqlite3;
struct sqlite3_stmt;

namespace verity::store {

inline constexpr int kSchemaVersion = 3;

// ---- verdict log ----------------------------------------------------------------------------------

struct LogRow {
  int64_t seq = 0;      // assigned by Append (ignored on input)
  int64_t time_ms = 0;  // Unix time in milliseconds
  std::string browser;  // "chromium" | "firefox" | ...
  std::string origin;   // top-level origin
  std::string url;
  std::string destination;
  std::string action;  // "allow" | "block" | "report" for verdicts; event name for events
  std::string reason;
  std::string detail;
  std::string manifest_id;
  std::string kind = "verdict";  // "verdict" | "event"
};

struct LogQuery {
  std::optional<std::string> origin;  // exact match
  std::optional<std::string> action;  // exact match
  std::optional<std::string> kind;    // exact match
  std::optional<int64_t> since_ms;    // time_ms >= since_ms
  std::optional<int64_t> until_ms;    // time_ms <  until_ms
  uint32_t limit = 100;               // 1..kMaxPageRows (0 = default 100)
  std::string cursor;                 // "" = from the newest row
};
inline constexpr uint32_t kMaxPageRows = 500;

struct LogPage {
  std::vector<LogRow> rows;                // newest first
  std::optional<std::string> next_cursor;  // present iff more rows match
};

// Cursor <-> seq (exposed for tests and for the protocol layer's size-capped paging: it can build
// the cursor of the last row it actually sent with FormatCursor(row.seq)).
std::string FormatCursor(int64_t seq);
Result<int64_t> ParseCursor(std::string_view cursor);

// ---- site records, settings, rollback, manifests --------------------------------------------------

// Per-origin WAICT record from `Integrity-Policy-WAICT-v1` (or the preload list).
struct SiteRecord {
  std::string origin;
  std::string mode;          // "enforce" | "warn" | "report" (strongest category; v2 callers)
  std::string manifest_url;  // absolute
  int64_t max_age = 0;       // seconds, as in the header
  int64_t expires = 0;       // Unix seconds
  bool preload = false;
  std::string dialect;     // "waict-v2" | "rework" | "firefox"
  std::string raw_header;  // the header value as received
  int64_t updated_ms = 0;  // set by PutSite
  // Schema v3: per-category (mode, expiry), e.g. "mode-script=enforce@1767225600
  // mode-image=report@1767225000" (headers/site_record.h FormatCategoryRecords); '' in rows
  // migrated from v1/v2, read then from mode + expires.
  std::string categories;
};

enum class SiteSetting : uint8_t { kDefault, kOff, kVerify, kRequire };
std::string_view FormatSiteSetting(SiteSetting s);  // "default" | "off" | "verify" | "require"
std::optional<SiteSetting> ParseSiteSetting(std::string_view s);

// Transparency rollback memory (design §4.2 Decision): highest chain position verified per domain.
struct RollbackMark {
  std::string domain;
  uint64_t position = 0;      // position_in_chain (full u64 range)
  int64_t verified_time = 0;  // Unix seconds (or ms; the caller decides, stored as given)
};

struct CachedManifest {
  std::string origin;
  std::string manifest_id;                        // base64url SHA-256 of the manifest bytes
  Bytes bytes;                                    // the manifest response exactly as received
  ManifestState state = ManifestState::kInvalid;  // core/states.def; parsed when read back
  int64_t updated_ms = 0;                         // set by PutManifest
};

// ---- the store ------------------------------------------------------------------------------------

struct StoreOptions {
  std::string path;                 // database file; parent directories are created (0700)
  uint64_t retention_days = 90;     // 0 = keep regardless of age   (config log.retention_days)
  uint64_t max_rows = 100000;       // 0 = no row limit              (config log.max_rows)
  uint32_t retention_every = 1000;  // enforce retention every N appends on this connection
  int busy_timeout_ms = 5000;
  bool quick_check_on_open = true;  // PRAGMA quick_check; failure -> store.corrupt
  Clock clock;                      // stamps rows (updated_ms) and retention; empty: the system clock
};

class Store {
 public:
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Opens or creates the database, migrates the schema, enforces retention.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);

  const std::string& path() const { return options_.path; }

  // Verdict log. Append sets row.seq; returns the seq.
  Result<int64_t> Append(const LogRow& row);
  // One transaction for all rows; returns the seqs in order. All or nothing.
  Result<std::vector<int64_t>> AppendBatch(std::span<const LogRow> rows);
  Result<LogPage> Query(const LogQuery& q);
  Result<uint64_t> CountRows();
  // Deletes rows older than retention_days (relative to now_ms) and the oldest rows beyond
  // max_rows. Returns the number of rows deleted.
  Result<uint64_t> EnforceRetention(int64_t now_ms);

  // Site records.
  Result<std::optional<SiteRecord>> GetSite(std::string_view origin);
  Status PutSite(const SiteRecord& record);  // insert or replace
  Status DeleteSite(std::string_view origin);

  // Per-origin user setting; absent = kDefault. SetSetting stores it (kDefault deletes the row) and
  // appends an event row {kind:"event", action:"set_site", reason:<new>, detail:"<old> -> <new>"}
  // in the same transaction. Returns the event's seq.
  Result<SiteSetting> GetSetting(std::string_view origin);
  Result<int64_t> SetSetting(std::string_view origin, SiteSetting setting, std::string_view browser,
                             int64_t time_ms);
  // All non-default settings, by origin.
  Result<std::vector<std::pair<std::string, SiteSetting>>> ListSettings();

  // Rollback memory. RaiseRollback stores (position, time) only if position is higher than the
  // stored one (equal position: keeps the later time). Never lowers: enforced by the UPSERT's WHERE
  // and by a trigger. Returns true if the stored mark changed.
  Result<std::optional<RollbackMark>> GetRollback(std::string_view domain);
  Result<bool> RaiseRollback(std::string_view domain, uint64_t position, int64_t verified_time);

  // Cached verified manifest per origin.
  Result<std::optional<CachedManifest>> GetManifest(std::string_view origin);
  Status PutManifest(const CachedManifest& manifest);
  Status DeleteManifest(std::string_view origin);

  // "ok" or SQLite's list of problems (PRAGMA integrity_check).
  Result<std::string> IntegrityCheck();

  // Low-level access for the export functions (iterates matching rows newest first, in pages).
  // `sink` returns false to stop with store.export_failed.
  template <class Sink>
  Status ForEach(LogQuery q, Sink&& sink) {
    q.limit = kMaxPageRows;
    while (true) {
      auto page = Query(q);
      if (!page) return page.error();
      for (const auto& row : page->rows) {
        if (!sink(row)) return MakeError(ErrorCode::kStoreExportFailed, "write failed");
      }
      if (!page->next_cursor) return OkStatus();
      q.cursor = *page->next_cursor;
    }
  }

 private:
  Store() = default;
  Result<sqlite3_stmt*> Prepare(const std::string& sql);
  Status Exec(const char* sql);
  Status Migrate();
  Result<int64_t> InsertRow(const LogRow& row);
  Status MaybeRetain();

  StoreOptions options_;
  sqlite3* db_ = nullptr;
  std::vector<std::pair<std::string, sqlite3_stmt*>> stmts_;
  uint64_t appends_since_retention_ = 0;
};

// $XDG_DATA_HOME/verity/verity.db if XDG_DATA_HOME is absolute, else ~/.local/share/verity/verity.db.
// `data_dir` (config) non-empty: <data_dir>/verity.db. store.open_failed if no HOME.
Result<std::string> DefaultDatabasePath(std::string_view data_dir = {});

// ---- export (CLI) ---------------------------------------------------------------------------------

enum class JsonExportStyle : uint8_t { kArray, kLines };

// JSON: one object per row with the keys of the log row shown above; kArray writes "[...]\n",
// kLines one object per line (JSON Lines). Rows newest first; q.limit/q.cursor are ignored (all
// matching rows are written).
Status ExportJson(Store& store, const LogQuery& q, JsonExportStyle style, FILE* out);
Status ExportJson(Store& store, const LogQuery& q, JsonExportStyle style, std::ostream& out);
// CSV (RFC 4180): header line
//   seq,time,browser,origin,url,destination,action,reason,detail,manifest_id,kind
// CRLF line ends; a field containing a comma, double quote, CR or LF is enclosed in double quotes
// with inner quotes doubled. Values are written verbatim (no spreadsheet-formula escaping).
Status ExportCsv(Store& store, const LogQuery& q, FILE* out);
Status ExportCsv(Store& store, const LogQuery& q, std::ostream& out);

// Formatting helpers, exposed for the protocol layer and tests.
std::string FormatLogRowJson(const LogRow& row);
std::string CsvField(std::string_view value);

}  // namespace verity::store
