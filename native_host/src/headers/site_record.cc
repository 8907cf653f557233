#include "headers/site_record.h"

#include <algorithm>
#include <charconv>
#include <limits>

namespace verity::headers {
namespace {

int64_t Expiry(int64_t now, int64_t max_age) {
  // max_age <= 999'999'999'999'999 (RFC 9651), but `now` comes from the caller: saturate.
  if (max_age > std::numeric_limits<int64_t>::max() - now) return std::numeric_limits<int64_t>::max();
  return now + max_age;
}

void CopyHeaderFields(const WaictPolicy& p, SiteRecord& r) {
  r.manifest_url = p.manifest_url;
  r.endpoints = p.endpoints;
  r.preload = p.preload;
  r.dialect = p.dialect;
}

// R3b-d for one category.
void Ratchet(CategoryRecord& c, WaictMode mode, int64_t new_expiry) {
  if (!c.mode) {
    c.mode = mode;
    c.expires_at = new_expiry;
  } else if (Stronger(mode, *c.mode)) {  // R3b: upgrade at once, never for less time than the old mode had
    c.mode = mode;
    c.expires_at = std::max(c.expires_at, new_expiry);
  } else if (*c.mode == mode) {
    c.expires_at = std::max(c.expires_at, new_expiry);
  }
}

bool AnyCategory(const SiteRecord& r) {
  return std::any_of(r.categories.begin(), r.categories.end(),
                     [](const auto& c) { return c.mode.has_value(); });
}

}  // namespace

bool IsLive(const std::optional<SiteRecord>& record, int64_t now_seconds) {
  return record.has_value() && now_seconds < record->expires_at;
}

void Normalize(SiteRecord& r, int64_t now) {
  std::optional<WaictMode> best;
  r.expires_at = 0;
  for (auto& c : r.categories) {
    if (c.mode && c.expires_at <= now) c = CategoryRecord{};  // R0
    if (!c.mode) continue;
    if (!best || Stronger(*c.mode, *best)) best = c.mode;
    r.expires_at = std::max(r.expires_at, c.expires_at);
  }
  r.mode = best.value_or(WaictMode::kReport);
}

std::optional<SiteRecord> ApplyPolicyHeader(const std::optional<SiteRecord>& existing,
                                            const Result<WaictPolicy>& parsed, int64_t now, UpdateRule rule) {
  SiteRecord r;
  bool live = false;
  if (IsLive(existing, now)) {  // R0
    r = *existing;
    Normalize(r, now);
    live = AnyCategory(r);
  }
  if (!parsed) {  // R1
    if (!live) return std::nullopt;
    return r;
  }
  const WaictPolicy& p = *parsed;
  const int64_t new_expiry = Expiry(now, p.max_age);

  if (!live || rule == UpdateRule::kHstsLike) {  // R2, or HSTS: replace
    r = SiteRecord{};
    CopyHeaderFields(p, r);
    r.blocked_destinations = p.blocked_destinations;
    for (size_t i = 0; i < kCategoryCount; ++i) {
      if (p.modes[i]) r.categories[i] = CategoryRecord{p.modes[i], new_expiry};
    }
  } else {  // R3
    CopyHeaderFields(p, r);
    for (const auto& d : p.blocked_destinations) {
      if (std::find(r.blocked_destinations.begin(), r.blocked_destinations.end(), d) ==
          r.blocked_destinations.end())
        r.blocked_destinations.push_back(d);
    }
    for (size_t i = 0; i < kCategoryCount; ++i) {
      if (p.modes[i]) Ratchet(r.categories[i], *p.modes[i], new_expiry);
    }
  }
  Normalize(r, now);
  if (!AnyCategory(r)) return std::nullopt;  // max-age = 0: born expired
  return r;
}

EffectiveModes Effective(const std::optional<SiteRecord>& record, const WaictPolicy* current, int64_t now) {
  EffectiveModes e;
  const bool live = IsLive(record, now);
  for (size_t i = 0; i < kCategoryCount; ++i) {
    if (live) {
      const CategoryRecord& c = record->categories[i];
      if (c.mode && now < c.expires_at) {
        e.modes[i] = c.mode;
        e.expires[i] = c.expires_at;
      }
    }
    if (current && current->modes[i] && (!e.modes[i] || Stronger(*current->modes[i], *e.modes[i]))) {
      e.modes[i] = current->modes[i];
      e.expires[i] = 0;  // held by the header alone
    }
  }
  return e;
}

std::string FormatCategoryRecords(const CategoryRecords& c) {
  std::string out;
  for (size_t i = 0; i < kCategoryCount; ++i) {
    if (!c[i].mode) continue;
    if (!out.empty()) out += ' ';
    out.append(CategoryKey(static_cast<Category>(i)))
        .append("=")
        .append(ModeName(*c[i].mode))
        .append("@")
        .append(std::to_string(c[i].expires_at));
  }
  return out;
}

Result<CategoryRecords> ParseCategoryRecords(std::string_view text) {
  CategoryRecords out{};
  int last = -1;  // table index of the previous item: the written form is in table order
  auto bad = [&](std::string_view why) {
    return MakeError(ErrorCode::kHeaderBadCategoryRecords,
                     std::string(why) + ": \"" + std::string(text.substr(0, 80)) + "\"");
  };
  while (!text.empty()) {
    size_t sp = text.find(' ');
    std::string_view item = text.substr(0, sp);
    text = sp == std::string_view::npos ? std::string_view() : text.substr(sp + 1);
    if (sp != std::string_view::npos && text.empty()) return bad("trailing space");
    size_t eq = item.find('='), at = item.find('@');
    if (eq == std::string_view::npos || at == std::string_view::npos || at < eq)
      return bad("not key=mode@expiry");
    auto cat = ParseCategoryKey(item.substr(0, eq));
    auto mode = ParseModeToken(item.substr(eq + 1, at - eq - 1));
    if (!cat) return bad("unknown category");
    if (!mode) return bad("unknown mode");
    std::string_view num = item.substr(at + 1);
    int64_t exp = 0;
    auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), exp);
    if (num.empty() || ec != std::errc() || ptr != num.data() + num.size() || exp < 0)
      return bad("bad expiry");
    if (num.size() > 1 && num[0] == '0') return bad("bad expiry (leading zero: not the written form)");
    if (out[Index(*cat)].mode) return bad("category twice");
    if (static_cast<int>(Index(*cat)) < last)
      return bad("categories out of table order (not the written form)");
    last = static_cast<int>(Index(*cat));
    out[Index(*cat)] = CategoryRecord{mode, exp};
  }
  return out;
}

}  // namespace verity::headers
