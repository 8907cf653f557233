// libFuzzer target: the config parser over arbitrary bytes. Must never crash, hang or leak; any
// accepted config must satisfy the documented invariants.
#include "config/config.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace verity::config;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = ParseConfig(text);
  if (r.ok()) {
    const Config& c = *r;
    const auto& t = c.transparency;
    if (t.witness_threshold > t.witnesses.size()) std::abort();
    if (!t.witnesses.empty() && t.witness_threshold == 0) std::abort();
    if (c.max_message_bytes < kMinMessageBytes || c.max_message_bytes > kMaxMessageBytes) std::abort();
    if (c.log_retention_days > kMaxRetentionDays || c.log_max_rows > kMaxLogRows) std::abort();
    if (c.m2dmrt.dns_transport == DnsTransport::kDoh && c.m2dmrt.doh_url.empty()) std::abort();
    for (const auto& s : t.services) {
      if (s.name.empty()) std::abort();
      if (s.has_key && s.key.type != kKeyTypeEd25519) std::abort();
      if (!s.has_key && t.witness_threshold == 0) std::abort();  // witness-only needs witnesses
    }
    for (const auto& w : t.witnesses) {
      if (w.form == WitnessForm::kC2sp && w.cosignature_type != kKeyTypeWaictCosignature) std::abort();
      if (w.cosignature_type < 2 || w.cosignature_type == kKeyTypeC2spCosignature) std::abort();
    }
  } else if (r.code() != verity::ErrorCode::kConfigInvalid) {
    std::abort();
  }
  auto k = ParseVerifierKey(text);
  if (!k.ok() && k.code() != verity::ErrorCode::kConfigInvalid) std::abort();
  return 0;
}
