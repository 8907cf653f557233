#include "transparency/cooldown.h"

#include <doctest/doctest.h>

#include <cstdint>

using namespace verity;
using namespace verity::transparency;

namespace {
constexpr int64_t kNow = 1767225600;
constexpr int64_t kDay = 86400;
}  // namespace

TEST_CASE("IsPastCooldown: boundary, future and out-of-range creation times") {
  CHECK(IsPastCooldown(kNow - kDay, kNow, kDay));
  CHECK_FALSE(IsPastCooldown(kNow - kDay + 1, kNow, kDay));
  CHECK(IsPastCooldown(kNow, kNow, 0));
  CHECK_FALSE(IsPastCooldown(kNow + 1, kNow, 0));  // created in the future
  CHECK_FALSE(IsPastCooldown(UINT64_MAX, kNow, 0));
  CHECK_FALSE(IsPastCooldown(static_cast<uint64_t>(INT64_MAX) + 1, kNow, 0));
}

TEST_CASE("CheckValueChange: unchanged, first sight, changed before and after the cooldown") {
  const std::optional<std::string_view> accepted = "alice,bob";
  CHECK(*CheckValueChange(accepted, "alice,bob", kNow - 60, kNow, kDay) == ValueChange::kUnchanged);
  CHECK(*CheckValueChange(std::nullopt, "alice,bob", kNow - 60, kNow, kDay) == ValueChange::kAccepted);
  auto young = CheckValueChange(accepted, "alice,mallory", kNow - kDay + 1, kNow, kDay);
  CHECK(young.code() == ErrorCode::kTransparencyCooldownPending);
  CHECK(*CheckValueChange(accepted, "alice,mallory", kNow - kDay, kNow, kDay) == ValueChange::kAccepted);
  // A value logged "in the future" is never old enough; an empty value is a change too.
  CHECK(CheckValueChange(accepted, "alice,mallory", kNow + 10, kNow, kDay).code() ==
        ErrorCode::kTransparencyCooldownPending);
  CHECK(CheckValueChange(accepted, "", kNow - 60, kNow, kDay).code() ==
        ErrorCode::kTransparencyCooldownPending);
  CHECK(CheckValueChange(accepted, "alice,mallory", UINT64_MAX, kNow, kDay).code() ==
        ErrorCode::kTransparencyCooldownPending);
}
