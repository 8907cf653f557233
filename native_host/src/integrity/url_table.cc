#include "integrity/url_table.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <random>

namespace verity::integrity {
namespace {

inline uint64_t Rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

inline void SipRound(uint64_t& v0, uint64_t& v1, uint64_t& v2, uint64_t& v3) {
  v0 += v1;
  v1 = Rotl(v1, 13);
  v1 ^= v0;
  v0 = Rotl(v0, 32);
  v2 += v3;
  v3 = Rotl(v3, 16);
  v3 ^= v2;
  v0 += v3;
  v3 = Rotl(v3, 21);
  v3 ^= v0;
  v2 += v1;
  v1 = Rotl(v1, 17);
  v1 ^= v2;
  v2 = Rotl(v2, 32);
}

inline uint64_t LoadLE64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

// SipHash-1-3 (Aumasson & Bernstein; one compression round, three finalisation rounds).
uint64_t SipHash13(uint64_t k0, uint64_t k1, std::string_view s) {
  uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
  uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
  const size_t n = s.size();
  const char* p = s.data();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t m = LoadLE64(p + i);
    v3 ^= m;
    SipRound(v0, v1, v2, v3);
    v0 ^= m;
  }
  uint64_t b = static_cast<uint64_t>(n) << 56;
  for (size_t j = 0; i + j < n; ++j) b |= static_cast<uint64_t>(static_cast<uint8_t>(p[i + j])) << (8 * j);
  v3 ^= b;
  SipRound(v0, v1, v2, v3);
  v0 ^= b;
  v2 ^= 0xff;
  SipRound(v0, v1, v2, v3);
  SipRound(v0, v1, v2, v3);
  SipRound(v0, v1, v2, v3);
  return v0 ^ v1 ^ v2 ^ v3;
}

struct SipKey {
  uint64_t k0, k1;
};

const SipKey& ProcessKey() {
  static const SipKey key = [] {
    std::random_device rd;
    auto word = [&rd] { return (static_cast<uint64_t>(rd()) << 32) ^ rd(); };
    return SipKey{word(), word()};
  }();
  return key;
}

uint64_t KeyHash(std::string_view s) {
  const SipKey& k = ProcessKey();
  return SipHash13(k.k0, k.k1, s);
}

}  // namespace

bool HashList::Contains(const Hash32& h) const {
  if (poisoned) return false;
  if (first == h) return true;
  return std::find(more.begin(), more.end(), h) != more.end();
}

void UrlHashTable::Reserve(size_t n) {
  entries_.reserve(n);
  size_t want = 16;
  while (want < 2 * n) want <<= 1;
  if (want > slots_.size()) {
    std::vector<uint32_t> old = std::move(slots_);
    slots_.assign(want, 0);
    for (size_t i = 0; i < entries_.size(); ++i) {
      size_t mask = slots_.size() - 1, s = entries_[i].hash & mask;
      while (slots_[s] != 0) s = (s + 1) & mask;
      slots_[s] = static_cast<uint32_t>(i + 1);
    }
  }
}

void UrlHashTable::Grow() { Reserve(std::max<size_t>(16, entries_.size() * 2)); }

size_t UrlHashTable::FindSlot(std::string_view key, uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  size_t s = hash & mask;
  while (true) {
    uint32_t idx = slots_[s];
    if (idx == 0) return s;
    const Entry& e = entries_[idx - 1];
    if (e.hash == hash && e.length == key.size() &&
        std::memcmp(arena_.data() + e.offset, key.data(), key.size()) == 0) {
      return s;
    }
    s = (s + 1) & mask;
  }
}

std::pair<HashList*, bool> UrlHashTable::Insert(std::string_view key) {
  if (slots_.empty() || 2 * (entries_.size() + 1) > slots_.size()) Grow();
  uint64_t hash = KeyHash(key);
  size_t s = FindSlot(key, hash);
  if (slots_[s] != 0) return {&entries_[slots_[s] - 1].hashes, false};
  if (arena_.size() + key.size() > UINT32_MAX || entries_.size() >= UINT32_MAX - 1) std::abort();  // > 4 GiB
  Entry e{hash, static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(key.size()), {}};
  arena_.append(key);
  entries_.push_back(std::move(e));
  slots_[s] = static_cast<uint32_t>(entries_.size());
  return {&entries_.back().hashes, true};
}

const HashList* UrlHashTable::Find(std::string_view key) const {
  if (entries_.empty()) return nullptr;
  size_t s = FindSlot(key, KeyHash(key));
  return slots_[s] == 0 ? nullptr : &entries_[slots_[s] - 1].hashes;
}

}  // namespace verity::integrity
