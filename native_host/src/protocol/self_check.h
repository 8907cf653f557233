// verity-host --self-check: a human-readable health check for operators and the installer.
//
//   config   ok (/home/u/.config/verity/config.json)
//   database ok (/home/u/.local/share/verity/verity.db)
//   verdict  ok (known answers: match -> allow, tampered -> block, unlisted -> block)
//   browser  Chromium               host manifest ok
//   (/etc/chromium/native-messaging-hosts/org.verity.host.json) browser  Chromium               extension ok
//   (installed by policy /etc/chromium/policies/managed/verity.json) self-check passed
//
// It opens the configured config file and database (creating the database if needed), then runs a
// fixed enrolled-site scenario through the real dispatcher on a throw-away in-memory engine and
// compares each verdict with its known answer. Exit status 0 only if all three pass. Last, for
// every supported browser found (install/browsers.h), it reports whether the host manifest (user
// or system folder) names this executable and whether the extension is installed (policy or
// profile); those lines are warnings, they do not change the exit status.
#pragma once

#include <cstdio>

#include "policy/engine.h"

namespace verity::protocol {

int RunSelfCheck(const policy::EngineOptions& options, std::FILE* out);

}  // namespace verity::protocol
