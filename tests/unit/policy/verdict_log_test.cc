// policy/verdict_log.h (group commit and the durability rule), policy/site_cache.h (load once, a
// load error is returned and not cached, bounded) and the diagnostics sink.
#include "policy/verdict_log.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "policy/diagnostics.h"
#include "policy/site_cache.h"

using namespace verity;
using namespace verity::policy;

namespace {

struct Recorder : Diagnostics {
  std::vector<std::string> lines;
  void Report(std::string_view what, std::string_view detail) override {
    lines.push_back(std::string(what) + "|" + std::string(detail));
  }
};

struct TempDb {
  std::string dir;
  TempDb() {
    char tmpl[] = "/tmp/verity-vlog-XXXXXX";
    dir = mkdtemp(tmpl);
  }
  ~TempDb() { std::filesystem::remove_all(dir); }
  std::unique_ptr<store::Store> Open() {
    store::StoreOptions o;
    o.path = dir + "/verity.db";
    o.clock = [] { return int64_t{1767225600000}; };
    auto s = store::Store::Open(o);
    REQUIRE_MESSAGE(s.ok(), s.error().detail);
    return std::move(*s);
  }
};

uint64_t Rows(store::Store& s) {
  auto n = s.CountRows();
  REQUIRE(n.ok());
  return *n;
}

}  // namespace

TEST_CASE("verdict log: rows reach the store only when committed; the batch size and age commit") {
  TempDb db;
  auto writer = db.Open();
  auto reader = db.Open();  // another connection sees only committed rows
  int64_t now = 1767225600000;
  Recorder diag;
  VerdictLog log(
      writer.get(), VerdictLogOptions{"firefox", 3, 50}, [&now] { return now; }, diag);
  log.AppendVerdict("https://a.example", "https://a.example/x.js", "script", Action::kBlock,
                    "no_manifest_match", "d", "mid");
  log.AppendEvent("https://a.example", "", "site_header", "enrolled", "note", "");
  CHECK(log.has_uncommitted());
  CHECK(Rows(*reader) == 0);
  REQUIRE(log.Commit().ok());
  CHECK_FALSE(log.has_uncommitted());
  CHECK(Rows(*reader) == 2);
  // Batch size: the third queued row commits the batch.
  for (int i = 0; i < 3; ++i)
    log.AppendVerdict("https://a.example", "u", "script", Action::kAllow, "match", "", "");
  CHECK(Rows(*reader) == 5);
  // Age: a row queued 50 ms after the oldest queued one commits.
  log.AppendVerdict("https://a.example", "u", "script", Action::kReport, "r", "", "");
  CHECK(Rows(*reader) == 5);
  now += 50;
  log.AppendVerdict("https://a.example", "u", "script", Action::kReport, "r", "", "");
  CHECK(Rows(*reader) == 7);
  CHECK(log.total(Action::kAllow) == 3);
  CHECK(log.total(Action::kBlock) == 1);
  CHECK(log.total(Action::kReport) == 2);
  auto page = log.Query({});
  REQUIRE(page.ok());
  REQUIRE(page->rows.size() == 7);
  CHECK(page->rows.back().kind == "verdict");
  CHECK(page->rows.back().browser == "firefox");
  CHECK(page->rows.back().time_ms == 1767225600000);
  CHECK(page->rows[page->rows.size() - 2].kind == "event");
  CHECK(diag.lines.empty());
}

TEST_CASE("verdict log: long fields are clipped; export commits first; no store counts only") {
  TempDb db;
  auto writer = db.Open();
  VerdictLog log(writer.get(), VerdictLogOptions{"chromium", 100, 1000}, {}, NoDiagnostics());
  log.AppendVerdict("https://a.example", std::string(5000, 'u'), "script", Action::kBlock, "r",
                    std::string(5000, 'd'), "");
  std::ostringstream csv;
  REQUIRE(log.Export(LogExportFormat::kCsv, {}, csv).ok());
  CHECK(csv.str().find(std::string(kMaxLoggedField, 'u') + "...") != std::string::npos);
  CHECK(csv.str().find(std::string(kMaxLoggedField + 1, 'u')) == std::string::npos);
  VerdictLog none(nullptr, {}, {}, NoDiagnostics());
  none.AppendVerdict("https://a.example", "u", "script", Action::kAllow, "r", "", "");
  CHECK(none.total(Action::kAllow) == 1);
  CHECK(none.Query({}).code() == ErrorCode::kPolicyStoreUnavailable);
}

TEST_CASE("site cache: one load per origin, load errors are returned and not cached, bounded") {
  SiteCache cache(2);
  int loads = 0;
  bool fail = true;
  auto load = [&](Site& s) -> Status {
    ++loads;
    if (fail) return MakeError(ErrorCode::kStoreCorrupt, "read failed for " + s.origin);
    s.setting = Setting::kRequire;
    return OkStatus();
  };
  CHECK(cache.Get("https://a.example", load).code() == ErrorCode::kStoreCorrupt);
  fail = false;
  auto a = cache.Get("HTTPS://A.EXAMPLE:443", load);
  REQUIRE(a.ok());
  CHECK((*a)->origin == "https://a.example");
  CHECK((*a)->setting == Setting::kRequire);
  CHECK(loads == 2);  // the failed load was not cached
  CHECK(*cache.Get("https://a.example", load) == *a);
  CHECK(loads == 2);
  CHECK(cache.Get("ftp://a.example", load).code() == ErrorCode::kPolicyBadOrigin);
  (*a)->counts[0] = 7;
  REQUIRE(cache.Get("https://b.example", load).ok());
  REQUIRE(cache.Get("https://c.example", load).ok());  // a third origin empties the cache first
  auto again = cache.Get("https://a.example", load);
  REQUIRE(again.ok());
  CHECK((*again)->counts[0] == 0);  // reloaded
  CHECK(loads == 5);
}

TEST_CASE("diagnostics: one line per report") {
  char path[] = "/tmp/verity-diag-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  FILE* f = fdopen(fd, "w+");
  FileDiagnostics d(f);
  d.Report("preload list /x", "invalid: bad signature");
  d.Report("input closed, exiting", "");
  std::rewind(f);
  char buf[256] = {};
  size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  std::remove(path);
  CHECK(std::string(buf, n) ==
        "verity-host: preload list /x: invalid: bad signature\nverity-host: input closed, exiting\n");
}
