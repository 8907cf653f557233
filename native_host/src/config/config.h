// Host configuration: one JSON file, $XDG_CONFIG_HOME/verity/config.json (or
// ~/.config/verity/config.json). Every key is optional; docs/config.md lists each key, its type,
// default and meaning. Design §4.2 (witness policy, preload list, cooldown) and §4.3 (DNS).
//
// Worked example (all other keys keep their defaults):
//
//   {
//     "log": {"retention_days": 30, "max_rows": 50000},
//     "transparency": {
//       "services": [{"name": "ts.example", "key": "ts.example+3a1c9e0b+AXx...32-byte key...="}],
//       "witnesses": [{"name": "w1", "key": "w1+0f0e0d0c+BH...=", "form": "c2sp"}],
//       "witness_threshold": 1
//     },
//     "m2dmrt": {"dns_transport": "doh", "doh_url": "https://dns.example/dns-query"}
//   }
//
// Verifier keys use the C2SP signed-note "vkey" text form `<name>+<8 hex key id>+<base64(type ‖ key)>`
// (C2SP signed-note §"Verifier keys"): type 0x01 = Ed25519 note signer, 0x04 = C2SP cosignature/v1
// witness, 0x06 = the WAICT draft's cosignature. ParseConfig checks the syntax only (name, 4-byte id,
// 33 decoded bytes, known type); the transparency module recomputes the key id (Verify*).
//
// Errors: a missing file is not an error (DefaultConfig()). Bad JSON, a wrong type, an out-of-range
// value or a malformed key is ErrorCode::kConfigInvalid ("config.invalid") whose detail names the key
// path, e.g. `transparency.witnesses[1].form: expected "waict" or "c2sp"`. The host keeps answering
// with that error and fails closed. Unknown keys are ignored and listed in Config::warnings.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace verity::config {

inline constexpr uint8_t kKeyTypeEd25519 = 0x01;           // C2SP signed-note Ed25519 signer
inline constexpr uint8_t kKeyTypeC2spCosignature = 0x04;   // C2SP tlog-cosignature cosignature/v1
inline constexpr uint8_t kKeyTypeWaictCosignature = 0x06;  // WAICT transparency draft (clashes, §4.2)

// A parsed C2SP verifier key. `text` is the original vkey string.
struct VerifierKey {
  std::string text;
  std::string name;                 // before the first '+'
  std::array<uint8_t, 4> key_id{};  // the 8 hex digits
  uint8_t type = 0;                 // first decoded byte
  std::array<uint8_t, 32> public_key{};
};

struct TransparencyService {
  std::string name;      // transparency-service origin as in the note body, e.g. "ts.example"
  bool has_key = false;  // false: witness-only (tree notes need only the witness quorum, >= 1)
  VerifierKey key;       // type 0x01; valid only if has_key
};

enum class WitnessForm : uint8_t { kWaict, kC2sp };
std::string_view FormatWitnessForm(WitnessForm f);  // "waict" | "c2sp"

struct Witness {
  std::string name;
  VerifierKey key;  // type 0x01, 0x04 or 0x06
  WitnessForm form = WitnessForm::kC2sp;
  // Form waict only: the cosignature type byte the key ID is computed over (WAICT draft 0x06, the
  // default; C2SP now assigns 0x06 to ML-DSA-44, so a later draft may pick another). 2..255, not 0x04.
  uint8_t cosignature_type = kKeyTypeWaictCosignature;
};

struct TransparencyConfig {
  std::vector<TransparencyService> services;
  std::vector<Witness> witnesses;
  // k of n. Default (key absent): 2 when n >= 2, else n. Must be <= n.
  uint64_t witness_threshold = 0;
  uint64_t max_cosignature_age_s = 7 * 86400;
  uint64_t future_skew_s = 5 * 60;
  bool has_preload_list_key = false;
  VerifierKey preload_list_key;   // type 0x01; valid only if has_preload_list_key
  std::string preload_list_file;  // empty or absolute; empty: <data_dir>/preload-list.note
  uint64_t preload_max_age_s = 30 * 86400;
  uint64_t tombstone_cooldown_s = 24 * 3600;
};

enum class DnsTransport : uint8_t { kUnbound, kDoh };
std::string_view FormatDnsTransport(DnsTransport t);  // "unbound" | "doh"

struct M2dmrtConfig {
  DnsTransport dns_transport = DnsTransport::kUnbound;
  std::string doh_url;                  // required (https://) when dns_transport == kDoh
  std::string trust_anchors_file;       // empty: compiled-in root anchors
  std::vector<std::string> forwarders;  // IP[@port]; empty: full recursion
  // zone -> IP[@port] of an authoritative server for it (tests: "test." -> a local NSD). A stub zone
  // is also resolved even if it is a special-use name (RFC 6761) unbound would answer locally.
  std::vector<std::pair<std::string, std::string>> stub_zones;
  // host -> IP the host's own TLS probe connects to instead of resolving the host (split horizon,
  // the test bed's *.test names).
  std::vector<std::pair<std::string, std::string>> probe_addresses;
  uint64_t clock_skew_s = 5 * 60;
};

struct Config {
  uint64_t log_retention_days = 90;  // 0 = no age limit
  uint64_t log_max_rows = 100000;    // 0 = no row limit
  uint64_t max_message_bytes = 16u * 1024 * 1024;
  uint64_t verdict_timeout_ms = 10000;  // hint for the extension's fail-closed timeout
  TransparencyConfig transparency;
  M2dmrtConfig m2dmrt;
  std::string data_dir;  // empty: $XDG_DATA_HOME/verity or ~/.local/share/verity
  // Unknown keys, e.g. `unknown key "foo.bar" ignored`. Not errors.
  std::vector<std::string> warnings;
};

// Ranges enforced by ParseConfig (inclusive); docs/config.md repeats them.
inline constexpr uint64_t kMaxRetentionDays = 36500;
inline constexpr uint64_t kMaxLogRows = 100000000;
inline constexpr uint64_t kMinMessageBytes = 1024;
inline constexpr uint64_t kMaxMessageBytes = 64u * 1024 * 1024;
inline constexpr uint64_t kMinVerdictTimeoutMs = 100;
inline constexpr uint64_t kMaxVerdictTimeoutMs = 600000;
inline constexpr uint64_t kMaxDurationS = 10ull * 365 * 86400;  // any *_s key
inline constexpr uint64_t kMaxConfigFileBytes = 1024 * 1024;

Config DefaultConfig();

// Parses config JSON text (syntax + types + ranges). Never crashes on any input.
Result<Config> ParseConfig(std::string_view json_text);

// Reads and parses `path`. A file that does not exist yields DefaultConfig(); an unreadable file, a
// file over kMaxConfigFileBytes or any parse error yields kConfigInvalid.
Result<Config> LoadConfig(const std::string& path);

// $XDG_CONFIG_HOME/verity/config.json if XDG_CONFIG_HOME is an absolute path, else
// $HOME/.config/verity/config.json. kConfigInvalid if neither variable is usable.
Result<std::string> DefaultConfigPath();

// Parses a C2SP vkey string (syntax only, see header comment). kConfigInvalid on malformed input.
Result<VerifierKey> ParseVerifierKey(std::string_view text);

}  // namespace verity::config
