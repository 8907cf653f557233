// UrlHashTable: canonical URL -> HashList, the lookup structure of a parsed manifest (design §4.1:
// "a hash map keyed by resolved URL"). Built once by ParseManifest, then read-only.
//
// Keys live in one arena string and slots are an open-addressing array, so a 10,000-entry manifest
// costs a handful of allocations instead of two per entry. Slots are chosen by SipHash-1-3 under a
// per-process random key: manifest keys are attacker-chosen, and a fixed public hash would let a
// manifest force every key into one probe chain (quadratic parse time).
//
//   UrlHashTable t;
//   auto [list, inserted] = t.Insert("https://example.com/app.js");
//   list->first = hash;
//   const HashList* found = t.Find("https://example.com/app.js");
//   for (const auto& [url, hashes] : t) { ... }
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bytes.h"

namespace verity::integrity {

// The hashes one URL may have (one in the WAICT/Firefox dialects; possibly several in the article's).
// `poisoned`: the manifest named this URL twice (two spellings of one canonical URL) with
// different hashes; the entry then matches nothing, so its resource is never allowed, while the
// rest of the manifest stays usable (docs/formats.md "Malformed entries").
struct HashList {
  Hash32 first{};
  std::vector<Hash32> more;
  bool poisoned = false;
  bool Contains(const Hash32& h) const;
};

class UrlHashTable {
 public:
  void Reserve(size_t n);
  // The entry for `key`, created empty if absent; `second` is true when it was created.
  // The pointer is valid until the next Insert.
  std::pair<HashList*, bool> Insert(std::string_view key);
  const HashList* Find(std::string_view key) const;
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  class Iterator {
   public:
    Iterator(const UrlHashTable* t, size_t i) : t_(t), i_(i) {}
    std::pair<std::string_view, const HashList&> operator*() const {
      const Entry& e = t_->entries_[i_];
      return {std::string_view(t_->arena_).substr(e.offset, e.length), e.hashes};
    }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return i_ != o.i_; }

   private:
    const UrlHashTable* t_;
    size_t i_;
  };
  Iterator begin() const { return Iterator(this, 0); }
  Iterator end() const { return Iterator(this, entries_.size()); }

 private:
  struct Entry {
    uint64_t hash;
    uint32_t offset;
    uint32_t length;
    HashList hashes;
  };
  void Grow();
  size_t FindSlot(std::string_view key, uint64_t hash) const;  // slot holding key, or an empty one

  std::string arena_;
  std::vector<Entry> entries_;
  std::vector<uint32_t> slots_;  // entry index + 1; 0 = empty. Size: power of two.
};

}  // namespace verity::integrity
