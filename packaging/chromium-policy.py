#!/usr/bin/env python3
"""The two files of a Chromium-family policy install (Chrome Enterprise policy ExtensionSettings).

    chromium-policy.py policy ID UPDATE_URL          the managed policy JSON (verity.json)
    chromium-policy.py updates ID VERSION CRX_URL     the update manifest (updates.xml)
    chromium-policy.py dirs                           the managed-policy folders, one a line

Example policy, /etc/chromium/policies/managed/verity.json:
    {"ExtensionSettings": {"<ID>": {"installation_mode": "force_installed",
                                     "update_url": "file:///usr/share/verity-extension/updates.xml"}}}
The browser reads the update manifest (Omaha "gupdate" XML, protocol 2.0) at UPDATE_URL and installs
the CRX its <updatecheck codebase> names. Used by packaging/build-deb.sh and scripts/install.sh.
"""
import json
import re
import sys
from xml.sax.saxutils import quoteattr

# Where Chromium, Google Chrome, Microsoft Edge and Brave read mandatory policies on Linux (the
# file name is ours: verity.json). The package and scripts/install.sh --system both use this list.
MANAGED_DIRS = [
    "/etc/chromium/policies/managed",
    "/etc/opt/chrome/policies/managed",
    "/etc/opt/edge/policies/managed",
    "/etc/brave/policies/managed",
]


def main(argv):
    if argv == ["dirs"]:
        print("\n".join(MANAGED_DIRS))
        return
    if len(argv) >= 3 and argv[0] == "policy":
        ext_id, url = argv[1], argv[2]
        doc = {"ExtensionSettings": {ext_id: {"installation_mode": "force_installed", "update_url": url}}}
        print(json.dumps(doc, indent=2))
    elif len(argv) >= 4 and argv[0] == "updates":
        ext_id, version, crx = argv[1], argv[2], argv[3]
        print("<?xml version='1.0' encoding='UTF-8'?>")
        print("<gupdate xmlns='http://www.google.com/update2/response' protocol='2.0'>")
        print(f"  <app appid={quoteattr(ext_id)}>")
        print(f"    <updatecheck codebase={quoteattr(crx)} version={quoteattr(version)} />")
        print("  </app>")
        print("</gupdate>")
    else:
        sys.exit(__doc__)
    if not re.fullmatch(r"[a-p]{32}", argv[1]):
        sys.exit(f"chromium-policy: {argv[1]!r} is not an extension ID")


if __name__ == "__main__":
    main(sys.argv[1:])
