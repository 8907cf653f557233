// verity-host: the native-messaging host. All logic lives in the modules (protocol/host_cli.h);
// `--list-reasons[=markdown]` prints the verdict reasons table (policy/reasons.def, docs/protocol.md).
#include <cstdio>
#include <string_view>

#include "policy/reason.h"
#include "protocol/host_cli.h"

int main(int argc, char** argv) {
  if (argc == 2 && (std::string_view(argv[1]) == "--list-reasons" ||
                    std::string_view(argv[1]) == "--list-reasons=markdown")) {
    std::string_view arg(argv[1]);
    std::fputs(verity::policy::FormatReasonList(arg.ends_with("markdown") ? "markdown" : "").c_str(), stdout);
    return 0;
  }
  return verity::protocol::HostMain(argc, argv);
}
