#include "protocol/dispatch.h"

#include <algorithm>
#include <optional>

#include "core/encoding.h"
#include "json/json.h"
#include "policy/decision_table.h"
#include "protocol/fields.h"
#include "protocol/framing.h"
#include "protocol/m2dmrt_handler.h"

namespace verity::protocol {
namespace {

// Room kept free below 1 MiB for the envelope around log rows.
constexpr size_t kReplyBudget = kMaxOutboundBytes - 4096;
constexpr int64_t kMaxLogLimit = 500;
constexpr std::string_view kNoRoomDetail = "no room left in the batch reply";

// A body digest field: base64 (either alphabet, padding optional) of exactly `size` bytes.
Result<Bytes> Digest(std::string_view field, std::string_view text, size_t size) {
  auto h = ParseBase64Lenient(text);
  if (!h || h->size() != size)
    return BadField(field, "expected base64 of " + std::to_string(size) + " bytes");
  return std::move(*h);
}

#define ASSIGN_OR_RETURN(lhs, expr)       \
  auto lhs##_r_ = (expr);                 \
  if (!lhs##_r_) return lhs##_r_.error(); \
  auto lhs = std::move(*lhs##_r_)

void WriteConfig(json::Writer& w, const policy::ConfigStatus& c) {
  w.BeginObject().Key("ok").Bool(c.ok);
  if (!c.ok) w.Key("code").String(c.code).Key("detail").String(ClipDetail(c.detail));
  w.EndObject();
}

void WriteStrings(json::Writer& w, const std::vector<std::string>& v) {
  w.BeginArray();
  for (const auto& s : v) w.String(s);
  w.EndArray();
}

void WriteSite(json::Writer& w, const policy::SiteView& s) {
  w.BeginObject();
  w.Key("origin").String(s.origin);
  w.Key("checked").Bool(s.checked);
  WriteStringOrNull(w, "mode", s.mode);
  WriteNonEmptyOrNull(w, "manifest_url", s.manifest_url);
  w.Key("expires");
  if (s.expires) {
    w.Int(s.expires);
  } else {
    w.Null();
  }
  w.Key("source").String(FormatState(s.source));
  w.Key("setting").String(policy::FormatSetting(s.setting));
  w.Key("w3c_integrity_policy");
  if (s.w3c_integrity_policy) {
    w.BeginObject();
    w.Key("blocked_destinations");
    WriteStrings(w, s.w3c_integrity_policy->blocked_destinations);
    w.Key("sources");
    WriteStrings(w, s.w3c_integrity_policy->sources);
    w.Key("endpoints");
    WriteStrings(w, s.w3c_integrity_policy->endpoints);
    w.EndObject();
  } else {
    w.Null();
  }
  // Issue #10 (rework): per-category modes, header dialect, report-to names, request headers.
  w.Key("modes").BeginObject();
  for (const auto& [k, m] : s.modes) w.Key(k).String(m);
  w.EndObject();
  w.Key("mode_expires").BeginObject();
  for (const auto& [k, t] : s.mode_expires) w.Key(k).Int(t);
  w.EndObject();
  WriteStringOrNull(w, "dialect", s.dialect);
  w.Key("report_to");
  WriteStrings(w, s.report_to);
  w.Key("request_headers").BeginObject();
  for (const auto& [name, value] : s.request_headers) w.Key(name).String(value);
  w.EndObject();
  w.Key("manifest").BeginObject().Key("state").String(FormatState(s.manifest.state));
  if (!s.manifest.id.empty()) w.Key("id").String(s.manifest.id);
  if (!s.manifest.reason.empty()) w.Key("reason").String(s.manifest.reason);
  w.EndObject();
  w.Key("decision_basis").String(s.decision_basis);
  w.EndObject();
}

// "csp":{"enforce":"..."|null,"report_only":"..."|null} (policy/inline_csp.h).
void WriteCsp(json::Writer& w, std::string_view enforce, std::string_view report_only) {
  w.Key("csp").BeginObject();
  WriteNonEmptyOrNull(w, "enforce", enforce);
  WriteNonEmptyOrNull(w, "report_only", report_only);
  w.EndObject();
}

// "decision_table":{"manifest_id":"...","complete":true,"entries":[{"url":"...","sha256":"<base64>",
// "destinations":["script",...]}]} (docs/protocol.md "manifest"; policy/decision_table.h).
void WriteDecisionTable(json::Writer& w, const policy::DecisionTable& t) {
  w.BeginObject().Key("manifest_id").String(t.manifest_id).Key("basis").String(t.basis);
  w.Key("complete").Bool(t.complete);
  w.Key("entries").BeginArray();
  for (const auto& e : t.entries) {
    w.BeginObject().Key("url").String(e.url).Key("sha256").String(FormatBase64(e.sha256));
    w.Key("destinations").BeginArray();
    for (std::string_view d : e.destinations) w.String(d);
    w.EndArray().EndObject();
  }
  w.EndArray().EndObject();
}

class Request {
 public:
  Request(policy::Engine& e, const HostInfo& info, const json::Value& msg, json::Writer& w)
      : engine_(e), info_(info), msg_(msg), w_(w) {}

  Status Hello() {
    ASSIGN_OR_RETURN(browser, OptString(msg_, "browser"));
    ASSIGN_OR_RETURN(ext_version, OptString(msg_, "extension_version"));
    (void)ext_version;
    if (browser && *browser != "chromium" && *browser != "firefox") {
      return BadField("browser", "expected \"chromium\" or \"firefox\"");
    }
    w_.Key("host_version").String(info_.version);
    w_.Key("protocol").Int(kProtocolVersion);
    w_.Key("browser").String(info_.browser);
    w_.Key("config");
    WriteConfig(w_, engine_.config_status());
    w_.Key("data_dir").String(engine_.data_dir());
    w_.Key("max_message_bytes").Uint(engine_.max_message_bytes());
    w_.Key("batch_max").Uint(kMaxBatchRequests);
    WritePreload(engine_.Preload());
    return OkStatus();
  }

  Status SiteState() {
    policy::SiteStateRequest req;
    ASSIGN_OR_RETURN(origin, ReqString(msg_, "origin"));
    req.origin = origin;
    if (const json::Value* h = msg_.Find("headers"); h && !h->is_null()) {
      if (!h->is_object()) return BadField("headers", "expected an object");
      for (const auto& [name, value] : h->members()) {
        if (!value.is_string()) return BadField("headers." + name, "expected a string");
        req.headers.emplace_back(name, value.AsString());
      }
    }
    ASSIGN_OR_RETURN(view, engine_.SiteState(req));
    WriteSiteFields(view);
    return OkStatus();
  }

  Status Manifest() {
    policy::ManifestRequest req;
    std::optional<std::string_view> body, body_b64;
    FieldReader f(msg_);
    f.Req("origin", req.origin).Req("url", req.url).Opt("status", req.status).Opt("table", req.want_table);
    if (!f.Opt("body", body).Opt("body_b64", body_b64).status()) return f.status();
    if (body && body_b64) return BadField("body", "give either body or body_b64, not both");
    if (body) {
      req.body = *body;
    } else if (body_b64) {
      auto bytes = ParseBase64(*body_b64);
      if (!bytes) return BadField("body_b64", "malformed base64");
      req.body = ToString(*bytes);
    } else {
      return BadField("body", "required string missing (body or body_b64)");
    }
    ASSIGN_OR_RETURN(rep, engine_.IngestManifest(req));
    WriteNonEmptyOrNull(w_, "manifest_id", rep.manifest_id);
    WriteCsp(w_, rep.csp_enforce, rep.csp_report_only);
    WriteNonEmptyOrNull(w_, "dialect", rep.dialect);
    w_.Key("entries").Uint(rep.entries);
    w_.Key("transparency").String(FormatState(rep.transparency));
    if (!rep.transparency_code.empty()) w_.Key("transparency_code").String(rep.transparency_code);
    w_.Key("state").String(FormatState(rep.state));
    if (!rep.reason.empty()) w_.Key("reason").String(rep.reason);
    if (!rep.detail.empty()) w_.Key("detail").String(ClipDetail(rep.detail));
    if (req.want_table) {
      w_.Key("decision_table");
      if (rep.table) {
        WriteDecisionTable(w_, *rep.table);
      } else {
        w_.Null();
      }
    }
    return OkStatus();
  }

  Status Verdict() {
    policy::VerdictRequest req;
    std::string_view sha256;
    std::optional<std::string_view> sha384, sha512;
    FieldReader f(msg_);
    f.Req("origin", req.origin).Req("url", req.url).Req("destination", req.destination).Req("sha256", sha256);
    f.Opt("sha384", sha384).Opt("sha512", sha512).Opt("integrity", req.integrity).Opt("status", req.status);
    if (!f.Opt("from_cache", req.from_cache).Opt("tab", req.tab).Opt("notice", req.notice).status())
      return f.status();
    ASSIGN_OR_RETURN(h256, Digest("sha256", sha256, 32));
    std::copy(h256.begin(), h256.end(), req.sha256.begin());
    if (sha384) {
      ASSIGN_OR_RETURN(h384, Digest("sha384", *sha384, 48));
      req.sha384 = std::move(h384);
    }
    if (sha512) {
      ASSIGN_OR_RETURN(h512, Digest("sha512", *sha512, 64));
      req.sha512 = std::move(h512);
    }
    ASSIGN_OR_RETURN(v, engine_.Decide(req));
    WriteVerdictReply(v);
    WriteNonEmptyOrNull(w_, "manifest_id", v.manifest_id);
    if (v.has_csp) WriteCsp(w_, v.csp_enforce, v.csp_report_only);
    if (v.agrees) w_.Key("agrees").Bool(*v.agrees);
    return OkStatus();
  }

  // inline_violation: a CSP violation of the synthesised policy (docs/protocol.md).
  Status InlineViolation() {
    policy::InlineViolationRequest req;
    std::optional<std::string_view> disposition;
    FieldReader f(msg_);
    f.Req("origin", req.origin)
        .Req("document_url", req.document_url)
        .Req("effective_directive", req.effective_directive);
    f.Opt("blocked_uri", req.blocked_uri)
        .Opt("sample_sha256", req.sample_sha256)
        .Opt("disposition", disposition);
    if (!f.Opt("tab", req.tab).status()) return f.status();
    if (disposition && *disposition != "enforce" && *disposition != "report") {
      return BadField("disposition", "expected \"enforce\" or \"report\"");
    }
    if (!req.sample_sha256.empty()) {
      ASSIGN_OR_RETURN(digest, Digest("sample_sha256", req.sample_sha256, 32));  // shape check only
      (void)digest;
    }
    req.disposition = disposition.value_or("");
    ASSIGN_OR_RETURN(v, engine_.InlineViolation(req));
    WriteVerdictReply(v);
    return OkStatus();
  }

  // action, reason, detail, category: the members verdict and inline_violation replies share.
  void WriteVerdictReply(const policy::Verdict& v) {
    w_.Key("action").String(policy::FormatAction(v.action));
    w_.Key("reason").String(v.reason);
    w_.Key("detail").String(ClipDetail(v.detail));
    WriteNonEmptyOrNull(w_, "category", v.category);
  }

  Status LogQuery() {
    policy::LogQuery q;
    ASSIGN_OR_RETURN(origin, OptString(msg_, "origin"));
    ASSIGN_OR_RETURN(action, OptString(msg_, "action"));
    ASSIGN_OR_RETURN(since, OptInt(msg_, "since"));
    ASSIGN_OR_RETURN(until, OptInt(msg_, "until"));
    ASSIGN_OR_RETURN(limit, OptInt(msg_, "limit"));
    ASSIGN_OR_RETURN(cursor, OptString(msg_, "cursor"));
    if (origin) q.origin = std::string(*origin);
    if (action) {
      q.action = policy::ParseAction(*action);
      if (!q.action) return BadField("action", "expected \"allow\", \"block\" or \"report\"");
    }
    q.since = since;
    q.until = until;
    if (limit && (*limit < 1 || *limit > kMaxLogLimit)) return BadField("limit", "must be 1..500");
    q.limit = static_cast<uint32_t>(limit.value_or(100));
    if (cursor) q.cursor = std::string(*cursor);
    ASSIGN_OR_RETURN(page, engine_.QueryLog(q));
    w_.Key("rows").BeginArray();
    std::optional<std::string> next = page.next_cursor;
    for (size_t i = 0; i < page.rows.size(); ++i) {
      const auto& r = page.rows[i];
      json::Writer row;
      row.BeginObject();
      row.Key("seq").Int(r.seq).Key("time").Int(r.time_ms).Key("browser").String(r.browser);
      row.Key("origin").String(r.origin).Key("url").String(r.url).Key("destination").String(r.destination);
      row.Key("action").String(r.action).Key("reason").String(r.reason).Key("detail").String(r.detail);
      row.Key("manifest_id").String(r.manifest_id).Key("kind").String(r.kind);
      row.EndObject();
      if (w_.size() + row.size() + 512 > kReplyBudget) {
        // Cut the page here; the cursor resumes after the last row sent.
        if (i == 0)
          return MakeError(ErrorCode::kProtocolReplyTooLarge, "a single log row exceeds the budget");
        next = engine_.CursorAfter(page.rows[i - 1]);
        break;
      }
      w_.Raw(row.str());
    }
    w_.EndArray();
    WriteStringOrNull(w_, "next_cursor", next);
    return OkStatus();
  }

  Status SetSite() {
    ASSIGN_OR_RETURN(origin, ReqString(msg_, "origin"));
    ASSIGN_OR_RETURN(setting_s, ReqString(msg_, "setting"));
    auto setting = policy::ParseSetting(setting_s);
    if (!setting) return BadField("setting", "expected default, off, verify or require");
    ASSIGN_OR_RETURN(origin_n, policy::NormalizeOrigin(origin));
    ASSIGN_OR_RETURN(result, engine_.SetSite(origin_n, *setting));
    w_.Key("origin").String(origin_n);
    w_.Key("setting").String(policy::FormatSetting(result));
    return OkStatus();
  }

  Status Override() {
    policy::OverrideRequest req;
    FieldReader f(msg_);
    if (!f.Req("origin", req.origin).Req("url", req.url).Opt("reason", req.reason).status())
      return f.status();
    ASSIGN_OR_RETURN(rep, engine_.Override(req));
    w_.Key("granted").Bool(rep.granted);
    w_.Key("detail").String(ClipDetail(rep.detail));
    return OkStatus();
  }

  // report_sent: one waict-violation report POST by the extension (docs/protocol.md).
  Status ReportSent() {
    policy::ReportSentRequest req;
    FieldReader f(msg_);
    f.Req("origin", req.origin).Req("endpoint", req.endpoint).Opt("count", req.count).Opt("ok", req.ok);
    if (!f.Opt("status", req.status).status()) return f.status();
    // Absent members keep the defaults (0, false, 0), which are in range.
    if (req.count < 0 || req.count > 100000) return BadField("count", "expected 0..100000");
    if (req.status < 0 || req.status > 999) return BadField("status", "expected 0..999");
    if (const json::Value* rs = msg_.Find("reasons")) {
      if (!rs->is_array()) return BadField("reasons", "expected an array of strings");
      for (const auto& r : rs->items()) {
        if (!r.is_string()) return BadField("reasons", "expected an array of strings");
        if (req.reasons.size() < 16) req.reasons.emplace_back(r.AsString());
      }
    }
    ASSIGN_OR_RETURN(logged, engine_.ReportSent(req));
    w_.Key("logged").Bool(logged);
    return OkStatus();
  }

  Status StatusMsg() {
    ASSIGN_OR_RETURN(origin, OptString(msg_, "origin"));
    ASSIGN_OR_RETURN(st, engine_.HostStatus(origin));
    w_.Key("host_version").String(info_.version);
    w_.Key("config");
    WriteConfig(w_, st.config);
    w_.Key("db").String(st.db);
    w_.Key("db_ok").Bool(st.db_ok);
    w_.Key("counts").BeginObject();
    w_.Key("allow").Uint(st.allow).Key("block").Uint(st.block).Key("report").Uint(st.report);
    w_.Key("warn").Uint(st.warn);
    w_.EndObject();
    w_.Key("site");
    if (st.site) {
      WriteSite(w_, *st.site);
    } else {
      w_.Null();
    }
    WritePreload(engine_.Preload());
    return OkStatus();
  }

  // hello / status: the trusted preload list, so the extension knows the preloaded sites without
  // asking per site (design §1 privacy). `preloaded` is empty unless the list is trusted.
  void WritePreload(const policy::PreloadInfo& p) {
    w_.Key("preload").BeginObject().Key("status").String(FormatState(p.status));
    if (p.issued != 0) w_.Key("issued").Uint(p.issued);
    if (!p.detail.empty()) w_.Key("detail").String(ClipDetail(p.detail));
    w_.EndObject();
    w_.Key("preloaded").BeginArray();
    for (const auto& d : p.domains) w_.String(d);
    w_.EndArray();
  }

  Status M2dmrtCheck() { return HandleM2dmrtCheck(engine_, msg_, w_); }  // protocol/m2dmrt_handler.cc

 private:
  // site_state replies carry the SiteView fields at the top level of the envelope.
  void WriteSiteFields(const policy::SiteView& view) {
    json::Writer tmp;
    WriteSite(tmp, view);
    std::string_view s = tmp.str();
    // Strip the outer braces and splice the members into the envelope object.
    w_.Raw(s.substr(1, s.size() - 2));
  }

  policy::Engine& engine_;
  const HostInfo& info_;
  const json::Value& msg_;
  json::Writer& w_;
};

using HandlerFn = Status (Request::*)();
struct HandlerEntry {
  std::string_view type;
  HandlerFn fn;
};
// clang-format off
constexpr HandlerEntry kHandlers[] = {
    {"verdict", &Request::Verdict},   {"site_state", &Request::SiteState}, {"manifest", &Request::Manifest},
    {"hello", &Request::Hello},       {"log_query", &Request::LogQuery},   {"set_site", &Request::SetSite},
    {"override", &Request::Override}, {"status", &Request::StatusMsg},
    {"m2dmrt_check", &Request::M2dmrtCheck}, {"inline_violation", &Request::InlineViolation},
    {"report_sent", &Request::ReportSent},
};
// clang-format on

// The message's id, serialised for echoing ("7", "\"a\""); protocol.missing_id when absent or unusable.
Result<std::string> IdJson(const json::Value& msg) {
  const json::Value* id = msg.Find("id");
  if (!id || !(id->is_string() || id->AsInt())) {
    return MakeError(ErrorCode::kProtocolMissingId, "\"id\" must be an integer or a string");
  }
  if (id->is_string() && id->AsString().size() > 256) {
    return MakeError(ErrorCode::kProtocolMissingId, "string \"id\" longer than 256 bytes");
  }
  return id->is_string() ? json::Quote(id->AsString()) : std::to_string(*id->AsInt());
}

}  // namespace

std::string FormatErrorReply(std::string_view id_json, ErrorCode code, std::string_view detail) {
  json::Writer w;
  w.BeginObject();
  w.Key("id").Raw(id_json);
  w.Key("ok").Bool(false);
  w.Key("error").BeginObject();
  w.Key("code").String(WireName(code));
  w.Key("detail").String(ClipDetail(detail));
  w.EndObject();
  w.EndObject();
  return w.Take();
}

std::string Dispatcher::Handle(std::string_view payload) {
  auto parsed = json::Parse(payload);
  if (!parsed) {
    ErrorCode c = parsed.code() == ErrorCode::kJsonInvalidUtf8 ? ErrorCode::kProtocolInvalidUtf8
                                                               : ErrorCode::kProtocolInvalidJson;
    return FormatErrorReply("null", c, parsed.error().detail);
  }
  return HandleMessage(*parsed, false);
}

std::string Dispatcher::HandleMessage(const json::Value& msg, bool in_batch) {
  if (!msg.is_object())
    return FormatErrorReply("null", ErrorCode::kProtocolNotAnObject, "expected a JSON object");
  auto id = IdJson(msg);
  if (!id) return FormatErrorReply("null", ErrorCode::kProtocolMissingId, id.error().detail);
  const std::string& id_json = *id;
  auto type = msg.GetString("type");
  if (!type) return FormatErrorReply(id_json, ErrorCode::kProtocolMissingType, "\"type\" must be a string");
  if (*type == "batch") {
    if (in_batch)
      return FormatErrorReply(id_json, ErrorCode::kProtocolBadBatch, "a batch may not hold a batch");
    return HandleBatch(id_json, msg);
  }
  if (in_batch && *type != "verdict") {
    return FormatErrorReply(id_json, ErrorCode::kProtocolBadBatch,
                            "only verdict messages may be batched, not " + std::string(Clip(*type, 64)));
  }
  HandlerFn fn = nullptr;
  for (const auto& h : kHandlers) {
    if (h.type == *type) {
      fn = h.fn;
      break;
    }
  }
  if (!fn) {
    return FormatErrorReply(id_json, ErrorCode::kProtocolUnknownType,
                            "no such type: " + std::string(Clip(*type, 64)));
  }
  json::Writer w;
  w.BeginObject();
  w.Key("id").Raw(id_json);
  w.Key("ok").Bool(true);
  w.Key("type").String(*type);
  Request req(engine_, info_, msg, w);
  Status st = (req.*fn)();
  if (!st) return FormatErrorReply(id_json, st.code(), st.error().detail);
  w.EndObject();
  if (w.size() >= kMaxOutboundBytes) {
    return FormatErrorReply(id_json, ErrorCode::kProtocolReplyTooLarge,
                            "reply of " + std::to_string(w.size()) + " bytes is not below 1 MiB");
  }
  return w.Take();
}

std::string Dispatcher::HandleBatch(const std::string& id_json, const json::Value& msg) {
  const json::Value* reqs = msg.Find("requests");
  if (!reqs || !reqs->is_array())
    return FormatErrorReply(id_json, ErrorCode::kProtocolBadField, "requests: expected an array");
  const auto& items = reqs->items();
  if (items.empty() || items.size() > kMaxBatchRequests) {
    return FormatErrorReply(id_json, ErrorCode::kProtocolBadBatch,
                            "a batch holds 1 to " + std::to_string(kMaxBatchRequests) + " requests, not " +
                                std::to_string(items.size()));
  }
  json::Writer w;
  w.BeginObject();
  w.Key("id").Raw(id_json);
  w.Key("ok").Bool(true);
  w.Key("type").String("batch");
  w.Key("replies").BeginArray();
  for (size_t i = 0; i < items.size(); ++i) {
    const json::Value& item = items[i];
    std::string reply = HandleMessage(item, true);
    // Every entry gets an answer and the whole stays below 1 MiB: room is kept for an error reply
    // to each entry still to come, and an entry that does not fit is answered with
    // protocol.reply_too_large (which never allows anything).
    size_t reserve = (items.size() - i - 1) * kMaxBatchNoRoomReplyBytes;
    if (w.size() + reply.size() + 2 + reserve + 64 >= batch_reply_limit_) {
      std::string iid = "null";
      if (item.is_object()) {
        if (auto r = IdJson(item)) iid = *r;
      }
      reply = FormatErrorReply(iid, ErrorCode::kProtocolReplyTooLarge, kNoRoomDetail);
    }
    w.Raw(reply);
  }
  w.EndArray();
  w.EndObject();
  if (w.size() >= batch_reply_limit_) {  // only if the limit is below the reserve the loop keeps
    return FormatErrorReply(id_json, ErrorCode::kProtocolReplyTooLarge, "batch reply over the limit");
  }
  return w.Take();
}

}  // namespace verity::protocol
