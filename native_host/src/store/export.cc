// Verdict log export to JSON (array or JSON Lines) and CSV (RFC 4180). See store.h.
#include <cstdio>
#include <ostream>

#include "json/json.h"
#include "store/store.h"

namespace verity::store {
namespace {

constexpr std::string_view kCsvHeader =
    "seq,time,browser,origin,url,destination,action,reason,detail,manifest_id,kind\r\n";

// Writes to a FILE* or an ostream; false on a short write.
struct FileSink {
  FILE* f;
  bool operator()(std::string_view s) const {
    return s.empty() || std::fwrite(s.data(), 1, s.size(), f) == s.size();
  }
  bool Flush() const { return std::fflush(f) == 0; }
};
struct StreamSink {
  std::ostream* os;
  bool operator()(std::string_view s) const {
    os->write(s.data(), static_cast<std::streamsize>(s.size()));
    return os->good();
  }
  bool Flush() const { return os->flush().good(); }
};

std::string CsvLine(const LogRow& r) {
  std::string line = std::to_string(r.seq);
  line += ',';
  line += std::to_string(r.time_ms);
  for (const std::string* f : {&r.browser, &r.origin, &r.url, &r.destination, &r.action, &r.reason, &r.detail,
                               &r.manifest_id, &r.kind}) {
    line += ',';
    line += CsvField(*f);
  }
  line += "\r\n";
  return line;
}

template <class Sink>
Status WriteJson(Store& store, const LogQuery& q, JsonExportStyle style, const Sink& out) {
  if (!out(style == JsonExportStyle::kArray ? "[" : ""))
    return MakeError(ErrorCode::kStoreExportFailed, "write failed");
  bool first = true;
  Status st = store.ForEach(q, [&](const LogRow& row) {
    std::string text;
    if (style == JsonExportStyle::kArray && !first) text += ",\n";
    if (style == JsonExportStyle::kArray && first) text += "\n";
    text += FormatLogRowJson(row);
    if (style == JsonExportStyle::kLines) text += "\n";
    first = false;
    return out(text);
  });
  if (!st) return st;
  if (style == JsonExportStyle::kArray && !out(first ? "]\n" : "\n]\n")) {
    return MakeError(ErrorCode::kStoreExportFailed, "write failed");
  }
  if (!out.Flush()) return MakeError(ErrorCode::kStoreExportFailed, "flush failed");
  return OkStatus();
}

template <class Sink>
Status WriteCsv(Store& store, const LogQuery& q, const Sink& out) {
  if (!out(kCsvHeader)) return MakeError(ErrorCode::kStoreExportFailed, "write failed");
  Status st = store.ForEach(q, [&](const LogRow& row) { return out(CsvLine(row)); });
  if (!st) return st;
  if (!out.Flush()) return MakeError(ErrorCode::kStoreExportFailed, "flush failed");
  return OkStatus();
}

}  // namespace

std::string FormatLogRowJson(const LogRow& r) {
  json::Writer w;
  w.BeginObject();
  w.Key("seq").Int(r.seq);
  w.Key("time").Int(r.time_ms);
  w.Key("browser").String(r.browser);
  w.Key("origin").String(r.origin);
  w.Key("url").String(r.url);
  w.Key("destination").String(r.destination);
  w.Key("action").String(r.action);
  w.Key("reason").String(r.reason);
  w.Key("detail").String(r.detail);
  w.Key("manifest_id").String(r.manifest_id);
  w.Key("kind").String(r.kind);
  w.EndObject();
  return w.Take();
}

std::string CsvField(std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

Status ExportJson(Store& store, const LogQuery& q, JsonExportStyle style, FILE* out) {
  if (out == nullptr) return MakeError(ErrorCode::kStoreExportFailed, "no output file");
  return WriteJson(store, q, style, FileSink{out});
}
Status ExportJson(Store& store, const LogQuery& q, JsonExportStyle style, std::ostream& out) {
  return WriteJson(store, q, style, StreamSink{&out});
}
Status ExportCsv(Store& store, const LogQuery& q, FILE* out) {
  if (out == nullptr) return MakeError(ErrorCode::kStoreExportFailed, "no output file");
  return WriteCsv(store, q, FileSink{out});
}
Status ExportCsv(Store& store, const LogQuery& q, std::ostream& out) {
  return WriteCsv(store, q, StreamSink{&out});
}

}  // namespace verity::store
