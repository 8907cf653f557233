// libFuzzer: DNS wire-format parser (DoH answers are attacker-controlled).
#include <cstddef>
#include <cstdint>

#include "dns/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  verity::ByteView in(data, size);
  auto m = verity::dns::ParseMessage(in);
  if (m) {
    for (const auto& rr : m->answers) (void)verity::dns::ParseTxtRdata(rr.rdata);
  }
  (void)verity::dns::ParseTxtRdata(in);
  return 0;
}
