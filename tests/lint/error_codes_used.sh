#!/usr/bin/env bash
# Every error code in native_host/src/core/errors/*.def is produced somewhere in native_host/src
# (ErrorCode::kX outside the tables), unless its summary says "reserved, not produced"; and a code
# marked reserved is really not produced (else the mark is stale). Issue #11 item 3.
set -uo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
bad=0 n=0
while IFS= read -r line; do
  sym=$(sed -E 's/^VERITY_ERROR\((k[A-Za-z0-9]+),.*/\1/' <<<"$line")
  [ "$sym" = kSymbol ] && continue
  n=$((n + 1))
  if grep -rqE "ErrorCode::$sym\b" "$root/native_host/src" --include='*.cc' --include='*.h'; then used=1; else used=0; fi
  if grep -q '"reserved, not produced' <<<"$line"; then
    [ $used = 1 ] && { echo "error_codes_used: $sym is marked reserved but is produced"; bad=1; }
  else
    [ $used = 0 ] && { echo "error_codes_used: $sym is produced nowhere (mark it reserved or remove it)"; bad=1; }
  fi
done < <(grep -h '^VERITY_ERROR(k' "$root"/native_host/src/core/errors/*.def)
echo "error_codes_used: $n codes checked"
exit $bad
