// verity-host: the native-messaging host. All logic lives in the modules (protocol/host_cli.h);
// `--list-reasons[=markdown]` prints the verdict reasons table (policy/reasons.def, docs/protocol.md),
// `--list-states[=markdown]` the state vocabularies (core/states.def, docs/protocol.md).
#include <cstdio>
#include <string_view>

#include "core/state.h"
#include "policy/reason.h"
#include "protocol/host_cli.h"

int main(int argc, char** argv) {
  const std::string_view arg = argc == 2 ? argv[1] : "";
  const std::string_view style = arg.ends_with("=markdown") ? "markdown" : "";
  if (arg == "--list-reasons" || arg == "--list-reasons=markdown") {
    std::fputs(verity::policy::FormatReasonList(style).c_str(), stdout);
    return 0;
  }
  if (arg == "--list-states" || arg == "--list-states=markdown") {
    std::fputs(verity::FormatStateList(style).c_str(), stdout);
    return 0;
  }
  return verity::protocol::HostMain(argc, argv);
}
