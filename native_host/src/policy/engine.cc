#include "policy/engine.h"

#include <array>
#include <cstdio>
#include <unordered_map>

#include "config/config.h"
#include "core/encoding.h"
#include "crypto/hash.h"
#include "dns/resolver.h"
#include "headers/site_record.h"
#include "policy/decision_table.h"
#include "policy/inline_csp.h"
#include "policy/reason.h"
#include "policy/rules.h"
#include "policy/site_cache.h"
#include "policy/transparency_gate.h"
#include "policy/verdict_log.h"
#include "store/store.h"
#include "url/url.h"

namespace verity::policy {

// Setting and store::SiteSetting are cast into each other: the same values in the same order.
static_assert(static_cast<int>(Setting::kDefault) == static_cast<int>(store::SiteSetting::kDefault) &&
              static_cast<int>(Setting::kOff) == static_cast<int>(store::SiteSetting::kOff) &&
              static_cast<int>(Setting::kVerify) == static_cast<int>(store::SiteSetting::kVerify) &&
              static_cast<int>(Setting::kRequire) == static_cast<int>(store::SiteSetting::kRequire));
// StatusReply reads the per-action counters by index.
static_assert(static_cast<size_t>(Action::kAllow) < kActionCount &&
              static_cast<size_t>(Action::kBlock) < kActionCount &&
              static_cast<size_t>(Action::kReport) < kActionCount);

std::string_view FormatSetting(Setting s) {
  return store::FormatSiteSetting(static_cast<store::SiteSetting>(s));
}
std::optional<Setting> ParseSetting(std::string_view s) {
  auto r = store::ParseSiteSetting(s);
  if (!r) return std::nullopt;
  return static_cast<Setting>(*r);
}

Result<std::string> NormalizeOrigin(std::string_view origin) {
  if (origin.size() > 2048) return MakeError(ErrorCode::kPolicyBadOrigin, "origin longer than 2048 bytes");
  auto parsed = url::ParseUrl(origin);
  if (!parsed) return MakeError(ErrorCode::kPolicyBadOrigin, "not an origin: " + parsed.error().detail);
  if (parsed->path != "/" || parsed->has_query) {
    return MakeError(ErrorCode::kPolicyBadOrigin, "an origin has no path or query");
  }
  bool local = parsed->host == "localhost" || parsed->host == "127.0.0.1";
  if (parsed->scheme != "https" && !(parsed->scheme == "http" && local)) {
    return MakeError(ErrorCode::kPolicyBadOrigin, "origin must be https (http only for localhost)");
  }
  return url::FormatOrigin(*parsed);
}

namespace {

// What the record, the latest header and the user's setting add up to.
struct Effective {
  bool checked = false;
  bool enforced = false;
  std::optional<std::string_view> mode;
  headers::CategoryModes modes{};  // per category in force (issue #10: the rework's record)
  std::array<int64_t, headers::kCategoryCount> mode_expires{};
  headers::WaictDialect dialect = headers::WaictDialect::kDraft;
  std::string_view manifest_url;
  int64_t expires = 0;
  SiteSource source = SiteSource::kNone;
  bool transparency_required = false;
  bool preloaded = false;
};

Effective Evaluate(const Site& s, int64_t now_s) {
  Effective e;
  bool live = headers::IsLive(s.record, now_s);
  const headers::WaictPolicy* cur =
      s.current && (s.current->max_age == 0 || now_s < s.current_seen_s + s.current->max_age) ? &*s.current
                                                                                              : nullptr;
  // Per category the stronger of the live record and the current header (downgrade protection).
  auto em = headers::Effective(s.record, cur, now_s);
  e.modes = em.modes;
  e.mode_expires = em.expires;
  if (live) {
    e.manifest_url = s.record->manifest_url;
    e.expires = s.record->expires_at;
    e.preloaded = s.record->preload;
    e.dialect = s.record->dialect;
  }
  if (cur) {
    if (!live) e.manifest_url = cur->manifest_url;
    e.dialect = cur->dialect;
  }
  bool enrolled = live || cur || s.preloaded;
  e.source = e.preloaded || s.preloaded ? SiteSource::kPreloaded
             : !enrolled                ? SiteSource::kNone
             : s.header_last            ? SiteSource::kHeader
                                        : SiteSource::kRemembered;
  e.transparency_required = cur ? cur->max_age > 0 : (live && s.record_max_age > 0);
  if (s.preloaded) {
    // Design §4.2: a preloaded site is enforced from the first request and must present a valid
    // proof (or an old enough tombstone), whatever its header says.
    e.preloaded = true;
    for (auto& m : e.modes) m = headers::WaictMode::kEnforce;
    e.transparency_required = true;
  }
  // The v2 set of categories (every fetch category and wasm), for sites the user enrolls.
  auto set_v2 = [&](headers::WaictMode m, bool only_unset) {
    for (size_t i = 0; i < headers::kCategoryCount; ++i) {
      auto c = static_cast<headers::Category>(i);
      if ((headers::IsFetchCategory(c) || c == headers::Category::kWasm) && !(only_unset && e.modes[i])) {
        e.modes[i] = m;
      }
    }
  };
  switch (s.setting) {
    case Setting::kOff:
      e.checked = false;
      e.modes = {};
      break;
    case Setting::kRequire:
      e.checked = true;
      for (auto& m : e.modes) {
        if (m) m = headers::WaictMode::kEnforce;
      }
      set_v2(headers::WaictMode::kEnforce, /*only_unset=*/false);
      if (!enrolled) e.source = SiteSource::kUser;
      break;
    case Setting::kVerify:
      e.checked = true;
      if (!enrolled) {
        set_v2(headers::WaictMode::kReport, /*only_unset=*/true);
        e.source = SiteSource::kUser;
      }
      break;
    case Setting::kDefault:
      e.checked = enrolled;
      break;
  }
  if (!e.checked) e.modes = {};
  auto strongest = headers::StrongestMode(e.modes);
  if (strongest) e.mode = *strongest == headers::WaictMode::kEnforce ? "enforce" : "report";
  e.enforced = strongest == headers::WaictMode::kEnforce;
  return e;
}

// The store filter for an origin as the user typed it (normalized when it is one).
store::LogQuery ToStoreQuery(const std::optional<std::string>& origin) {
  store::LogQuery q;
  if (origin) {
    auto n = NormalizeOrigin(*origin);
    q.origin = n ? *n : *origin;
  }
  return q;
}

}  // namespace

struct Engine::Impl {
  EngineOptions opt;
  Clock clock;
  ConfigStatus config_status;
  config::Config cfg = config::DefaultConfig();
  std::string data_dir;
  std::string db_path;
  std::unique_ptr<store::Store> store;
  std::string store_error;
  Diagnostics* diag = &StderrDiagnostics();
  SiteCache sites;
  std::optional<transparency::WitnessPolicy> witness_policy;
  std::optional<Error> witness_policy_error;  // the config's transparency keys are unusable
  PreloadState preload;
  std::unique_ptr<VerdictLog> log;  // after `store`: destroyed (and committed) first

  std::unique_ptr<dns::Resolver> resolver;  // M2DMRT hops; created on the first hop that needs DNS

  int64_t NowMs() { return clock(); }

  Result<dns::Resolver*> Resolver() {
    if (resolver) return resolver.get();
    if (opt.offline) return MakeError(ErrorCode::kInternal, "the host runs offline (no DNS)");
    auto r = opt.make_resolver ? opt.make_resolver(cfg.m2dmrt) : MakeConfiguredResolver(cfg.m2dmrt);
    if (!r) return r.error();  // asked again on the next hop
    resolver = std::move(*r);
    return resolver.get();
  }
  int64_t NowS() { return clock() / 1000; }

  Result<Site*> GetSite(std::string_view origin) {
    return sites.Get(origin, [this](Site& s) { return LoadSite(s); });
  }

  // A site seen for the first time: its stored record, setting and manifest. A read error is
  // returned (never taken as "not enrolled").
  Status LoadSite(Site& s) {
    s.domain = OriginDomain(s.origin);
    s.preloaded = s.origin.starts_with("https://") && preload.Contains(s.domain, NowS());
    if (!store) return OkStatus();
    auto rec = store->GetSite(s.origin);
    if (!rec) return rec.error();
    if (*rec) {
      s.record = FromStoreRecord(**rec);
      s.record_max_age = (*rec)->max_age;
      s.dest_policy = HeaderDestinationPolicy(*s.record);
    }
    auto set = store->GetSetting(s.origin);
    if (!set) return set.error();
    s.setting = static_cast<Setting>(*set);
    auto m = store->GetManifest(s.origin);
    if (!m) return m.error();
    if (*m) {
      // Re-parse the cached bytes (a cached verdict is never trusted; parsing is cheap).
      s.manifest = Load(s, AsChars((*m)->bytes));
      s.summary = s.manifest->summary;
    }
    return OkStatus();
  }

  // The signed preload list (design §4.2): transparency.preload_list_file, else
  // <data_dir>/preload-list.note. A missing, stale or invalid list is reported and not trusted.
  void LoadPreload() {
    std::string path = cfg.transparency.preload_list_file;
    if (path.empty() && !opt.in_memory_store && !data_dir.empty()) {
      path = data_dir + "/" + std::string(kPreloadListFileName);
    }
    if (path.empty()) {
      preload.detail = "no data folder and no transparency.preload_list_file";
      return;
    }
    preload = LoadPreloadList(path, cfg.transparency, witness_policy ? &*witness_policy : nullptr, NowS());
    if (preload.status == PreloadStatus::kAbsent) return;
    const std::string status(FormatState(preload.status));
    if (preload.status != PreloadStatus::kOk)
      diag->Report("preload list " + path, status + ": " + preload.detail);
    log->AppendEvent("", path, "preload_list", status, preload.detail, "");
  }

  ProofContext Proof(const Site& s) {
    ProofContext c;
    c.required = Evaluate(s, NowS()).transparency_required;
    c.preloaded = s.preloaded;
    c.domain = s.domain;
    c.now_s = NowS();
    c.cooldown_s = static_cast<int64_t>(cfg.transparency.tombstone_cooldown_s);
    c.policy = witness_policy ? &*witness_policy : nullptr;
    c.policy_error = witness_policy_error;
    return c;
  }

  // LoadManifest plus the rollback memory (design §4.2 Decision): a verified head older than the
  // one remembered for the domain is rejected; a newer one raises the persisted mark.
  std::shared_ptr<const LoadedManifest> Load(Site& s, std::string_view body) {
    auto m = LoadManifest(
        s.origin, body, Proof(s),
        s.dest_policy ? integrity::ManifestHint::kFirefoxHeader : integrity::ManifestHint::kAuto);
    if (!m->head || !store) return m;
    const transparency::ChainNode& head = m->head->head;
    auto mark = store->GetRollback(s.domain);
    if (!mark) {
      RejectTransparency(*m, mark.code(), "rollback memory unreadable: " + mark.error().detail);
      return m;
    }
    std::optional<transparency::StoredHead> stored;
    if (*mark)
      stored = transparency::StoredHead{(*mark)->position, static_cast<uint64_t>((*mark)->verified_time)};
    if (auto st = transparency::CheckRollback(head, stored); !st) {
      RejectTransparency(*m, st.code(),
                         st.error().detail + " (remembered position " +
                             std::to_string(stored->position_in_chain) + ", presented " +
                             std::to_string(head.entry.position_in_chain) + ")");
      return m;
    }
    auto raised = store->RaiseRollback(s.domain, head.entry.position_in_chain,
                                       static_cast<int64_t>(head.entry.time_created));
    if (!raised)
      RejectTransparency(*m, raised.code(), "rollback memory not written: " + raised.error().detail);
    return m;
  }

  // The verdict for `req` on site `s` in state `e`: Decide() without counting or logging, and the
  // one source of the decision table (policy/decision_table.h).
  Verdict DecideFor(const Site& s, const Effective& e, const VerdictRequest& req) {
    Verdict v;
    bool checked = e.checked;
    // The category of this request and its mode (rework: per category; v2/Firefox: site-wide).
    Governing g = GoverningMode(e.modes, e.dialect, req.destination);
    if (g.category && g.mode) v.category = std::string(headers::CategoryKey(*g.category));
    const Action fail = g.mode ? FailureActionFor(*g.mode) : Action::kAllow;
    if (!checked) {
      v.action = Action::kAllow;
      v.reason = FormatReason(s.setting == Setting::kOff ? Reason::kUserOff : Reason::kNotChecked);
      v.detail =
          s.setting == Setting::kOff ? "verification switched off for this site" : "site is not enrolled";
    } else if (!g.mode) {
      v.action = Action::kAllow;
      v.reason = std::string(integrity::reason::kNotCovered);
      v.detail =
          "no category in force for destination \"" + std::string(req.destination.substr(0, 40)) + "\"";
    } else if (!config_status.ok) {
      v.action = fail;
      v.reason = FormatReason(Reason::kConfigInvalid);
      v.detail = config_status.detail;
    } else if (!store) {
      v.action = fail;
      v.reason = FormatReason(Reason::kStoreUnavailable);
      v.detail = store_error;
    } else if (!s.manifest) {
      v.action = fail;
      v.reason = FormatReason(Reason::kManifestUnavailable);
      v.detail = "no manifest received for this site yet";
    } else {
      v.manifest_id = s.manifest->summary.id;
      ResourceDecision d =
          DecideResource(*s.manifest, req, g, e.dialect, s.dest_policy ? &*s.dest_policy : nullptr);
      v.action = d.action;
      v.reason = std::move(d.reason);
      v.detail = std::move(d.detail);
      if (v.action == Action::kAllow && e.transparency_required &&
          s.manifest->transparency == TransparencyState::kNotRequired) {
        // The policy started to require transparency after this manifest was loaded (a newer header):
        // never a silent allow on an unverified manifest until it is sent again.
        v.action = fail;
        v.reason = std::string(integrity::reason::kInvalidTransparencyProof);
        v.detail =
            "transparency.missing_proof: the manifest was loaded before the policy required transparency";
      }
    }
    if (v.action == Action::kBlock && g.mode != headers::WaictMode::kEnforce) v.action = fail;
    if (checked && s.manifest && s.manifest->model &&
        s.manifest->transparency != TransparencyState::kUnenrolled &&
        (req.destination == "document" || req.destination == "frame" || req.destination == "iframe")) {
      SynthesizedCsp csp = ComputeInlineCsp(*s.manifest->model, e.modes);
      v.has_csp = true;
      v.csp_enforce = std::move(csp.enforce);
      v.csp_report_only = std::move(csp.report_only);
    }
    return v;
  }

  // SiteView::decision_basis: the inputs of DecideFor() other than the request, as text.
  static std::string Basis(const Site& s, const Effective& e) {
    std::string b = e.checked ? "checked" : "unchecked";
    b.append(";").append(FormatSetting(s.setting)).append(";").append(headers::DialectName(e.dialect));
    b.append(e.transparency_required ? ";proof" : ";noproof").append(";");
    for (const auto& m : e.modes) b.push_back(m ? headers::ModeName(*m)[0] : '-');
    if (s.dest_policy)
      b.append(";dest=")
          .append(std::to_string(s.dest_policy->blocked))
          .append("/")
          .append(std::to_string(s.dest_policy->checked));
    return b.append(";").append(s.summary.id);
  }

  // The decision table of the manifest just loaded for `s` (nullptr when it cannot allow anything).
  std::shared_ptr<const DecisionTable> TableFor(const Site& s) {
    if (!s.manifest || !s.manifest->model || s.manifest->summary.state == ManifestState::kInvalid ||
        s.manifest->transparency == TransparencyState::kUnenrolled)
      return nullptr;
    const Effective e = Evaluate(s, NowS());
    auto decide = [&](std::string_view url, std::string_view dest, const Hash32& h) {
      VerdictRequest r;
      r.origin = s.origin;
      r.url = url;
      r.destination = dest;
      r.sha256 = h;
      return DecideFor(s, e, r);
    };
    DecisionTable t = BuildDecisionTable(*s.manifest->model, s.manifest->summary.id, decide);
    t.basis = Basis(s, e);
    return std::make_shared<const DecisionTable>(std::move(t));
  }

  SiteView View(Site& s) {
    Effective e = Evaluate(s, NowS());
    SiteView v;
    v.origin = s.origin;
    v.setting = s.setting;
    v.w3c_integrity_policy = s.w3c;
    v.manifest = s.summary;
    v.checked = e.checked;
    if (e.mode) v.mode = std::string(*e.mode);
    v.manifest_url = std::string(e.manifest_url);
    v.expires = e.expires;
    v.source = e.source;
    for (size_t i = 0; i < headers::kCategoryCount; ++i) {
      if (!e.modes[i]) continue;
      auto key = std::string(headers::CategoryKey(static_cast<headers::Category>(i)));
      v.modes.emplace_back(key, std::string(headers::ModeName(*e.modes[i])));
      v.mode_expires.emplace_back(key, e.mode_expires[i]);
    }
    if (v.checked) {
      const bool live = headers::IsLive(s.record, NowS());
      if (s.current || live) v.dialect = std::string(headers::DialectName(e.dialect));
      std::string req_manifest;
      if (s.current) {
        v.report_to = s.current->endpoints;
        req_manifest = s.current->manifest_url_raw;
      } else if (live) {
        v.report_to = s.record->endpoints;
        req_manifest = s.record->manifest_url;
      }
      if (!req_manifest.empty()) {
        v.request_headers.emplace_back(headers::kWaictReqHeaderName,
                                       headers::FormatWaictReqHeader(req_manifest));
      }
      v.request_headers.emplace_back("Sec-CH-WAICT", "1");
    }
    v.decision_basis = Basis(s, e);
    // A user-enrolled site without any header: the draft's well-known manifest location.
    if (v.checked && v.manifest_url.empty()) v.manifest_url = s.origin + "/.well-known/waict/manifest";
    return v;
  }
};

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;  // the verdict log commits when it is destroyed

std::unique_ptr<Engine> Engine::Open(EngineOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->opt = std::move(options);
  impl->clock = impl->opt.clock ? impl->opt.clock : Clock(SystemClockMillis);
  if (impl->opt.diagnostics) impl->diag = impl->opt.diagnostics;
  // Configuration: a broken file is remembered and reported; defaults keep the host answering.
  if (!impl->opt.in_memory_store || !impl->opt.config_path.empty()) {
    std::string path = impl->opt.config_path;
    if (path.empty()) {
      auto p = config::DefaultConfigPath();
      if (p) path = *p;
    }
    auto cfg = path.empty() ? Result<config::Config>(config::DefaultConfig()) : config::LoadConfig(path);
    if (cfg) {
      impl->cfg = std::move(*cfg);
    } else {
      impl->config_status = {false, std::string(WireName(cfg.code())), cfg.error().detail};
    }
  }
  if (auto wp = WitnessPolicyFromConfig(impl->cfg.transparency); wp) {
    impl->witness_policy = std::move(*wp);
  } else {
    impl->witness_policy_error = wp.error();
  }
  std::string dir = impl->opt.data_dir.empty() ? impl->cfg.data_dir : impl->opt.data_dir;
  if (impl->opt.in_memory_store) {
    impl->db_path = ":memory:";
    impl->data_dir = "(memory)";
  } else {
    auto p = store::DefaultDatabasePath(dir);
    if (p) {
      impl->db_path = *p;
      impl->data_dir = impl->db_path.substr(0, impl->db_path.rfind('/'));
    } else {
      impl->store_error = p.error().detail;
    }
  }
  if (!impl->db_path.empty()) {
    store::StoreOptions so;
    so.path = impl->db_path;
    so.retention_days = impl->cfg.log_retention_days;
    so.max_rows = impl->cfg.log_max_rows;
    // Retention walks the log index; doing it every 1,000 appends cost more than the appends
    // themselves at 100k verdicts/s (docs/performance.md). The row cap may overshoot by this much.
    so.retention_every = 20000;
    so.clock = impl->clock;
    auto st = store::Store::Open(so);
    if (st) {
      impl->store = std::move(*st);
    } else {
      impl->store_error = std::string(WireName(st.code())) + ": " + st.error().detail;
    }
  }
  impl->log = std::make_unique<VerdictLog>(
      impl->store.get(),
      VerdictLogOptions{impl->opt.browser, impl->opt.log_batch_rows, impl->opt.log_flush_interval_ms},
      impl->clock, *impl->diag);
  impl->LoadPreload();
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

const ConfigStatus& Engine::config_status() const { return impl_->config_status; }
const std::string& Engine::data_dir() const { return impl_->data_dir; }
std::string Engine::db_path() const { return impl_->db_path; }
bool Engine::store_ok() const { return impl_->store != nullptr; }
uint64_t Engine::max_message_bytes() const { return impl_->cfg.max_message_bytes; }
PreloadInfo Engine::Preload() const {
  const PreloadState& p = impl_->preload;
  PreloadInfo info{p.status, p.detail, p.issued, {}};
  if (p.Trusted(impl_->NowS())) {
    info.domains = p.list->domains;
  } else if (p.status == PreloadStatus::kOk) {
    info.status = PreloadStatus::kStale;
    info.detail = "preload list issued at " + std::to_string(p.issued) + " is older than the maximum age";
  }
  return info;
}
Status Engine::CommitLog() { return impl_->log->Commit(); }

Result<SiteView> Engine::SiteState(const SiteStateRequest& req) {
  auto site = impl_->GetSite(req.origin);
  if (!site) return site.error();
  Site& s = **site;
  std::string_view waict, w3c;
  bool has_waict = false, has_w3c = false;
  Status saved;
  for (const auto& [name, value] : req.headers) {
    if (name == kWaictHeader) {
      waict = value;
      has_waict = true;
    } else if (name == kW3cHeader) {
      w3c = value;
      has_w3c = true;
    }
  }
  if (has_waict) {
    int64_t now_s = impl_->NowS();
    auto upd = ApplyWaictHeader(s.origin, s.record, waict, now_s);
    s.current = upd.policy;
    s.current_seen_s = now_s;
    s.header_last = upd.policy.has_value();
    if (upd.changed) {
      if (upd.record) {
        s.record_max_age = upd.policy ? upd.policy->max_age : s.record_max_age;
        if (impl_->store) {
          store::SiteRecord rec = ToStoreRecord(s.origin, *upd.record, waict, s.record_max_age);
          rec.updated_ms = impl_->NowMs();
          saved = impl_->store->PutSite(rec);
        }
      } else if (impl_->store) {
        saved = impl_->store->DeleteSite(s.origin);
      }
      s.record = upd.record;  // in memory even when the store failed: this session stays protected
    }
    const headers::SiteRecord* effective = headers::IsLive(s.record, now_s) ? &*s.record : nullptr;
    headers::SiteRecord from_header;
    if (!effective && upd.policy) {
      from_header.dialect = upd.policy->dialect;
      from_header.blocked_destinations = upd.policy->blocked_destinations;
      effective = &from_header;
    }
    s.dest_policy = effective ? HeaderDestinationPolicy(*effective) : std::nullopt;
    if (!upd.event.empty()) impl_->log->AppendEvent(s.origin, "", "site_header", upd.event, upd.note, "");
  } else {
    s.header_last = false;  // see Site::current: a header-less site_state may be a plain query
  }
  if (has_w3c) {
    auto p = ParseW3cIntegrityPolicy(w3c);
    if (p) {
      s.w3c = *p;
    } else {
      s.w3c.reset();
    }
  }
  if (!saved) return saved.error();  // the record could not be persisted: say so
  return impl_->View(s);
}

Result<ManifestReply> Engine::IngestManifest(const ManifestRequest& req) {
  auto site = impl_->GetSite(req.origin);
  if (!site) return site.error();
  Site& s = **site;
  ManifestReply rep;
  Status saved;
  std::shared_ptr<const LoadedManifest> m;
  if (req.status != 200 || req.body.empty()) {
    auto lm = std::make_shared<LoadedManifest>();
    lm->summary = {ManifestState::kInvalid, "", std::string(FormatReason(Reason::kManifestUnavailable))};
    lm->detail = req.status != 200 ? "manifest fetch returned HTTP " + std::to_string(req.status)
                                   : "empty manifest body";
    m = lm;
  } else {
    m = impl_->Load(s, req.body);
  }
  s.manifest = m;
  s.summary = m->summary;
  rep.manifest_id = m->summary.id;
  rep.dialect = m->dialect;
  rep.entries = m->entries;
  rep.transparency = m->transparency;
  rep.transparency_code = m->transparency_code;
  rep.state = m->summary.state;
  rep.reason = m->summary.reason;
  rep.detail = m->detail;
  if (m->model && m->transparency != TransparencyState::kUnenrolled) {
    SynthesizedCsp csp = ComputeInlineCsp(*m->model, Evaluate(s, impl_->NowS()).modes);
    rep.csp_enforce = std::move(csp.enforce);
    rep.csp_report_only = std::move(csp.report_only);
  }
  if (impl_->store) {
    if (m->summary.state != ManifestState::kInvalid) {
      store::CachedManifest cm;
      cm.origin = s.origin;
      cm.manifest_id = m->summary.id;
      cm.bytes.assign(req.body.begin(), req.body.end());
      cm.state = m->summary.state;
      saved = impl_->store->PutManifest(cm);
    } else {
      saved = impl_->store->DeleteManifest(s.origin);
    }
  }
  impl_->log->AppendEvent(s.origin, req.url, "manifest", FormatState(m->summary.state),
                          m->summary.reason.empty() ? m->detail : m->summary.reason + ": " + m->detail,
                          m->summary.id);
  if (!saved) return saved.error();
  if (req.want_table) rep.table = impl_->TableFor(s);
  return rep;
}

Result<Verdict> Engine::Decide(const VerdictRequest& req) {
  auto site = impl_->GetSite(req.origin);
  if (!site) return site.error();
  Site& s = **site;
  Verdict v = impl_->DecideFor(s, Evaluate(s, impl_->NowS()), req);
  if (req.notice) v.agrees = TableAllows(v);
  s.counts[static_cast<size_t>(v.action)]++;
  impl_->log->AppendVerdict(s.origin, req.url, req.destination, v.action, v.reason, v.detail, v.manifest_id);
  return v;
}

Result<Verdict> Engine::InlineViolation(const InlineViolationRequest& req) {
  auto site = impl_->GetSite(req.origin);
  if (!site) return site.error();
  Site& s = **site;
  Verdict v;
  Effective e = Evaluate(s, impl_->NowS());
  if (!e.checked) {  // privacy: nothing is logged for sites Verity does not check
    v.action = Action::kAllow;
    v.reason = FormatReason(Reason::kNotChecked);
    v.detail = "site is not checked";
    return v;
  }
  auto cat = CategoryOfViolation(req.effective_directive, req.blocked_uri);
  const auto& mode = cat ? e.modes[headers::Index(*cat)] : std::optional<headers::WaictMode>();
  v.reason = std::string(integrity::reason::kInlineViolation);
  if (s.manifest) v.manifest_id = s.manifest->summary.id;
  if (!mode) {
    // Not Verity's policy (or its category is no longer in force): logged as a report, not acted on.
    v.action = Action::kReport;
  } else {
    v.category = std::string(headers::CategoryKey(*cat));
    v.action = FailureActionFor(*mode);
  }
  v.detail =
      std::string(req.effective_directive.substr(0, 64)) + " blocked " +
      std::string(req.blocked_uri.substr(0, 256)) +
      (req.sample_sha256.empty() ? "" : " sample sha256 " + std::string(req.sample_sha256.substr(0, 64))) +
      " (csp disposition " + std::string(req.disposition.substr(0, 16)) + ", document " +
      std::string(req.document_url.substr(0, 512)) + ")";
  s.counts[static_cast<size_t>(v.action)]++;
  impl_->log->AppendVerdict(s.origin, req.blocked_uri.empty() ? req.document_url : req.blocked_uri,
                            "inline:" + std::string(req.effective_directive.substr(0, 64)), v.action,
                            v.reason, v.detail, v.manifest_id);
  return v;
}

Result<LogPage> Engine::QueryLog(const LogQuery& q) {
  if (!impl_->store) return MakeError(ErrorCode::kPolicyStoreUnavailable, impl_->store_error);
  store::LogQuery sq = ToStoreQuery(q.origin);
  if (q.action) sq.action = std::string(FormatAction(*q.action));
  if (q.since) sq.since_ms = *q.since * 1000;
  if (q.until) sq.until_ms = *q.until * 1000;
  sq.limit = q.limit;
  sq.cursor = q.cursor;
  return impl_->log->Query(sq);
}

std::string Engine::CursorAfter(const LogRow& row) const { return store::FormatCursor(row.seq); }

Result<Setting> Engine::SetSite(std::string_view origin, Setting setting) {
  auto site = impl_->GetSite(origin);
  if (!site) return site.error();
  Site& s = **site;
  if (impl_->store) {
    VERITY_RETURN_IF_ERROR(impl_->log->Commit());  // keep log order
    auto r = impl_->store->SetSetting(s.origin, static_cast<store::SiteSetting>(setting), impl_->opt.browser,
                                      impl_->NowMs());
    if (!r) return r.error();
  }
  s.setting = setting;
  return setting;
}

Result<bool> Engine::ReportSent(const ReportSentRequest& req) {
  auto site = impl_->GetSite(req.origin);
  if (!site) return site.error();
  Site& s = **site;
  if (!Evaluate(s, impl_->NowS()).checked) return false;
  std::string reasons;
  for (const auto& r : req.reasons) {
    if (reasons.size() > 200) break;
    reasons += (reasons.empty() ? "" : ",") + r.substr(0, 64);
  }
  const std::string detail = std::to_string(req.count) + " waict-violation report" +
                             (req.count == 1 ? "" : "s") + " to " + req.endpoint.substr(0, 512) + ", HTTP " +
                             std::to_string(req.status) + (reasons.empty() ? "" : ", reasons " + reasons);
  impl_->log->AppendEvent(s.origin, req.endpoint, "report_sent", req.ok ? "sent" : "failed", detail,
                          s.summary.id);
  return true;
}

Result<OverrideReply> Engine::Override(const OverrideRequest& req) {
  auto site = impl_->GetSite(req.origin);
  if (!site) return site.error();
  Site& s = **site;
  OverrideReply rep;
  if (s.setting == Setting::kRequire) {
    rep.detail = "refused: the user requires verification for this site";
  } else if (Evaluate(s, impl_->NowS()).preloaded) {
    rep.detail = "refused: the site is on the preload list";
  } else {
    rep.granted = true;
    rep.detail = "granted by the user";
  }
  impl_->log->AppendEvent(s.origin, req.url, "override", rep.granted ? "granted" : "refused",
                          "reason " + std::string(req.reason) + "; " + rep.detail, s.summary.id);
  return rep;
}

Result<StatusReply> Engine::HostStatus(std::optional<std::string_view> origin) {
  StatusReply st;
  st.config = impl_->config_status;
  st.db_ok = impl_->store != nullptr;
  st.db = impl_->store ? impl_->db_path : "unavailable: " + impl_->store_error;
  auto count = [this](Action a) { return impl_->log->total(a); };
  if (origin) {
    auto site = impl_->GetSite(*origin);
    if (!site) return site.error();
    st.site = impl_->View(**site);
    const uint64_t* c = (*site)->counts;
    st.allow = c[static_cast<size_t>(Action::kAllow)];
    st.block = c[static_cast<size_t>(Action::kBlock)];
    st.report = c[static_cast<size_t>(Action::kReport)];
    st.warn = c[static_cast<size_t>(Action::kWarn)];
  } else {
    st.allow = count(Action::kAllow);
    st.block = count(Action::kBlock);
    st.report = count(Action::kReport);
    st.warn = count(Action::kWarn);
  }
  return st;
}

Result<HopVerdict> Engine::CheckHop(const HopRequest& req) {
  auto target = ParseHopTarget(req);
  if (!target) return target.error();
  auto site = impl_->GetSite(target->origin);
  if (!site) return site.error();
  Site& s = **site;
  HopContext ctx;
  ctx.checked = Evaluate(s, impl_->NowS()).checked;
  ctx.user_off = s.setting == Setting::kOff;
  ctx.config_ok = impl_->config_status.ok;
  ctx.config_detail = impl_->config_status.detail;
  ctx.m2dmrt = &impl_->cfg.m2dmrt;
  ctx.now_s = impl_->NowS();
  ctx.resolver = [this]() { return impl_->Resolver(); };
  HopVerdict v = DecideHop(*target, ctx);
  s.counts[static_cast<size_t>(v.action)]++;
  impl_->log->AppendVerdict(s.origin, target->dest_url, "m2dmrt-hop:" + std::string(FormatHopKind(req.kind)),
                            v.action, v.reason, v.detail, "");
  return v;
}

Status Engine::ExportLog(LogExportFormat format, std::optional<std::string> origin, std::ostream& out) {
  if (!impl_->store) return MakeError(ErrorCode::kPolicyStoreUnavailable, impl_->store_error);
  return impl_->log->Export(format, ToStoreQuery(origin), out);
}

}  // namespace verity::policy
