#include "config/config.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "core/encoding.h"
#include "json/json.h"

namespace verity::config {
namespace {

using json::Value;

Error Invalid(const std::string& path, std::string_view what) {
  return MakeError(ErrorCode::kConfigInvalid, path + ": " + std::string(what));
}

std::string Join(const std::string& base, std::string_view key) {
  return base.empty() ? std::string(key) : base + "." + std::string(key);
}

std::string Index(const std::string& base, size_t i) { return base + "[" + std::to_string(i) + "]"; }

void Unknown(Config& cfg, const std::string& path) {
  cfg.warnings.push_back("unknown key \"" + path + "\" ignored");
}

Result<uint64_t> Uint(const Value& v, const std::string& path, uint64_t min, uint64_t max) {
  std::optional<uint64_t> u = v.is_number() ? v.AsUint() : std::nullopt;
  if (!u || *u < min || *u > max) {
    return Invalid(path, "expected an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return *u;
}

Result<std::string> Str(const Value& v, const std::string& path) {
  if (!v.is_string()) return Invalid(path, "expected a string");
  if (v.AsString().find('\0') != std::string::npos) return Invalid(path, "string contains NUL");
  return v.AsString();
}

// Empty, or an absolute path.
Result<std::string> PathStr(const Value& v, const std::string& path) {
  auto s = Str(v, path);
  if (!s) return s;
  if (!s->empty() && (*s)[0] != '/') return Invalid(path, "expected an absolute path");
  return s;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

Status CheckKeyType(const VerifierKey& k, const std::string& path, std::initializer_list<uint8_t> allowed) {
  for (uint8_t t : allowed) {
    if (k.type == t) return OkStatus();
  }
  return Invalid(path, "verifier key type 0x" + FormatHex(ByteView(&k.type, 1)) + " not allowed here");
}

Result<VerifierKey> Key(const Value& v, const std::string& path) {
  auto s = Str(v, path);
  if (!s) return s.error();
  auto k = ParseVerifierKey(*s);
  if (!k) return Invalid(path, k.error().detail);
  return k;
}

Status ParseLog(const Value& v, const std::string& path, Config& cfg) {
  if (!v.is_object()) return Invalid(path, "expected an object");
  for (const auto& [key, val] : v.members()) {
    std::string p = Join(path, key);
    if (key == "retention_days") {
      auto r = Uint(val, p, 0, kMaxRetentionDays);
      if (!r) return r.error();
      cfg.log_retention_days = *r;
    } else if (key == "max_rows") {
      auto r = Uint(val, p, 0, kMaxLogRows);
      if (!r) return r.error();
      cfg.log_max_rows = *r;
    } else {
      Unknown(cfg, p);
    }
  }
  return OkStatus();
}

Status ParseServices(const Value& v, const std::string& path, Config& cfg) {
  if (!v.is_array()) return Invalid(path, "expected an array");
  for (size_t i = 0; i < v.items().size(); ++i) {
    const Value& item = v.items()[i];
    std::string ip = Index(path, i);
    if (!item.is_object()) return Invalid(ip, "expected an object");
    TransparencyService svc;
    bool have_name = false;
    for (const auto& [key, val] : item.members()) {
      std::string p = Join(ip, key);
      if (key == "name") {
        auto s = Str(val, p);
        if (!s) return s.error();
        if (s->empty()) return Invalid(p, "must not be empty");
        svc.name = *s;
        have_name = true;
      } else if (key == "key") {
        auto k = Key(val, p);
        if (!k) return k.error();
        VERITY_RETURN_IF_ERROR(CheckKeyType(*k, p, {kKeyTypeEd25519}));
        svc.key = *k;
        svc.has_key = true;
      } else {
        Unknown(cfg, p);
      }
    }
    if (!have_name) return Invalid(Join(ip, "name"), "missing");
    // No key: a witness-only service (checked against the witness threshold below, ParseTransparency).
    for (const auto& other : cfg.transparency.services) {
      if (other.name == svc.name) return Invalid(Join(ip, "name"), "duplicate service name");
    }
    cfg.transparency.services.push_back(std::move(svc));
  }
  return OkStatus();
}

Status ParseWitnesses(const Value& v, const std::string& path, Config& cfg) {
  if (!v.is_array()) return Invalid(path, "expected an array");
  for (size_t i = 0; i < v.items().size(); ++i) {
    const Value& item = v.items()[i];
    std::string ip = Index(path, i);
    if (!item.is_object()) return Invalid(ip, "expected an object");
    Witness w;
    bool have_name = false, have_key = false;
    std::optional<WitnessForm> form;
    std::optional<uint8_t> cosig_type;
    for (const auto& [key, val] : item.members()) {
      std::string p = Join(ip, key);
      if (key == "name") {
        auto s = Str(val, p);
        if (!s) return s.error();
        if (s->empty()) return Invalid(p, "must not be empty");
        w.name = *s;
        have_name = true;
      } else if (key == "key") {
        auto k = Key(val, p);
        if (!k) return k.error();
        VERITY_RETURN_IF_ERROR(
            CheckKeyType(*k, p, {kKeyTypeEd25519, kKeyTypeC2spCosignature, kKeyTypeWaictCosignature}));
        w.key = *k;
        have_key = true;
      } else if (key == "form") {
        auto s = Str(val, p);
        if (!s) return s.error();
        if (*s == "waict") {
          form = WitnessForm::kWaict;
        } else if (*s == "c2sp") {
          form = WitnessForm::kC2sp;
        } else {
          return Invalid(p, "expected \"waict\" or \"c2sp\"");
        }
      } else if (key == "cosignature_type") {
        auto r = Uint(val, p, 2, 255);
        if (!r) return r.error();
        if (*r == kKeyTypeC2spCosignature)
          return Invalid(p, "0x04 is C2SP cosignature/v1 (use form \"c2sp\")");
        cosig_type = static_cast<uint8_t>(*r);
      } else {
        Unknown(cfg, p);
      }
    }
    if (!have_name) return Invalid(Join(ip, "name"), "missing");
    if (!have_key) return Invalid(Join(ip, "key"), "missing");
    // The key's type byte decides the form when it names one (design §4.2); an explicit form must
    // agree with it. A plain Ed25519 key (0x01) needs the form spelled out, default c2sp.
    std::optional<WitnessForm> implied;
    if (w.key.type == kKeyTypeC2spCosignature) implied = WitnessForm::kC2sp;
    if (w.key.type == kKeyTypeWaictCosignature) implied = WitnessForm::kWaict;
    if (form && implied && *form != *implied) {
      return Invalid(Join(ip, "form"), "contradicts the key's type byte");
    }
    w.form = form ? *form : implied ? *implied : WitnessForm::kC2sp;
    if (cosig_type) {
      if (w.form != WitnessForm::kWaict)
        return Invalid(Join(ip, "cosignature_type"), "only for form \"waict\"");
      if (w.key.type == kKeyTypeWaictCosignature && *cosig_type != kKeyTypeWaictCosignature) {
        return Invalid(Join(ip, "cosignature_type"),
                       "contradicts the key's type byte 0x06 (give the key as a type-0x01 vkey)");
      }
      w.cosignature_type = *cosig_type;
    }
    for (const auto& other : cfg.transparency.witnesses) {
      if (other.name == w.name) return Invalid(Join(ip, "name"), "duplicate witness name");
    }
    cfg.transparency.witnesses.push_back(std::move(w));
  }
  return OkStatus();
}

Status ParseTransparency(const Value& v, const std::string& path, Config& cfg) {
  if (!v.is_object()) return Invalid(path, "expected an object");
  auto& t = cfg.transparency;
  std::optional<uint64_t> threshold;
  const Value* threshold_value = nullptr;
  for (const auto& [key, val] : v.members()) {
    std::string p = Join(path, key);
    if (key == "services") {
      VERITY_RETURN_IF_ERROR(ParseServices(val, p, cfg));
    } else if (key == "witnesses") {
      VERITY_RETURN_IF_ERROR(ParseWitnesses(val, p, cfg));
    } else if (key == "witness_threshold") {
      threshold_value = &val;
    } else if (key == "max_cosignature_age_s" || key == "future_skew_s" || key == "preload_max_age_s" ||
               key == "tombstone_cooldown_s") {
      auto r = Uint(val, p, 0, kMaxDurationS);
      if (!r) return r.error();
      if (key == "max_cosignature_age_s") t.max_cosignature_age_s = *r;
      if (key == "future_skew_s") t.future_skew_s = *r;
      if (key == "preload_max_age_s") t.preload_max_age_s = *r;
      if (key == "tombstone_cooldown_s") t.tombstone_cooldown_s = *r;
    } else if (key == "preload_list_file") {
      auto s = PathStr(val, p);
      if (!s) return s.error();
      t.preload_list_file = *s;
    } else if (key == "preload_list_key") {
      if (val.is_null()) continue;
      auto k = Key(val, p);
      if (!k) return k.error();
      VERITY_RETURN_IF_ERROR(CheckKeyType(*k, p, {kKeyTypeEd25519}));
      t.preload_list_key = *k;
      t.has_preload_list_key = true;
    } else {
      Unknown(cfg, p);
    }
  }
  const uint64_t n = t.witnesses.size();
  if (threshold_value != nullptr) {
    // k = 0 would switch witness checking off; only allowed when no witness is configured.
    auto r = Uint(*threshold_value, Join(path, "witness_threshold"), n == 0 ? 0 : 1, n);
    if (!r) return r.error();
    threshold = *r;
  }
  t.witness_threshold = threshold ? *threshold : (n >= 2 ? 2 : n);
  for (size_t i = 0; i < t.services.size(); ++i) {
    if (!t.services[i].has_key && t.witness_threshold == 0) {
      return Invalid(
          Join(Index(Join(path, "services"), i), "key"),
          "missing: a service without a key (witness-only) needs witnesses (witness_threshold >= 1)");
    }
  }
  return OkStatus();
}

bool IsForwarderChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.' ||
         c == '@' || c == '%';
}

Status ParseM2dmrt(const Value& v, const std::string& path, Config& cfg) {
  if (!v.is_object()) return Invalid(path, "expected an object");
  auto& m = cfg.m2dmrt;
  for (const auto& [key, val] : v.members()) {
    std::string p = Join(path, key);
    if (key == "dns_transport") {
      auto s = Str(val, p);
      if (!s) return s.error();
      if (*s == "unbound") {
        m.dns_transport = DnsTransport::kUnbound;
      } else if (*s == "doh") {
        m.dns_transport = DnsTransport::kDoh;
      } else {
        return Invalid(p, "expected \"unbound\" or \"doh\"");
      }
    } else if (key == "doh_url") {
      auto s = Str(val, p);
      if (!s) return s.error();
      if (!s->empty() && (s->rfind("https://", 0) != 0 || s->size() <= 8)) {
        return Invalid(p, "expected an https:// URL");
      }
      for (char c : *s) {
        if (IsSpace(c) || static_cast<unsigned char>(c) < 0x20) return Invalid(p, "URL contains whitespace");
      }
      m.doh_url = *s;
    } else if (key == "trust_anchors_file") {
      auto s = PathStr(val, p);
      if (!s) return s.error();
      m.trust_anchors_file = *s;
    } else if (key == "forwarders") {
      if (!val.is_array()) return Invalid(p, "expected an array of strings");
      std::vector<std::string> list;
      for (size_t i = 0; i < val.items().size(); ++i) {
        std::string ip = Index(p, i);
        auto s = Str(val.items()[i], ip);
        if (!s) return s.error();
        if (s->empty()) return Invalid(ip, "must not be empty");
        for (char c : *s) {
          if (!IsForwarderChar(c)) return Invalid(ip, "expected an IP address[@port]");
        }
        list.push_back(*s);
      }
      m.forwarders = std::move(list);
    } else if (key == "stub_zones" || key == "probe_addresses") {
      if (!val.is_object()) return Invalid(p, "expected an object {name: \"IP[@port]\"}");
      std::vector<std::pair<std::string, std::string>> list;
      for (const auto& [zone, addr] : val.members()) {
        std::string zp = Join(p, zone);
        if (zone.empty() || zone.size() > 254) return Invalid(zp, "expected a DNS name");
        for (char c : zone) {
          bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || c == '_';
          if (!ok) return Invalid(zp, "expected a DNS name");
        }
        auto s = Str(addr, zp);
        if (!s) return s.error();
        if (s->empty()) return Invalid(zp, "must not be empty");
        for (char c : *s) {
          if (!IsForwarderChar(c) || (c == '@' && key == "probe_addresses"))
            return Invalid(zp, "expected an IP address[@port]");
        }
        list.emplace_back(zone, *s);
      }
      (key == "stub_zones" ? m.stub_zones : m.probe_addresses) = std::move(list);
    } else if (key == "clock_skew_s") {
      auto r = Uint(val, p, 0, kMaxDurationS);
      if (!r) return r.error();
      m.clock_skew_s = *r;
    } else {
      Unknown(cfg, p);
    }
  }
  if (m.dns_transport == DnsTransport::kDoh && m.doh_url.empty()) {
    return Invalid(Join(path, "doh_url"), "required when dns_transport is \"doh\"");
  }
  return OkStatus();
}

}  // namespace

std::string_view FormatWitnessForm(WitnessForm f) { return f == WitnessForm::kWaict ? "waict" : "c2sp"; }
std::string_view FormatDnsTransport(DnsTransport t) { return t == DnsTransport::kDoh ? "doh" : "unbound"; }

Config DefaultConfig() { return Config{}; }

Result<VerifierKey> ParseVerifierKey(std::string_view text) {
  // <name>+<8 hex>+<base64(type ‖ 32-byte key)>; the name may not contain '+' or whitespace.
  size_t p1 = text.find('+');
  if (p1 == std::string_view::npos)
    return MakeError(ErrorCode::kConfigInvalid, "verifier key: expected name+id+key");
  size_t p2 = text.find('+', p1 + 1);
  if (p2 == std::string_view::npos)
    return MakeError(ErrorCode::kConfigInvalid, "verifier key: expected name+id+key");
  std::string_view name = text.substr(0, p1);
  std::string_view id = text.substr(p1 + 1, p2 - p1 - 1);
  std::string_view data = text.substr(p2 + 1);
  if (name.empty()) return MakeError(ErrorCode::kConfigInvalid, "verifier key: empty name");
  for (char c : name) {
    if (IsSpace(c) || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return MakeError(ErrorCode::kConfigInvalid,
                       "verifier key: name contains whitespace or control characters");
    }
  }
  if (id.size() != 8)
    return MakeError(ErrorCode::kConfigInvalid, "verifier key: key id must be 8 hex digits");
  auto idb = ParseHex(id);
  if (!idb) return MakeError(ErrorCode::kConfigInvalid, "verifier key: key id must be 8 hex digits");
  auto raw = ParseBase64(data);
  if (!raw) return MakeError(ErrorCode::kConfigInvalid, "verifier key: key data is not base64");
  if (raw->size() != 33) {
    return MakeError(ErrorCode::kConfigInvalid, "verifier key: key data must decode to 33 bytes (type + 32)");
  }
  VerifierKey k;
  k.text = std::string(text);
  k.name = std::string(name);
  for (size_t i = 0; i < 4; ++i) k.key_id[i] = (*idb)[i];
  k.type = (*raw)[0];
  if (k.type != kKeyTypeEd25519 && k.type != kKeyTypeC2spCosignature && k.type != kKeyTypeWaictCosignature) {
    return MakeError(ErrorCode::kConfigInvalid,
                     "verifier key: unknown key type 0x" + FormatHex(ByteView(&k.type, 1)));
  }
  for (size_t i = 0; i < 32; ++i) k.public_key[i] = (*raw)[1 + i];
  return k;
}

Result<Config> ParseConfig(std::string_view json_text) {
  if (json_text.size() > kMaxConfigFileBytes) return Invalid("(file)", "larger than 1 MiB");
  auto doc = json::Parse(json_text);
  if (!doc) return Invalid("(file)", std::string(WireName(doc.code())) + ": " + doc.error().detail);
  if (!doc->is_object()) return Invalid("(file)", "top level must be a JSON object");
  Config cfg = DefaultConfig();
  for (const auto& [key, val] : doc->members()) {
    if (key == "log") {
      VERITY_RETURN_IF_ERROR(ParseLog(val, key, cfg));
    } else if (key == "max_message_bytes") {
      auto r = Uint(val, key, kMinMessageBytes, kMaxMessageBytes);
      if (!r) return r.error();
      cfg.max_message_bytes = *r;
    } else if (key == "verdict_timeout_ms") {
      auto r = Uint(val, key, kMinVerdictTimeoutMs, kMaxVerdictTimeoutMs);
      if (!r) return r.error();
      cfg.verdict_timeout_ms = *r;
    } else if (key == "transparency") {
      VERITY_RETURN_IF_ERROR(ParseTransparency(val, key, cfg));
    } else if (key == "m2dmrt") {
      VERITY_RETURN_IF_ERROR(ParseM2dmrt(val, key, cfg));
    } else if (key == "data_dir") {
      auto s = PathStr(val, key);
      if (!s) return s.error();
      cfg.data_dir = *s;
    } else {
      Unknown(cfg, key);
    }
  }
  return cfg;
}

Result<Config> LoadConfig(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    if (errno == ENOENT) return DefaultConfig();
    return Invalid("(file)", "cannot open " + path + ": " + std::strerror(errno));
  }
  std::string text;
  char buf[16384];
  bool too_large = false;
  while (true) {
    size_t n = std::fread(buf, 1, sizeof buf, f);
    text.append(buf, n);
    if (text.size() > kMaxConfigFileBytes) {
      too_large = true;
      break;
    }
    if (n < sizeof buf) break;
  }
  bool read_error = std::ferror(f) != 0;
  int err = errno;
  std::fclose(f);
  if (too_large) return Invalid("(file)", path + " is larger than 1 MiB");
  if (read_error) return Invalid("(file)", "cannot read " + path + ": " + std::strerror(err));
  return ParseConfig(text);
}

Result<std::string> DefaultConfigPath() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg != nullptr && xdg[0] == '/') return std::string(xdg) + "/verity/config.json";
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/') return std::string(home) + "/.config/verity/config.json";
  return MakeError(ErrorCode::kConfigInvalid, "(file): neither XDG_CONFIG_HOME nor HOME is an absolute path");
}

}  // namespace verity::config
