// integrity/url_table.h: insert, find, growth, iteration.
#include "integrity/url_table.h"

#include <doctest/doctest.h>

#include <map>
#include <string>

#include "crypto/hash.h"

using namespace verity;
using namespace verity::integrity;

TEST_CASE("UrlHashTable behaves like a map through growth") {
  UrlHashTable t;
  CHECK(t.Find("https://example.com/") == nullptr);
  std::map<std::string, Hash32> model;
  for (int i = 0; i < 5000; ++i) {
    std::string key = "https://example.com/k" + std::to_string(i * 7919 % 3001);  // repeats keys
    Hash32 h = crypto::Sha256(key);
    auto [list, inserted] = t.Insert(key);
    CHECK(inserted == (model.count(key) == 0));
    if (inserted) list->first = h;
    model[key] = h;
  }
  CHECK(t.size() == model.size());
  for (const auto& [k, h] : model) {
    const HashList* l = t.Find(k);
    REQUIRE(l != nullptr);
    CHECK(l->first == h);
    CHECK(l->Contains(h));
  }
  CHECK(t.Find("https://example.com/k") == nullptr);
  CHECK(t.Find("https://example.com/k1x") == nullptr);
  CHECK(t.Find("") == nullptr);
  size_t seen = 0;
  for (const auto& [url, list] : t) {
    REQUIRE(model.count(std::string(url)) == 1);
    CHECK(model[std::string(url)] == list.first);
    ++seen;
  }
  CHECK(seen == model.size());
  // Reserve after inserts keeps every entry reachable.
  t.Reserve(100000);
  for (const auto& [k, h] : model) CHECK(t.Find(k) != nullptr);
}

TEST_CASE("HashList holds several hashes") {
  HashList l;
  l.first = crypto::Sha256("a");
  l.more.push_back(crypto::Sha256("b"));
  CHECK(l.Contains(crypto::Sha256("a")));
  CHECK(l.Contains(crypto::Sha256("b")));
  CHECK_FALSE(l.Contains(crypto::Sha256("c")));
}
