#!/usr/bin/env bash
# Lint stage (scripts/test.sh): C++ format, shell scripts, the extension's JavaScript.
#   bash tests/lint/run.sh          every check; exits non-zero if any fails
# Needs clang-format and shellcheck (scripts/deps.sh) and npm (the ESLint version is pinned by
# tests/lint/package-lock.json, installed here with npm ci).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
fail=0
check() {  # check NAME CMD...
  local name=$1; shift
  if "$@"; then echo "lint $name: ok"; else echo "lint $name: FAILED"; fail=1; fi
}

cxx_format() {
  git ls-files -z '*.cc' '*.h' | xargs -0 clang-format --dry-run -Werror
}
shell_scripts() {
  git ls-files -z '*.sh' | xargs -0 shellcheck -S warning
}
js_lint() {
  if [ ! -x tests/lint/node_modules/.bin/eslint ]; then
    (cd tests/lint && npm ci --no-audit --no-fund --silent) || return 1
  fi
  tests/lint/node_modules/.bin/eslint --config tests/lint/eslint.config.js extension/src tests/extension-unit tests/lint
}
js_imports() { node tests/lint/check_imports.mjs .; }

check "clang-format (tracked C++)" cxx_format
check "shellcheck -S warning" shell_scripts
check "eslint (extension, extension-unit)" js_lint
check "circular imports (extension)" js_imports
exit $fail
