// Config: defaults, every key's type/range errors, unknown keys, missing/broken files, vkeys.
#include "config/config.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/encoding.h"
#include "json/json.h"

using namespace verity;
using namespace verity::config;

namespace {

// A syntactically valid vkey of the given type (the key id is not checked by ParseConfig).
std::string VKey(const std::string& name, uint8_t type, uint8_t fill = 0x11) {
  Bytes raw(33, fill);
  raw[0] = type;
  return name + "+0a1b2c3d+" + FormatBase64(raw);
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "verity-config-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& n) const { return path_ + "/" + n; }

 private:
  std::string path_;
};

void ExpectInvalid(const std::string& text, const std::string& key) {
  auto r = ParseConfig(text);
  CHECK_MESSAGE(r.code() == ErrorCode::kConfigInvalid, text);
  if (!r.ok()) {
    CHECK(WireName(r.code()) == "config.invalid");
    CHECK_MESSAGE(r.error().detail.rfind(key + ":", 0) == 0,
                  "detail '" << r.error().detail << "' for " << text);
  }
}

}  // namespace

TEST_CASE("config: defaults") {
  Config c = DefaultConfig();
  CHECK(c.log_retention_days == 90);
  CHECK(c.log_max_rows == 100000);
  CHECK(c.max_message_bytes == 16u * 1024 * 1024);
  CHECK(c.verdict_timeout_ms == 10000);
  CHECK(c.transparency.services.empty());
  CHECK(c.transparency.witnesses.empty());
  CHECK(c.transparency.witness_threshold == 0);
  CHECK(c.transparency.max_cosignature_age_s == 7 * 86400);
  CHECK(c.transparency.future_skew_s == 300);
  CHECK_FALSE(c.transparency.has_preload_list_key);
  CHECK(c.transparency.preload_max_age_s == 30 * 86400);
  CHECK(c.transparency.tombstone_cooldown_s == 86400);
  CHECK(c.m2dmrt.dns_transport == DnsTransport::kUnbound);
  CHECK(c.m2dmrt.doh_url.empty());
  CHECK(c.m2dmrt.clock_skew_s == 300);
  CHECK(c.data_dir.empty());
  CHECK(c.warnings.empty());

  // "{}" and a missing file both mean defaults.
  auto e = ParseConfig("{}");
  REQUIRE(e.ok());
  CHECK(e->max_message_bytes == c.max_message_bytes);
  TempDir dir;
  auto m = LoadConfig(dir.File("does/not/exist.json"));
  REQUIRE(m.ok());
  CHECK(m->log_max_rows == 100000);
  CHECK(m->warnings.empty());
}

TEST_CASE("config: every key set") {
  std::string text = R"({
    "log": {"retention_days": 30, "max_rows": 5000},
    "max_message_bytes": 1048576,
    "verdict_timeout_ms": 2500,
    "transparency": {
      "services": [{"name": "ts.example", "key": ")" +
                     VKey("ts.example", 1) + R"("}],
      "witnesses": [
        {"name": "w1", "key": ")" +
                     VKey("w1", 4) + R"("},
        {"name": "w2", "key": ")" +
                     VKey("w2", 6) + R"(", "form": "waict"},
        {"name": "w3", "key": ")" +
                     VKey("w3", 1) + R"(", "form": "waict"}
      ],
      "witness_threshold": 3,
      "max_cosignature_age_s": 3600,
      "future_skew_s": 60,
      "preload_list_key": ")" +
                     VKey("preload.example", 1, 0x22) + R"(",
      "preload_max_age_s": 86400,
      "tombstone_cooldown_s": 7200,
      "preload_list_file": "/etc/verity/preload-list.note"
    },
    "m2dmrt": {"dns_transport": "doh", "doh_url": "https://dns.example/dns-query",
               "trust_anchors_file": "/etc/verity/root.key", "forwarders": ["127.0.0.1@5353", "::1"],
               "stub_zones": {"test.": "127.0.0.1@5300", "example": "::1"}, "clock_skew_s": 120,
               "probe_addresses": {"pay.test": "127.0.0.1"}},
    "data_dir": "/var/lib/verity"
  })";
  auto r = ParseConfig(text);
  REQUIRE_MESSAGE(r.ok(), r.error().detail);
  const Config& c = *r;
  CHECK(c.log_retention_days == 30);
  CHECK(c.log_max_rows == 5000);
  CHECK(c.max_message_bytes == 1048576);
  CHECK(c.verdict_timeout_ms == 2500);
  REQUIRE(c.transparency.services.size() == 1);
  CHECK(c.transparency.services[0].name == "ts.example");
  CHECK(c.transparency.services[0].key.name == "ts.example");
  CHECK(c.transparency.services[0].key.type == 1);
  CHECK(c.transparency.services[0].key.public_key[0] == 0x11);
  CHECK(c.transparency.services[0].key.key_id == std::array<uint8_t, 4>{0x0a, 0x1b, 0x2c, 0x3d});
  REQUIRE(c.transparency.witnesses.size() == 3);
  CHECK(c.transparency.witnesses[0].form == WitnessForm::kC2sp);  // implied by type 0x04
  CHECK(c.transparency.witnesses[1].form == WitnessForm::kWaict);
  CHECK(c.transparency.witnesses[2].form == WitnessForm::kWaict);
  CHECK(c.transparency.witnesses[2].key.type == 1);
  CHECK(c.transparency.witness_threshold == 3);
  CHECK(c.transparency.max_cosignature_age_s == 3600);
  CHECK(c.transparency.future_skew_s == 60);
  CHECK(c.transparency.has_preload_list_key);
  CHECK(c.transparency.preload_list_key.public_key[31] == 0x22);
  CHECK(c.transparency.preload_max_age_s == 86400);
  CHECK(c.transparency.tombstone_cooldown_s == 7200);
  CHECK(c.transparency.preload_list_file == "/etc/verity/preload-list.note");
  CHECK(c.m2dmrt.dns_transport == DnsTransport::kDoh);
  CHECK(c.m2dmrt.doh_url == "https://dns.example/dns-query");
  CHECK(c.m2dmrt.trust_anchors_file == "/etc/verity/root.key");
  CHECK(c.m2dmrt.forwarders == std::vector<std::string>{"127.0.0.1@5353", "::1"});
  CHECK(c.m2dmrt.stub_zones ==
        std::vector<std::pair<std::string, std::string>>{{"test.", "127.0.0.1@5300"}, {"example", "::1"}});
  CHECK(c.m2dmrt.probe_addresses ==
        std::vector<std::pair<std::string, std::string>>{{"pay.test", "127.0.0.1"}});
  CHECK(c.m2dmrt.clock_skew_s == 120);
  CHECK(c.data_dir == "/var/lib/verity");
  CHECK(c.warnings.empty());
  CHECK(FormatWitnessForm(WitnessForm::kWaict) == "waict");
  CHECK(FormatDnsTransport(DnsTransport::kDoh) == "doh");
}

TEST_CASE("config: default witness threshold") {
  auto one = ParseConfig(R"({"transparency":{"witnesses":[{"name":"a","key":")" + VKey("a", 4) + R"("}]}})");
  REQUIRE(one.ok());
  CHECK(one->transparency.witness_threshold == 1);
  auto three = ParseConfig(R"({"transparency":{"witnesses":[{"name":"a","key":")" + VKey("a", 4) +
                           R"("},{"name":"b","key":")" + VKey("b", 4) + R"("},{"name":"c","key":")" +
                           VKey("c", 4) + R"("}]}})");
  REQUIRE(three.ok());
  CHECK(three->transparency.witness_threshold == 2);
  CHECK(ParseConfig(R"({"transparency":{"witness_threshold":0}})")->transparency.witness_threshold == 0);
}

TEST_CASE("config: witness-only service and the WAICT cosignature type byte") {
  const std::string wa =
      R"({"name":"a","key":")" + VKey("a", 1) + R"(","form":"waict","cosignature_type":7})";
  auto c = ParseConfig(R"({"transparency":{"services":[{"name":"ts.example"}],"witnesses":[)" + wa + "]}}");
  REQUIRE(c.ok());
  CHECK_FALSE(c->transparency.services[0].has_key);
  CHECK(c->transparency.witnesses[0].cosignature_type == 7);
  CHECK(c->transparency.witness_threshold == 1);
  auto d = ParseConfig(R"({"transparency":{"witnesses":[{"name":"a","key":")" + VKey("a", 6) + R"("}]}})");
  REQUIRE(d.ok());
  CHECK(d->transparency.witnesses[0].cosignature_type == kKeyTypeWaictCosignature);  // the default
  // Refusals: no witness for a keyless service; the type byte on a c2sp witness, out of range,
  // 0x04, or contradicting a 0x06 vkey.
  ExpectInvalid(R"({"transparency":{"services":[{"name":"ts.example"}]}})", "transparency.services[0].key");
  ExpectInvalid(R"({"transparency":{"services":[{"name":"ts.example"}],"witnesses":[)" + wa +
                    R"(],"witness_threshold":0}})",
                "transparency.witness_threshold");
  ExpectInvalid(
      R"({"transparency":{"witnesses":[{"name":"a","key":")" + VKey("a", 4) + R"(","cosignature_type":7}]}})",
      "transparency.witnesses[0].cosignature_type");
  ExpectInvalid(R"({"transparency":{"witnesses":[{"name":"a","key":")" + VKey("a", 1) +
                    R"(","form":"waict","cosignature_type":4}]}})",
                "transparency.witnesses[0].cosignature_type");
  ExpectInvalid(R"({"transparency":{"witnesses":[{"name":"a","key":")" + VKey("a", 1) +
                    R"(","form":"waict","cosignature_type":256}]}})",
                "transparency.witnesses[0].cosignature_type");
  ExpectInvalid(
      R"({"transparency":{"witnesses":[{"name":"a","key":")" + VKey("a", 6) + R"(","cosignature_type":7}]}})",
      "transparency.witnesses[0].cosignature_type");
}

TEST_CASE("config: wrong types and out-of-range values name the key") {
  const std::string w1 = R"({"name":"a","key":")" + VKey("a", 4) + R"("})";
  const std::string w2 = R"({"name":"b","key":")" + VKey("b", 4) + R"("})";
  struct Case {
    std::string text;
    std::string key;
  };
  std::vector<Case> cases = {
      {R"({"log": 5})", "log"},
      {R"({"log": {"retention_days": "90"}})", "log.retention_days"},
      {R"({"log": {"retention_days": -1}})", "log.retention_days"},
      {R"({"log": {"retention_days": 1.5}})", "log.retention_days"},
      {R"({"log": {"retention_days": 36501}})", "log.retention_days"},
      {R"({"log": {"retention_days": true}})", "log.retention_days"},
      {R"({"log": {"max_rows": null}})", "log.max_rows"},
      {R"({"log": {"max_rows": 100000001}})", "log.max_rows"},
      {R"({"log": {"max_rows": 18446744073709551615}})", "log.max_rows"},
      {R"({"max_message_bytes": 1023})", "max_message_bytes"},
      {R"({"max_message_bytes": 67108865})", "max_message_bytes"},
      {R"({"max_message_bytes": "16MiB"})", "max_message_bytes"},
      {R"({"verdict_timeout_ms": 99})", "verdict_timeout_ms"},
      {R"({"verdict_timeout_ms": 600001})", "verdict_timeout_ms"},
      {R"({"verdict_timeout_ms": [1]})", "verdict_timeout_ms"},
      {R"({"transparency": []})", "transparency"},
      {R"({"transparency": {"services": {}}})", "transparency.services"},
      {R"({"transparency": {"services": [1]}})", "transparency.services[0]"},
      {R"({"transparency": {"services": [{"key": ")" + VKey("x", 1) + R"("}]}})",
       "transparency.services[0].name"},
      {R"({"transparency": {"services": [{"name": "x"}]}})", "transparency.services[0].key"},
      {R"({"transparency": {"services": [{"name": "", "key": ")" + VKey("x", 1) + R"("}]}})",
       "transparency.services[0].name"},
      {R"({"transparency": {"services": [{"name": "x", "key": ")" + VKey("x", 4) + R"("}]}})",
       "transparency.services[0].key"},
      {R"({"transparency": {"services": [{"name": "x", "key": "x+0a1b2c3d+AQ=="}]}})",
       "transparency.services[0].key"},
      {R"({"transparency": {"services": [{"name": "x", "key": 7}]}})", "transparency.services[0].key"},
      {R"({"transparency": {"services": [{"name": "x", "key": ")" + VKey("x", 1) +
           R"("},{"name": "x", "key": ")" + VKey("x", 1) + R"("}]}})",
       "transparency.services[1].name"},
      {R"({"transparency": {"witnesses": "w"}})", "transparency.witnesses"},
      {R"({"transparency": {"witnesses": [{"name": "a", "key": ")" + VKey("a", 4) +
           R"(", "form": "C2SP"}]}})",
       "transparency.witnesses[0].form"},
      {R"({"transparency": {"witnesses": [{"name": "a", "key": ")" + VKey("a", 4) +
           R"(", "form": "waict"}]}})",
       "transparency.witnesses[0].form"},
      {R"({"transparency": {"witnesses": [{"name": "a", "key": ")" + VKey("a", 6) +
           R"(", "form": "c2sp"}]}})",
       "transparency.witnesses[0].form"},
      {R"({"transparency": {"witnesses": [{"name": "a", "key": ")" + VKey("a", 2) + R"("}]}})",
       "transparency.witnesses[0].key"},
      {R"({"transparency": {"witnesses": [{"name": "a"}]}})", "transparency.witnesses[0].key"},
      {R"({"transparency": {"witnesses": [)" + w1 + "," + w1 + R"(]}})", "transparency.witnesses[1].name"},
      {R"({"transparency": {"witnesses": [)" + w1 + "," + w2 + R"(], "witness_threshold": 3}})",
       "transparency.witness_threshold"},
      {R"({"transparency": {"witnesses": [)" + w1 + "," + w2 + R"(], "witness_threshold": 0}})",
       "transparency.witness_threshold"},
      {R"({"transparency": {"witness_threshold": 1}})", "transparency.witness_threshold"},
      {R"({"transparency": {"witness_threshold": "2"}})", "transparency.witness_threshold"},
      {R"({"transparency": {"max_cosignature_age_s": -5}})", "transparency.max_cosignature_age_s"},
      {R"({"transparency": {"max_cosignature_age_s": 315360001}})", "transparency.max_cosignature_age_s"},
      {R"({"transparency": {"future_skew_s": "5m"}})", "transparency.future_skew_s"},
      {R"({"transparency": {"preload_max_age_s": 1e100}})", "transparency.preload_max_age_s"},
      {R"({"transparency": {"tombstone_cooldown_s": {}}})", "transparency.tombstone_cooldown_s"},
      {R"({"transparency": {"preload_list_key": "nope"}})", "transparency.preload_list_key"},
      {R"({"transparency": {"preload_list_key": ")" + VKey("p", 4) + R"("}})",
       "transparency.preload_list_key"},
      {R"({"transparency": {"preload_list_key": 1}})", "transparency.preload_list_key"},
      {R"({"m2dmrt": 1})", "m2dmrt"},
      {R"({"m2dmrt": {"dns_transport": "udp"}})", "m2dmrt.dns_transport"},
      {R"({"m2dmrt": {"dns_transport": 1}})", "m2dmrt.dns_transport"},
      {R"({"m2dmrt": {"dns_transport": "doh"}})", "m2dmrt.doh_url"},
      {R"({"m2dmrt": {"doh_url": "http://dns.example/q"}})", "m2dmrt.doh_url"},
      {R"({"m2dmrt": {"doh_url": "https://"}})", "m2dmrt.doh_url"},
      {R"({"m2dmrt": {"doh_url": "https://a b"}})", "m2dmrt.doh_url"},
      {R"({"m2dmrt": {"trust_anchors_file": "root.key"}})", "m2dmrt.trust_anchors_file"},
      {R"({"m2dmrt": {"trust_anchors_file": "/a\u0000b"}})", "m2dmrt.trust_anchors_file"},
      {R"({"m2dmrt": {"forwarders": "127.0.0.1"}})", "m2dmrt.forwarders"},
      {R"({"m2dmrt": {"forwarders": [""]}})", "m2dmrt.forwarders[0]"},
      {R"({"m2dmrt": {"forwarders": ["127.0.0.1", "dns.example"]}})", "m2dmrt.forwarders[1]"},
      {R"({"m2dmrt": {"forwarders": [5]}})", "m2dmrt.forwarders[0]"},
      {R"({"m2dmrt": {"clock_skew_s": -1}})", "m2dmrt.clock_skew_s"},
      {R"({"transparency": {"preload_list_file": "preload-list.note"}})", "transparency.preload_list_file"},
      {R"({"transparency": {"preload_list_file": 7}})", "transparency.preload_list_file"},
      {R"({"m2dmrt": {"stub_zones": ["test.=127.0.0.1"]}})", "m2dmrt.stub_zones"},
      {R"({"m2dmrt": {"stub_zones": {"te st.": "127.0.0.1"}}})", "m2dmrt.stub_zones.te st."},
      {R"({"m2dmrt": {"stub_zones": {"": "127.0.0.1"}}})", "m2dmrt.stub_zones."},
      {R"({"m2dmrt": {"stub_zones": {"test.": "ns.test"}}})", "m2dmrt.stub_zones.test."},
      {R"({"m2dmrt": {"stub_zones": {"test.": 53}}})", "m2dmrt.stub_zones.test."},
      {R"({"m2dmrt": {"probe_addresses": {"pay.test": "127.0.0.1@443"}}})",
       "m2dmrt.probe_addresses.pay.test"},
      {R"({"m2dmrt": {"probe_addresses": []}})", "m2dmrt.probe_addresses"},
      {R"({"data_dir": "relative/path"})", "data_dir"},
      {R"({"data_dir": 3})", "data_dir"},
  };
  for (const auto& c : cases) ExpectInvalid(c.text, c.key);
}

TEST_CASE("config: broken documents") {
  for (std::string bad : {"", "{", "[]", "null", "42", "\"x\"", R"({"log":{}} extra)", "{\"a\":\"\xff\"}",
                          R"({"log":{},"log":{}})", "\xef\xbb\xbf{}"}) {
    auto r = ParseConfig(bad);
    CHECK_MESSAGE(r.code() == ErrorCode::kConfigInvalid, bad);
  }
  CHECK(ParseConfig(R"({"log":{},"log":{}})").error().detail.find("duplicate") != std::string::npos);
  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += "{\"x\":";
  CHECK(ParseConfig(deep).code() == ErrorCode::kConfigInvalid);
  std::string huge = "{\"pad\":\"" + std::string(kMaxConfigFileBytes, 'a') + "\"}";
  CHECK(ParseConfig(huge).code() == ErrorCode::kConfigInvalid);
}

TEST_CASE("config: unknown keys are warnings, not errors") {
  auto r = ParseConfig(R"({"future_key": 1, "log": {"retention_days": 7, "colour": "blue"},
                           "transparency": {"witnesses": [{"name": "a", "key": ")" +
                       VKey("a", 4) + R"(", "url": "https://w"}], "extra": {}},
                           "m2dmrt": {"dnssec": true}})");
  REQUIRE(r.ok());
  CHECK(r->log_retention_days == 7);
  REQUIRE(r->warnings.size() == 5);
  CHECK(r->warnings[0] == "unknown key \"future_key\" ignored");
  CHECK(r->warnings[1] == "unknown key \"log.colour\" ignored");
  CHECK(r->warnings[2] == "unknown key \"transparency.witnesses[0].url\" ignored");
  CHECK(r->warnings[3] == "unknown key \"transparency.extra\" ignored");
  CHECK(r->warnings[4] == "unknown key \"m2dmrt.dnssec\" ignored");
  // An unknown key with a bad value is still just a warning.
  auto r2 = ParseConfig(R"({"max_message_byte": "typo"})");
  REQUIRE(r2.ok());
  CHECK(r2->max_message_bytes == 16u * 1024 * 1024);
  CHECK(r2->warnings.size() == 1);
}

TEST_CASE("config: verifier keys against the C2SP signed-note vectors") {
  std::string text = ReadFile(std::string(VERITY_VECTORS_DIR) + "/c2sp-signed-note/signed_note_vectors.json");
  REQUIRE(!text.empty());
  auto doc = json::Parse(text);
  REQUIRE(doc.ok());
  const json::Value* vkeys = doc->Find("vkeys");
  REQUIRE(vkeys != nullptr);
  size_t valid = 0, invalid = 0;
  for (const auto& v : vkeys->items()) {
    std::string vkey(*v.GetString("vkey"));
    std::string expect(*v.GetString("expect"));
    auto r = ParseVerifierKey(vkey);
    if (expect.rfind("valid", 0) == 0) {
      CHECK_MESSAGE(r.ok(), vkey);
      if (r.ok()) {
        CHECK(r->text == vkey);
        CHECK(r->name == vkey.substr(0, vkey.find('+')));
        CHECK(FormatHex(r->key_id) == vkey.substr(vkey.find('+') + 1, 8));
      }
      ++valid;
    } else if (expect == "invalid") {
      // Syntax errors: wrong part count, bad base64, wrong length, unknown type.
      CHECK_MESSAGE(r.code() == ErrorCode::kConfigInvalid, vkey);
      ++invalid;
    } else {
      // Key-id mismatch: well-formed; ParseConfig checks syntax only, transparency verifies the id.
      CHECK(expect.find("key ID") != std::string::npos);
      CHECK(r.ok());
    }
  }
  CHECK(valid >= 10);
  CHECK(invalid >= 4);
  // The type 0x04 witness key from the same vectors decides the form.
  auto c = ParseConfig(
      R"({"transparency":{"witnesses":[{"name":"remora","key":"remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"}]}})");
  REQUIRE(c.ok());
  CHECK(c->transparency.witnesses[0].form == WitnessForm::kC2sp);
  CHECK(c->transparency.witnesses[0].key.type == kKeyTypeC2spCosignature);
}

TEST_CASE("config: vkey mutations") {
  const std::string good = VKey("name", 1);
  REQUIRE(ParseVerifierKey(good).ok());
  std::vector<std::string> bad = {
      "",
      "name",
      "name+0a1b2c3d",
      "+0a1b2c3d+" + good.substr(good.rfind('+') + 1),       // empty name
      "na me+0a1b2c3d+" + good.substr(good.rfind('+') + 1),  // space in name
      "name+0a1b2c3+" + good.substr(good.rfind('+') + 1),    // 7 hex digits
      "name+0a1b2c3d0+" + good.substr(good.rfind('+') + 1),  // 9 hex digits
      "name+0a1b2c3g+" + good.substr(good.rfind('+') + 1),   // not hex
      good + "AA==",                                         // too long
      good.substr(0, good.size() - 4),                       // too short
      good.substr(0, good.size() - 1),                       // bad padding
      "name+0a1b2c3d+ " + good.substr(good.rfind('+') + 1),  // whitespace in base64
      VKey("name", 0),
      VKey("name", 2),
      VKey("name", 5),
      VKey("name", 0xff),
  };
  for (const auto& b : bad) CHECK_MESSAGE(ParseVerifierKey(b).code() == ErrorCode::kConfigInvalid, b);
  for (uint8_t t : {kKeyTypeEd25519, kKeyTypeC2spCosignature, kKeyTypeWaictCosignature}) {
    CHECK(ParseVerifierKey(VKey("n", t)).ok());
  }
}

TEST_CASE("config: files") {
  TempDir dir;
  {
    std::ofstream(dir.File("good.json")) << R"({"log": {"max_rows": 12}, "x": 1})";
    auto r = LoadConfig(dir.File("good.json"));
    REQUIRE(r.ok());
    CHECK(r->log_max_rows == 12);
    CHECK(r->warnings.size() == 1);
  }
  {
    std::ofstream(dir.File("bad.json")) << R"({"log": {"max_rows": "12"}})";
    auto r = LoadConfig(dir.File("bad.json"));
    CHECK(r.code() == ErrorCode::kConfigInvalid);
    CHECK(r.error().detail.rfind("log.max_rows:", 0) == 0);
  }
  {
    std::ofstream(dir.File("empty.json"));
    CHECK(LoadConfig(dir.File("empty.json")).code() == ErrorCode::kConfigInvalid);
  }
  {
    std::ofstream f(dir.File("big.json"));
    f << "{\"pad\":\"" << std::string(kMaxConfigFileBytes, ' ') << "\"}";
  }
  CHECK(LoadConfig(dir.File("big.json")).code() == ErrorCode::kConfigInvalid);
  std::filesystem::create_directory(dir.File("adir"));
  CHECK(LoadConfig(dir.File("adir")).code() == ErrorCode::kConfigInvalid);
  // A path through a regular file is not "missing": ENOTDIR, reported.
  CHECK(LoadConfig(dir.File("good.json/x")).code() == ErrorCode::kConfigInvalid);
}

TEST_CASE("config: default path follows XDG") {
  const char* old_xdg = std::getenv("XDG_CONFIG_HOME");
  const char* old_home = std::getenv("HOME");
  std::string saved_xdg = old_xdg ? old_xdg : "";
  std::string saved_home = old_home ? old_home : "";
  ::setenv("XDG_CONFIG_HOME", "/xdg/conf", 1);
  ::setenv("HOME", "/home/u", 1);
  CHECK(*DefaultConfigPath() == "/xdg/conf/verity/config.json");
  ::setenv("XDG_CONFIG_HOME", "", 1);
  CHECK(*DefaultConfigPath() == "/home/u/.config/verity/config.json");
  ::unsetenv("XDG_CONFIG_HOME");
  CHECK(*DefaultConfigPath() == "/home/u/.config/verity/config.json");
  ::unsetenv("HOME");
  CHECK(DefaultConfigPath().code() == ErrorCode::kConfigInvalid);
  if (old_xdg) ::setenv("XDG_CONFIG_HOME", saved_xdg.c_str(), 1);
  if (old_home) ::setenv("HOME", saved_home.c_str(), 1);
}
