// Export of the verdict log: JSON array, JSON Lines (parsed back with json::Parse), CSV (RFC 4180,
// parsed back with a small independent reader).
#include <doctest/doctest.h>

#include <cstdio>
#include <sstream>

#include "json/json.h"
#include "store/store.h"
#include "store_test_util.h"

using namespace verity;
using namespace verity::store;
using verity::store::testing::TempDir;

namespace {

// RFC 4180 reader: records end in CRLF; quoted fields may hold commas, CR, LF and "" for a quote.
// Returns false on a malformed document.
bool ReadCsv(const std::string& text, std::vector<std::vector<std::string>>* out) {
  std::vector<std::string> rec;
  std::string field;
  size_t i = 0;
  bool in_quotes = false, was_quoted = false;
  while (i < text.size()) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          i += 2;
          continue;
        }
        in_quotes = false;
        ++i;
        continue;
      }
      field += c;
      ++i;
      continue;
    }
    if (c == '"') {
      if (!field.empty() || was_quoted) return false;  // quote inside an unquoted field
      in_quotes = was_quoted = true;
      ++i;
    } else if (c == ',') {
      rec.push_back(field);
      field.clear();
      was_quoted = false;
      ++i;
    } else if (c == '\r') {
      if (i + 1 >= text.size() || text[i + 1] != '\n') return false;
      rec.push_back(field);
      out->push_back(rec);
      rec.clear();
      field.clear();
      was_quoted = false;
      i += 2;
    } else if (c == '\n') {
      return false;  // bare LF outside quotes
    } else {
      if (was_quoted) return false;  // text after the closing quote
      field += c;
      ++i;
    }
  }
  return !in_quotes && rec.empty() && field.empty();
}

std::vector<LogRow> TrickyRows() {
  std::vector<std::string> details = {"plain",
                                      "comma, inside",
                                      "quote \" inside",
                                      "\"starts and ends with quotes\"",
                                      "line\nbreak",
                                      "crlf\r\nbreak",
                                      "",
                                      "unicode \xc3\xa9\xe2\x9c\x93 and control \x01\x1f",
                                      "back\\slash</script>",
                                      ",\",\r\n"};
  std::vector<LogRow> rows;
  for (size_t i = 0; i < details.size(); ++i) {
    LogRow r;
    r.time_ms = 1767225600000 + static_cast<int64_t>(i);
    r.browser = i % 2 ? "firefox" : "chromium";
    r.origin = "https://a.example";
    r.url = "https://a.example/x?a=1,b=\"2\"#" + std::to_string(i);
    r.destination = "script";
    r.action = i % 3 == 0 ? "block" : "allow";
    r.reason = "no_manifest_match";
    r.detail = details[i];
    r.manifest_id = "mid";
    r.kind = i == 6 ? "event" : "verdict";
    rows.push_back(r);
  }
  return rows;
}

std::unique_ptr<Store> OpenWith(const TempDir& dir, const std::vector<LogRow>& rows) {
  StoreOptions o;
  o.path = dir.File("verity.db");
  o.retention_days = 0;
  auto s = Store::Open(o);
  REQUIRE(s.ok());
  for (const auto& r : rows) REQUIRE((*s)->Append(r).ok());
  return std::move(*s);
}

void CheckJsonRow(const json::Value& v, const LogRow& r, int64_t seq) {
  REQUIRE(v.is_object());
  CHECK(*v.GetInt("seq") == seq);
  CHECK(*v.GetInt("time") == r.time_ms);
  CHECK(*v.GetString("browser") == r.browser);
  CHECK(*v.GetString("origin") == r.origin);
  CHECK(*v.GetString("url") == r.url);
  CHECK(*v.GetString("destination") == r.destination);
  CHECK(*v.GetString("action") == r.action);
  CHECK(*v.GetString("reason") == r.reason);
  CHECK(*v.GetString("detail") == r.detail);
  CHECK(*v.GetString("manifest_id") == r.manifest_id);
  CHECK(*v.GetString("kind") == r.kind);
  CHECK(v.members().size() == 11);
}

std::string ReadAll(FILE* f) {
  std::rewind(f);
  std::string s;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}

}  // namespace

TEST_CASE("export: JSON array parses back, newest first, filters apply") {
  TempDir dir;
  auto rows = TrickyRows();
  auto s = OpenWith(dir, rows);
  std::ostringstream os;
  REQUIRE(ExportJson(*s, {}, JsonExportStyle::kArray, os).ok());
  auto doc = json::Parse(os.str());
  REQUIRE(doc.ok());
  REQUIRE(doc->is_array());
  REQUIRE(doc->items().size() == rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    size_t src = rows.size() - 1 - i;
    CheckJsonRow(doc->items()[i], rows[src], static_cast<int64_t>(src + 1));
  }
  // Filtered.
  LogQuery q;
  q.action = "block";
  std::ostringstream fs;
  REQUIRE(ExportJson(*s, q, JsonExportStyle::kArray, fs).ok());
  auto f = json::Parse(fs.str());
  REQUIRE(f.ok());
  CHECK(f->items().size() == 4);  // i = 0, 3, 6, 9
  for (const auto& item : f->items()) CHECK(*item.GetString("action") == "block");
  // Empty result is still a valid document.
  q.action = "nothing";
  std::ostringstream es;
  REQUIRE(ExportJson(*s, q, JsonExportStyle::kArray, es).ok());
  auto e = json::Parse(es.str());
  REQUIRE(e.ok());
  CHECK(e->is_array());
  CHECK(e->items().empty());
}

TEST_CASE("export: JSON Lines to a FILE*, more rows than one page") {
  TempDir dir;
  std::vector<LogRow> rows;
  auto base = TrickyRows();
  for (int i = 0; i < 1234; ++i) rows.push_back(base[static_cast<size_t>(i) % base.size()]);
  auto s = OpenWith(dir, rows);
  FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  REQUIRE(ExportJson(*s, {}, JsonExportStyle::kLines, f).ok());
  std::string text = ReadAll(f);
  std::fclose(f);
  size_t n = 0, pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    REQUIRE(nl != std::string::npos);  // every line ends in LF, none embedded (escaped)
    auto v = json::Parse(std::string_view(text).substr(pos, nl - pos));
    REQUIRE(v.ok());
    size_t src = rows.size() - 1 - n;
    CheckJsonRow(*v, rows[src], static_cast<int64_t>(src + 1));
    ++n;
    pos = nl + 1;
  }
  CHECK(n == rows.size());
}

TEST_CASE("export: CSV quoting per RFC 4180") {
  CHECK(CsvField("plain") == "plain");
  CHECK(CsvField("") == "");
  CHECK(CsvField("a,b") == "\"a,b\"");
  CHECK(CsvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(CsvField("a\nb") == "\"a\nb\"");
  CHECK(CsvField("a\rb") == "\"a\rb\"");
  CHECK(CsvField("\"") == "\"\"\"\"");

  TempDir dir;
  auto rows = TrickyRows();
  auto s = OpenWith(dir, rows);
  FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  REQUIRE(ExportCsv(*s, {}, f).ok());
  std::string text = ReadAll(f);
  std::fclose(f);
  CHECK(text.rfind("seq,time,browser,origin,url,destination,action,reason,detail,manifest_id,kind\r\n", 0) ==
        0);
  std::vector<std::vector<std::string>> recs;
  REQUIRE(ReadCsv(text, &recs));
  REQUIRE(recs.size() == rows.size() + 1);
  for (const auto& rec : recs) CHECK(rec.size() == 11);
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& rec = recs[i + 1];
    const LogRow& r = rows[rows.size() - 1 - i];
    CHECK(rec[0] == std::to_string(rows.size() - i));
    CHECK(rec[1] == std::to_string(r.time_ms));
    CHECK(rec[2] == r.browser);
    CHECK(rec[3] == r.origin);
    CHECK(rec[4] == r.url);
    CHECK(rec[8] == r.detail);
    CHECK(rec[10] == r.kind);
  }
  // ostream overload gives the same bytes.
  std::ostringstream os;
  REQUIRE(ExportCsv(*s, {}, os).ok());
  CHECK(os.str() == text);
}

TEST_CASE("export: write failures are reported") {
  TempDir dir;
  auto s = OpenWith(dir, TrickyRows());
  std::ostringstream bad;
  bad.setstate(std::ios::badbit);
  CHECK(ExportCsv(*s, {}, bad).code() == ErrorCode::kStoreExportFailed);
  CHECK(ExportJson(*s, {}, JsonExportStyle::kLines, bad).code() == ErrorCode::kStoreExportFailed);
  CHECK(ExportCsv(*s, {}, static_cast<FILE*>(nullptr)).code() == ErrorCode::kStoreExportFailed);
  FILE* ro = std::fopen("/dev/null", "r");
  REQUIRE(ro != nullptr);
  CHECK(ExportCsv(*s, {}, ro).code() == ErrorCode::kStoreExportFailed);
  std::fclose(ro);
  // /dev/full: writes fail with ENOSPC (on flush at the latest).
  FILE* full = std::fopen("/dev/full", "w");
  if (full != nullptr) {
    CHECK(ExportJson(*s, {}, JsonExportStyle::kArray, full).code() == ErrorCode::kStoreExportFailed);
    std::fclose(full);
  }
}
