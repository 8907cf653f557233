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
// Deliberately skipped cases: none. Vector files are read with json::Parse (tests/unit/vector_file.h).
// JSON integers (kInt/kUint) become sfv Integers; JSON numbers with a fraction (kDouble) become
// Decimals: the double is printed back as its shortest round-trip decimal text, which is the source
// text whenever it has at most 15 significant digits (all vectors do; more digits -> conversion
// fails, so the case fails rather than being silently rounded), then rounded half to even to
// thousandths, which is how RFC 9651 §4.1.5 serialises them.
#include <doctest/doctest.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <optional>
#include <string>

#include "json/json.h"
#include "sfv/sfv.h"
#include "vector_file.h"

namespace {

using namespace verity;
using json::Value;
using testing::At;

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

// A JSON number with a fraction, as the shortest decimal text that parses back to the same double
// (e.g. 0.0015 -> "0.0015"); nullopt if that needs more than 15 significant digits, where the text
// may no longer be the one in the vector file.
std::optional<std::string> DoubleText(double d) {
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
  if (ec != std::errc()) return std::nullopt;
  std::string t(buf, end);
  std::string digits;
  for (char c : t)
    if (isdigit(static_cast<unsigned char>(c))) digits += c;
  size_t first = digits.find_first_not_of('0');
  size_t last = digits.find_last_not_of('0');
  if (first != std::string::npos && last - first + 1 > 15) return std::nullopt;
  return t;
}

std::optional<sfv::BareItem> ToBare(const Value& v) {
  if (v.is_bool()) return sfv::Boolean{v.AsBool()};
  if (v.is_string()) return sfv::String{v.AsString()};
  if (v.type() == Value::Type::kInt || v.type() == Value::Type::kUint) {
    auto i = v.AsInt();
    if (!i) return std::nullopt;
    return sfv::Integer{*i};
  }
  if (v.type() == Value::Type::kDouble) {
    auto t = DoubleText(v.AsDouble());
    if (!t) return std::nullopt;
    auto d = DecimalFromText(*t);
    if (!d) return std::nullopt;
    return sfv::Decimal{*d};
  }
  if (v.is_object()) {
    const Value* type = v.Find("__type");
    const Value* value = v.Find("value");
    if (!type || !value) return std::nullopt;
    if (type->AsString() == "token") return sfv::Token{value->AsString()};
    if (type->AsString() == "displaystring") return sfv::DisplayString{value->AsString()};
    if (type->AsString() == "date") {
      auto i = value->AsInt();
      if (!i) return std::nullopt;
      return sfv::Date{*i};
    }
    if (type->AsString() == "binary") {
      auto b = Base32Decode(value->AsString());
      if (!b) return std::nullopt;
      return sfv::ByteSequence{std::move(*b)};
    }
  }
  return std::nullopt;
}

std::optional<sfv::Parameters> ToParams(const Value& v) {
  if (!v.is_array()) return std::nullopt;
  sfv::Parameters out;
  for (const auto& p : v.items()) {
    if (!p.is_array() || p.items().size() != 2) return std::nullopt;
    auto b = ToBare(p.items()[1]);
    if (!b) return std::nullopt;
    out.emplace_back(p.items()[0].AsString(), std::move(*b));
  }
  return out;
}

std::optional<sfv::Item> ToItem(const Value& v) {
  if (!v.is_array() || v.items().size() != 2) return std::nullopt;
  auto b = ToBare(v.items()[0]);
  auto p = ToParams(v.items()[1]);
  if (!b || !p) return std::nullopt;
  return sfv::Item{std::move(*b), std::move(*p)};
}

std::optional<sfv::ListMember> ToMember(const Value& v) {
  if (!v.is_array() || v.items().size() != 2) return std::nullopt;
  if (v.items()[0].is_array()) {
    sfv::InnerList il;
    for (const auto& it : v.items()[0].items()) {
      auto item = ToItem(it);
      if (!item) return std::nullopt;
      il.items.push_back(std::move(*item));
    }
    auto p = ToParams(v.items()[1]);
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
  for (const auto& m : v.items()) {
    auto mm = ToMember(m);
    if (!mm) return std::nullopt;
    out.push_back(std::move(*mm));
  }
  return out;
}

std::optional<sfv::Dictionary> ToDict(const Value& v) {
  if (!v.is_array()) return std::nullopt;
  sfv::Dictionary out;
  for (const auto& m : v.items()) {
    if (!m.is_array() || m.items().size() != 2) return std::nullopt;
    auto mm = ToMember(m.items()[1]);
    if (!mm) return std::nullopt;
    out.members.emplace_back(m.items()[0].AsString(), std::move(*mm));
  }
  return out;
}

std::string JoinLines(const Value& arr) {
  std::vector<std::string> lines;
  for (const auto& l : arr.items()) lines.push_back(l.AsString());
  return sfv::CombineFieldLines(lines);
}

bool Flag(const Value& c, const char* name) {
  const Value* f = c.Find(name);
  return f && f->is_bool() && f->AsBool();
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
    auto doc = testing::ReadVectorFile(file);
    REQUIRE_MESSAGE(doc.ok(), file << ": " << (doc.ok() ? "" : doc.error().detail));
    REQUIRE(doc->is_array());
    for (const auto& c : doc->items()) {
      const std::string name = At(c, "name").AsString();
      INFO(file << ": " << name);
      const Value* raw = c.Find("raw");
      REQUIRE(raw != nullptr);
      const std::string input = JoinLines(*raw);
      const std::string type = At(c, "header_type").AsString();
      const Value* expected = c.Find("expected");
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
      const Value* canonical = c.Find("canonical");
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
    auto doc = testing::ReadVectorFile(file);
    REQUIRE_MESSAGE(doc.ok(), file << ": " << (doc.ok() ? "" : doc.error().detail));
    for (const auto& c : doc->items()) {
      INFO(file << ": " << At(c, "name").AsString());
      const std::string type = At(c, "header_type").AsString();
      const Value& expected = At(c, "expected");
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
      CHECK(*formatted == JoinLines(At(c, "canonical")));
    }
  }
  MESSAGE("serialisation cases run: " << cases);
  CHECK(cases > 500);
}
