#include "json/json.h"

#include <doctest/doctest.h>

using namespace verity;

TEST_CASE("json parse and access") {
  auto v = json::Parse(
      R"({"id":7,"type":"hello","n":-1,"big":18446744073709551615,"f":1.5,"a":[1,"x",null,true]})");
  REQUIRE(v.ok());
  CHECK(*v->GetInt("id") == 7);
  CHECK(*v->GetString("type") == "hello");
  CHECK(*v->GetInt("n") == -1);
  CHECK_FALSE(v->GetInt("big").has_value());
  CHECK(*v->Find("big")->AsUint() == 18446744073709551615ull);
  CHECK_FALSE(v->GetInt("f").has_value());
  CHECK(v->Find("a")->items().size() == 4);
  CHECK(v->Find("missing") == nullptr);
  CHECK_FALSE(v->GetString("id").has_value());
}

TEST_CASE("json errors") {
  CHECK(json::Parse("{").code() == ErrorCode::kJsonSyntax);
  CHECK(json::Parse("").code() == ErrorCode::kJsonSyntax);
  CHECK(json::Parse("{\"a\":\"\xff\"}").code() == ErrorCode::kJsonInvalidUtf8);
  CHECK(json::Parse(R"({"a":1,"a":2})").code() == ErrorCode::kJsonDuplicateKey);
  std::string deep(100, '[');
  deep += std::string(100, ']');
  CHECK(json::Parse(deep).code() == ErrorCode::kJsonTooDeep);
  CHECK(json::Parse("[1] x").code() == ErrorCode::kJsonSyntax);
}

TEST_CASE("json writer round trip") {
  json::Writer w;
  w.BeginObject()
      .Key("s")
      .String("a\"b\\c\n\x01")
      .Key("i")
      .Int(-3)
      .Key("a")
      .BeginArray()
      .Bool(true)
      .Null()
      .EndArray();
  w.Key("o").BeginObject().EndObject().EndObject();
  CHECK(w.str() == R"({"s":"a\"b\\c\n\u0001","i":-3,"a":[true,null],"o":{}})");
  auto back = json::Parse(w.str());
  REQUIRE(back.ok());
  CHECK(json::Format(*back) == w.str());
}
