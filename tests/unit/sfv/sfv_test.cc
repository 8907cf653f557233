// Unit tests for the RFC 9651 parser/serialiser beyond the httpwg vectors: error codes, limits,
// options, lookup helpers and round trips.
#include "sfv/sfv.h"

#include <doctest/doctest.h>

#include <string>

using namespace verity;
using namespace verity::sfv;

TEST_CASE("sfv: RFC 9651 dictionary example parses into the model and back") {
  auto d = ParseDictionary(R"(a=?0, b, c; foo=bar, d=(1 2);x="y")");
  REQUIRE(d);
  REQUIRE(d->members.size() == 4);
  CHECK(d->members[0].first == "a");
  CHECK(std::get<Item>(d->members[0].second) == Item{Boolean{false}, {}});
  CHECK(std::get<Item>(d->members[1].second) == Item{Boolean{true}, {}});
  Item c = std::get<Item>(d->members[2].second);
  CHECK(c.value == BareItem(Boolean{true}));
  REQUIRE(FindParam(c.params, "foo") != nullptr);
  CHECK(*FindParam(c.params, "foo") == BareItem(Token{"bar"}));
  CHECK(FindParam(c.params, "nope") == nullptr);
  const ListMember* dm = d->Find("d");
  REQUIRE(dm != nullptr);
  const auto& il = std::get<InnerList>(*dm);
  CHECK(il.items == std::vector<Item>{Item{Integer{1}, {}}, Item{Integer{2}, {}}});
  CHECK(*FindParam(il.params, "x") == BareItem(String{"y"}));
  CHECK(d->Find("zz") == nullptr);
  auto f = FormatDictionary(*d);
  REQUIRE(f);
  CHECK(*f == R"(a=?0, b, c;foo=bar, d=(1 2);x="y")");
}

TEST_CASE("sfv: all bare item types round-trip") {
  const char* kInput =
      R"(-12, 3.14, -0.001, "a \"q\" \\", *tok/x:y, :aGVsbG8=:, ?1, ?0, @-62135596800, %"f%c3%bc%22")";
  auto l = ParseList(kInput);
  REQUIRE(l);
  REQUIRE(l->size() == 10);
  CHECK(std::get<Item>((*l)[0]).value == BareItem(Integer{-12}));
  CHECK(std::get<Item>((*l)[1]).value == BareItem(Decimal{3140}));
  CHECK(std::get<Item>((*l)[2]).value == BareItem(Decimal{-1}));
  CHECK(std::get<Item>((*l)[3]).value == BareItem(String{"a \"q\" \\"}));
  CHECK(std::get<Item>((*l)[4]).value == BareItem(Token{"*tok/x:y"}));
  CHECK(std::get<Item>((*l)[5]).value == BareItem(ByteSequence{Bytes{'h', 'e', 'l', 'l', 'o'}}));
  CHECK(std::get<Item>((*l)[8]).value == BareItem(Date{-62135596800}));
  CHECK(std::get<Item>((*l)[9]).value == BareItem(DisplayString{"f\xc3\xbc\""}));
  auto f = FormatList(*l);
  REQUIRE(f);
  CHECK(*f == kInput);
  auto again = ParseList(*f);
  REQUIRE(again);
  CHECK(*again == *l);
}

TEST_CASE("sfv: stable error codes") {
  CHECK(ParseItem("1.2345").code() == ErrorCode::kSfvBadNumber);
  CHECK(ParseItem("1234567890123456").code() == ErrorCode::kSfvBadNumber);
  CHECK(ParseItem("-").code() == ErrorCode::kSfvBadNumber);
  CHECK(ParseItem("\"abc").code() == ErrorCode::kSfvBadString);
  CHECK(ParseItem("\"a\\b\"").code() == ErrorCode::kSfvBadString);
  CHECK(ParseItem(":aGVsbG8").code() == ErrorCode::kSfvBadByteSequence);
  CHECK(ParseItem(":a=GVsbG8=:").code() == ErrorCode::kSfvBadByteSequence);
  CHECK(ParseItem("?2").code() == ErrorCode::kSfvBadBoolean);
  CHECK(ParseItem("@1.5").code() == ErrorCode::kSfvBadDate);
  CHECK(ParseItem("%\"%C3%BC\"").code() == ErrorCode::kSfvBadDisplayString);     // uppercase hex
  CHECK(ParseItem("%\"%c3\"").code() == ErrorCode::kSfvBadDisplayString);        // truncated UTF-8
  CHECK(ParseItem("%\"%ed%a0%80\"").code() == ErrorCode::kSfvBadDisplayString);  // surrogate
  CHECK(ParseDictionary("A=1").code() == ErrorCode::kSfvBadKey);
  CHECK(ParseList("1,").code() == ErrorCode::kSfvSyntax);
  CHECK(ParseList("1 2").code() == ErrorCode::kSfvSyntax);
  CHECK(ParseItem("1 ").ok());
  CHECK(ParseItem("\t1").code() == ErrorCode::kSfvSyntax);           // only SP is discarded at the ends
  CHECK(ParseItem("\"\xc3\xbc\"").code() == ErrorCode::kSfvSyntax);  // non-ASCII input
  CHECK(ParseList("(1 2").code() == ErrorCode::kSfvSyntax);
  CHECK(ParseItem("").code() == ErrorCode::kSfvSyntax);  // an Item cannot be empty
  CHECK(ParseList("").ok());                             // a List can
  CHECK(ParseDictionary("").ok());
}

TEST_CASE("sfv: size limit") {
  std::string big(kMaxFieldBytes - 2, 'a');
  CHECK(ParseItem("\"" + big + "\"").ok());
  CHECK(ParseItem("\"" + big + "a\"").code() == ErrorCode::kSfvTooLarge);
  // Many distinct parameters (hash-indexed path) stay correct and fast.
  std::string params = "x";
  for (int i = 0; i < 5000; ++i) params += ";k" + std::to_string(i) + "=" + std::to_string(i);
  params += ";k17=?0";  // overwrite keeps the position
  auto item = ParseItem(params);
  REQUIRE(item);
  CHECK(item->params.size() == 5000);
  CHECK(item->params[17] == std::pair<std::string, BareItem>{"k17", Boolean{false}});
}

TEST_CASE("sfv: duplicate keys keep first position, last value") {
  auto d = ParseDictionary("a=1, b=2, a=3;x");
  REQUIRE(d);
  REQUIRE(d->members.size() == 2);
  CHECK(d->members[0].first == "a");
  CHECK(std::get<Item>(d->members[0].second) == Item{Integer{3}, {{"x", Boolean{true}}}});
}

TEST_CASE("sfv: uppercase keys only with the option") {
  CHECK(ParseDictionary("GREASE-x=1, a=2").code() == ErrorCode::kSfvBadKey);
  ParseOptions opt;
  opt.allow_uppercase_keys = true;
  auto d = ParseDictionary("GREASE-x=1, a=2", opt);
  REQUIRE(d);
  CHECK(d->members[0].first == "GREASE-x");
  // Even with the option, keys cannot start with a digit or '-'.
  CHECK(ParseDictionary("-a=1", opt).code() == ErrorCode::kSfvBadKey);
  // Uppercase keys never serialise.
  CHECK(FormatDictionary(*d).code() == ErrorCode::kSfvNotSerializable);
}

TEST_CASE("sfv: serialisation rejects unrepresentable values") {
  CHECK(FormatBareItem(Integer{kMaxInteger}).ok());
  CHECK(FormatBareItem(Integer{kMaxInteger + 1}).code() == ErrorCode::kSfvNotSerializable);
  CHECK(FormatBareItem(Integer{INT64_MIN}).code() == ErrorCode::kSfvNotSerializable);
  CHECK(FormatBareItem(Decimal{INT64_MIN}).code() == ErrorCode::kSfvNotSerializable);
  CHECK(*FormatBareItem(Decimal{-kMaxInteger}) == "-999999999999.999");
  CHECK(*FormatBareItem(Decimal{1500}) == "1.5");
  CHECK(*FormatBareItem(Decimal{0}) == "0.0");
  CHECK(FormatBareItem(String{"\x7f"}).code() == ErrorCode::kSfvNotSerializable);
  CHECK(FormatBareItem(Token{""}).code() == ErrorCode::kSfvNotSerializable);
  CHECK(FormatBareItem(Token{"1a"}).code() == ErrorCode::kSfvNotSerializable);
  CHECK(FormatBareItem(Token{"a b"}).code() == ErrorCode::kSfvNotSerializable);
  CHECK(FormatBareItem(DisplayString{"\xff"}).code() == ErrorCode::kSfvNotSerializable);
  CHECK(*FormatBareItem(DisplayString{"100%"}) == "%\"100%25\"");
  Dictionary bad;
  bad.members.emplace_back("", Item{Integer{1}, {}});
  CHECK(FormatDictionary(bad).code() == ErrorCode::kSfvNotSerializable);
  CHECK(*FormatList({}) == "");
}

TEST_CASE("sfv: CombineFieldLines") {
  CHECK(CombineFieldLines({}) == "");
  CHECK(CombineFieldLines({"a=1"}) == "a=1");
  CHECK(CombineFieldLines({"a=1", "b=2"}) == "a=1, b=2");
  auto d = ParseDictionary(CombineFieldLines({"a=1", "b=2"}));
  REQUIRE(d);
  CHECK(d->members.size() == 2);
}

TEST_CASE("sfv: SplitNewlineJoined") {
  CHECK(SplitNewlineJoined("") == std::vector<std::string>{""});
  CHECK(SplitNewlineJoined("a=1") == std::vector<std::string>{"a=1"});
  CHECK(SplitNewlineJoined("a=1\nb=2") == std::vector<std::string>{"a=1", "b=2"});
  CHECK(ParseDictionary("a=1\nb=2").code() == ErrorCode::kSfvSyntax);
  CHECK(ParseDictionary(CombineFieldLines(SplitNewlineJoined("a=1\nb=2"))).ok());
}
