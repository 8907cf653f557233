#include "core/state.h"

#include <doctest/doctest.h>

#include <string>

using namespace verity;

namespace {

// Every value of kind E formats to a distinct non-empty name that parses back to it.
template <typename E>
size_t RoundTrips() {
  size_t n = 0;
  for (size_t i = 0; i < state_table::Info(E{}).entries.size(); ++i) {
    const E e = static_cast<E>(i);
    const std::string_view w = FormatState(e);
    CHECK_FALSE(w.empty());
    REQUIRE(ParseState<E>(w).has_value());
    CHECK(*ParseState<E>(w) == e);
    ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("states: each kind's names round-trip; the wire names are the documented ones") {
  CHECK(RoundTrips<ManifestState>() == 5);
  CHECK(RoundTrips<TransparencyState>() == 4);
  CHECK(RoundTrips<SiteSource>() == 5);
  CHECK(RoundTrips<PreloadStatus>() == 5);
  CHECK(FormatState(ManifestState::kIntegrityOnly) == "integrity_only");
  CHECK(FormatState(TransparencyState::kNotRequired) == "not_required");
  CHECK(FormatState(SiteSource::kRemembered) == "remembered");
  CHECK(FormatState(PreloadStatus::kNoKey) == "no_key");
  CHECK_FALSE(ParseState<ManifestState>("not_required").has_value());  // another kind's name
  CHECK_FALSE(ParseState<ManifestState>("Verified").has_value());
  CHECK_FALSE(ParseState<SiteSource>("").has_value());
}

TEST_CASE("states: an out-of-range value formats as the kind's fail-closed name") {
  CHECK(FormatState(static_cast<ManifestState>(200)) == "invalid");
  CHECK(FormatState(static_cast<TransparencyState>(200)) == "invalid");
  CHECK(FormatState(static_cast<PreloadStatus>(200)) == "invalid");
  CHECK(FormatState(static_cast<SiteSource>(200)) == "none");
}

TEST_CASE("states: a manifest that parsed takes its state from the transparency outcome") {
  CHECK(ManifestStateFor(TransparencyState::kNotRequired) == ManifestState::kIntegrityOnly);
  CHECK(ManifestStateFor(TransparencyState::kVerified) == ManifestState::kVerified);
  CHECK(ManifestStateFor(TransparencyState::kUnenrolled) == ManifestState::kUnenrolled);
  CHECK(ManifestStateFor(TransparencyState::kInvalid) == ManifestState::kInvalid);
}

TEST_CASE("states: --list-states prints one line per value, markdown with a header") {
  const std::string plain = FormatStateList("");
  CHECK(plain.starts_with("manifest.state\tnone\t"));
  CHECK(plain.find("\npreload.status\tstale\t") != std::string::npos);
  size_t lines = 0;
  for (char c : plain) lines += c == '\n';
  CHECK(lines == 19);
  const std::string md = FormatStateList("markdown");
  CHECK(md.starts_with("| kind | value | meaning |\n|---|---|---|\n| `manifest.state` | `none` | "));
}
