#!/usr/bin/env python3
"""Adds Verity to, or removes it from, a Firefox enterprise policies.json, keeping every other policy.

    firefox-policy.py add FILE XPI_URL [--signed]   print the new JSON (the caller writes it)
    firefox-policy.py remove FILE                   print the new JSON, or nothing: delete FILE

add: ExtensionSettings["verity@verity-project"] = {installation_mode: force_installed,
install_url: XPI_URL}. The XPI Verity builds is unsigned, and Firefox ESR installs an unsigned
add-on only with xpinstall.signatures.required = false, a switch for every add-on; so unless
--signed is given (an XPI signed by addons.mozilla.org, docs/install.md "Release Firefox") the
Preferences entry is added too, locked. remove: drops both entries (and empty containers).
Used by scripts/install.sh (--firefox-policy) and the Debian package's postinst/postrm.
Exit 1 with a message if FILE exists but is not a JSON object with a "policies" object.
"""
import json
import os
import sys

GECKO = "verity@verity-project"
PREF = "xpinstall.signatures.required"


def main(argv):
    if len(argv) < 2 or argv[0] not in ("add", "remove") or (argv[0] == "add" and len(argv) < 3):
        sys.exit(__doc__)
    op, path = argv[0], argv[1]
    doc = {}
    if os.path.exists(path):
        try:
            doc = json.load(open(path, encoding="utf-8"))
        except ValueError as e:
            sys.exit(f"firefox-policy: {path} is not valid JSON ({e}); fix or remove it first")
    if not isinstance(doc, dict) or not isinstance(doc.setdefault("policies", {}), dict):
        sys.exit(f"firefox-policy: {path} has no 'policies' object")
    pol = doc["policies"]
    if op == "add":
        pol.setdefault("ExtensionSettings", {})[GECKO] = {
            "installation_mode": "force_installed", "install_url": argv[2]}
        if "--signed" in argv[3:]:
            pr = pol.get("Preferences")
            if isinstance(pr, dict):
                pr.pop(PREF, None)
                if not pr:
                    pol.pop("Preferences")
        else:
            pol.setdefault("Preferences", {})[PREF] = {"Value": False, "Status": "locked"}
    else:
        es = pol.get("ExtensionSettings")
        if isinstance(es, dict):
            es.pop(GECKO, None)
            if not es:
                pol.pop("ExtensionSettings")
        pr = pol.get("Preferences")
        if isinstance(pr, dict):
            pr.pop(PREF, None)
            if not pr:
                pol.pop("Preferences")
        if not pol and len(doc) == 1:
            return  # nothing left: the caller deletes the file
    print(json.dumps(doc, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
