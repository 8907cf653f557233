// RFC 9651 conformance: every case of httpwg/structured-field-tests (copied verbatim to
// VERITY_VECTORS_DIR/structured-field-tests, see its README), parsing and serialisation.
//
// Per case: the "raw" field lines are combined with ", " and parsed as header_type.
//   must_fail -> parsing must fail.
//   can_fail  -> parsing may fail; if it succeeds the result must equal "expected" and serialise to
//                "canonical" (we accept both SHOULD-level leniencies: missing base64 padding and
//                non-zero pad bits, so those cases take the success path).
//   otherwise -> result must equal "expected", and Format* must give "canonical" (or "raw" if none).
// serialisation-tests/*: build the model from "expected" and serialise; must_fail -> Format* fails.
//
// Deliberately skipped cases: none. (Decimals in "expected" are converted from their JSON source
// text with round-half-even to thousandths, which is how RFC 9651 §4.1.5 serialises them.)
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>

#include "sfv/sfv.h"
#include "sfv/test_json.h"

namespace {

using namespace verity;
using testjson::Value;

std::string Dir() { return std::string(VERITY_VECTORS_DIR) + "/structured-field-tests/"; }

std::optional<Bytes> Base32Decode(const std::string& s) {
  Bytes out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    if (c == '=') break;
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= '2' && c <= '7')
      v = c - '2' + 26;
    else
      return std::nullopt;
    acc = (acc << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  return out;
}

// JSON number text -> thousandths, rounding half to even on the decimal digits.
std::optional<int64_t> DecimalFromText(const std::string& t) {
  size_t i = 0;
  bool neg = false;
  if (i < t.size() && t[i] == '-') {
    neg = true;
    ++i;
  }
  int64_t ip = 0;
  size_t idigits = 0;
  while (i < t.size() && isdigit(static_cast<unsigned char>(t[i]))) {
    if (++idigits > 15) return std::nullopt;
    ip = ip * 10 + (t[i++] - '0');
  }
  std::string frac;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && isdigit(static_cast<unsigned char>(t[i]))) frac += t[i++];
  }
  if (i != t.size()) return std::nullopt;
  while (frac.size() < 3) frac += '0';
  int64_t v = ip * 1000 + std::stoll(frac.substr(0, 3));
  std::string rest = frac.substr(3);
  if (!rest.empty()) {
    bool above_half =
        rest[0] > '5' || (rest[0] == '5' && rest.find_first_not_of('0', 1) != std::string::npos);
    bool half = rest[0] == '5' && rest.find_first_not_of('0', 1) == std::string::npos;
    if (above_half || (half && v % 2 == 1)) ++v;
  }
  return neg ? -v : v;
}

std::optional<sfv::BareItem> ToBare(const Value& v) {
  if (v.is_bool()) return sfv::Boolean{v.b};
  if (v.is_string()) return sfv::String{v.text};
  if (v.is_number()) {
    if (v.text.find_first_of(".eE") == std::string::npos) return sfv::Integer{std::stoll(v.text)};
    auto d = DecimalFromText(v.text);
    if (!d) return std::nullopt;
    return sfv::Decimal{*d};
  }
  if (v.is_object()) {
    const Value* type = v.Get("__type");
    const Value* value = v.Get("value");
    if (!type || !value) return std::nullopt;
    if (type->text == "token") return sfv::Token{value->text};
    if (type->text == "displaystring") return sfv::DisplayString{value->text};
    if (type->text == "date") return sfv::Date{std::stoll(value->text)};
    if (type->text == "binary") {
      auto b = Base32Decode(value->text);
      if (!b) return std::nullopt;
      return sfv::ByteSequence{std::move(*b)};
    }
  }
  return std::nullopt;
}

std::optional<sfv::Parameters> ToParams(const Value& v) {
  if (!v.is_array()) return std::nullopt;
  sfv::Parameters out;
  for (const auto& p : v.items) {
    if (!p.is_array() || p.items.size() != 2) return std::nullopt;
    auto b = ToBare(p.items[1]);
    if (!b) return std::nullopt;
    out.emplace_back(p.items[0].text, std::move(*b));
  }
  return out;
}

std::optional<sfv::Item> ToItem(const Value& v) {
  if (!v.is_array() || v.items.size() != 2) return std::nullopt;
  auto b = ToBare(v.items[0]);
  auto p = ToParams(v.items[1]);
  if (!b || !p) return std::nullopt;
  return sfv::Item{std::move(*b), std::move(*p)};
}

std::optional<sfv::ListMember> ToMember(const Value& v) {
  if (!v.is_array() || v.items.size() != 2) return std::nullopt;
  if (v.items[0].is_array()) {
    sfv::InnerList il;
    for (const auto& it : v.items[0].items) {
      auto item = ToItem(it);
      if (!item) return std::nullopt;
      il.items.push_back(std::move(*item));
    }
    auto p = ToParams(v.items[1]);
    if (!p) return std::nullopt;
    il.params = std::move(*p);
    return sfv::ListMember(std::move(il));
  }
  auto item = ToItem(v);
  if (!item) return std::nullopt;
  return sfv::ListMember(std::move(*item));
}

std::optional<sfv::List> ToList(const Value& v) {
  if (!v.is_array()) return std::nullopt;
  sfv::List out;
  for (const auto& m : v.items) {
    auto mm = ToMember(m);
    if (!mm) return std::nullopt;
    out.push_back(std::move(*mm));
  }
  return out;
}

std::optional<sfv::Dictionary> ToDict(const Value& v) {
  if (!v.is_array()) return std::nullopt;
  sfv::Dictionary out;
  for (const auto& m : v.items) {
    if (!m.is_array() || m.items.size() != 2) return std::nullopt;
    auto mm = ToMember(m.items[1]);
    if (!mm) return std::nullopt;
    out.members.emplace_back(m.items[0].text, std::move(*mm));
  }
  return out;
}

std::string JoinLines(const Value& arr) {
  std::vector<std::string> lines;
  for (const auto& l : arr.items) lines.push_back(l.text);
  return sfv::CombineFieldLines(lines);
}

bool Flag(const Value& c, const char* name) {
  const Value* f = c.Get(name);
  return f && f->is_bool() && f->b;
}

struct Outcome {
  bool parsed = false;
  bool equal = false;
  std::optional<std::string> formatted;
};

template <class T, class Conv, class ParseFn, class FormatFn>
Outcome Run(const std::string& input, const Value* expected, Conv conv, ParseFn parse, FormatFn format) {
  Outcome o;
  auto r = parse(input);
  if (!r) return o;
  o.parsed = true;
  if (expected) {
    std::optional<T> want = conv(*expected);
    o.equal = want.has_value() && *want == *r;
  }
  auto f = format(*r);
  if (f) o.formatted = *f;
  return o;
}

Outcome ParseAs(const std::string& type, const std::string& input, const Value* expected) {
  if (type == "item")
    return Run<sfv::Item>(
        input, expected, ToItem, [](std::string_view s) { return sfv::ParseItem(s); },
        [](const sfv::Item& x) { return sfv::FormatItem(x); });
  if (type == "list")
    return Run<sfv::List>(
        input, expected, ToList, [](std::string_view s) { return sfv::ParseList(s); },
        [](const sfv::List& x) { return sfv::FormatList(x); });
  return Run<sfv::Dictionary>(
      input, expected, ToDict, [](std::string_view s) { return sfv::ParseDictionary(s); },
      [](const sfv::Dictionary& x) { return sfv::FormatDictionary(x); });
}

std::vector<std::string> JsonFiles(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".json") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("sfv: httpwg structured-field-tests parsing vectors") {
  auto files = JsonFiles(Dir());
  REQUIRE(files.size() >= 20);
  int cases = 0;
  for (const auto& file : files) {
    auto doc = testjson::ParseFile(file);
    REQUIRE_MESSAGE(doc.has_value(), file);
    REQUIRE(doc->is_array());
    for (const auto& c : doc->items) {
      const std::string name = c.Get("name")->text;
      INFO(file << ": " << name);
      const Value* raw = c.Get("raw");
      REQUIRE(raw != nullptr);
      const std::string input = JoinLines(*raw);
      const std::string type = c.Get("header_type")->text;
      const Value* expected = c.Get("expected");
      Outcome o = ParseAs(type, input, expected);
      ++cases;
      if (Flag(c, "must_fail")) {
        CHECK_FALSE(o.parsed);
        continue;
      }
      if (Flag(c, "can_fail") && !o.parsed) continue;
      REQUIRE(expected != nullptr);
      CHECK(o.parsed);
      CHECK(o.equal);
      const Value* canonical = c.Get("canonical");
      std::string want = canonical ? JoinLines(*canonical) : input;
      CHECK(o.formatted.has_value());
      if (o.formatted) CHECK(*o.formatted == want);
    }
  }
  MESSAGE("structured-field-tests parsing cases run: " << cases);
  CHECK(cases > 1500);
}

TEST_CASE("sfv: httpwg structured-field-tests serialisation vectors") {
  auto files = JsonFiles(Dir() + "serialisation-tests");
  REQUIRE(files.size() >= 4);
  int cases = 0;
  for (const auto& file : files) {
    auto doc = testjson::ParseFile(file);
    REQUIRE_MESSAGE(doc.has_value(), file);
    for (const auto& c : doc->items) {
      INFO(file << ": " << c.Get("name")->text);
      const std::string type = c.Get("header_type")->text;
      const Value& expected = *c.Get("expected");
      std::optional<std::string> formatted;
      bool converted = false;
      if (type == "item") {
        if (auto x = ToItem(expected)) {
          converted = true;
          if (auto f = sfv::FormatItem(*x)) formatted = *f;
        }
      } else if (type == "list") {
        if (auto x = ToList(expected)) {
          converted = true;
          if (auto f = sfv::FormatList(*x)) formatted = *f;
        }
      } else {
        if (auto x = ToDict(expected)) {
          converted = true;
          if (auto f = sfv::FormatDictionary(*x)) formatted = *f;
        }
      }
      REQUIRE(converted);
      ++cases;
      if (Flag(c, "must_fail")) {
        CHECK_FALSE(formatted.has_value());
        continue;
      }
      REQUIRE(formatted.has_value());
      CHECK(*formatted == JoinLines(*c.Get("canonical")));
    }
  }
  MESSAGE("serialisation cases run: " << cases);
  CHECK(cases > 500);
}
