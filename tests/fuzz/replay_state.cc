// libFuzzer target: the operator state files a witness reads from a transparency service (heads and
// updates lines) and its own state file (transparency/replay.h). Parse -> format must round-trip,
// and a replay of parsed updates onto parsed state must never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "transparency/replay.h"

using namespace verity;
using namespace verity::transparency;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto state = ParseWitnessState(in);
  if (state && FormatWitnessState(*state) != in) __builtin_trap();
  auto updates = ParseDomainNodes(in, /*ascending=*/false);
  if (updates && FormatDomainNodes(*updates) != in) __builtin_trap();
  if (auto heads = ParseHeads(in); heads && FormatHeads(*heads) != in) __builtin_trap();
  if (state && updates && updates->size() <= 64) {
    TreeNoteBody body{"ts.example", state->size + 1, state->root};
    (void)ReplayTree(*state, body, *updates);
  }
  return 0;
}
