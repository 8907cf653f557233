// libFuzzer target for the RFC 9651 parser: each input is parsed as List, Dictionary and Item.
// Every successful parse must serialise, and parse(format(x)) must equal x with format stable.
#include "sfv/sfv.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

template <class T, class P, class F>
void RoundTrip(std::string_view in, P parse, F format) {
  auto parsed = parse(in);
  if (!parsed) return;
  auto text = format(*parsed);
  if (!text) abort();  // anything we parsed must be serialisable
  auto again = parse(*text);
  if (!again) abort();
  if (!(*again == *parsed)) abort();
  auto text2 = format(*again);
  if (!text2 || *text2 != *text) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  using namespace verity::sfv;
  RoundTrip<List>(
      in, [](std::string_view s) { return ParseList(s); }, [](const List& x) { return FormatList(x); });
  RoundTrip<Dictionary>(
      in, [](std::string_view s) { return ParseDictionary(s); },
      [](const Dictionary& x) { return FormatDictionary(x); });
  RoundTrip<Item>(
      in, [](std::string_view s) { return ParseItem(s); }, [](const Item& x) { return FormatItem(x); });
  ParseOptions lenient;
  lenient.allow_uppercase_keys = true;
  (void)ParseDictionary(in, lenient);
  return 0;
}
