#!/usr/bin/env bash
# Each third-party library behind one module (design §2): fails if a third-party header is included
# outside the module that owns the library (CTest lint.third_party_includes).
#   sqlite3.h -> store/   simdjson.h -> json/   sodium.h, openssl/* -> crypto/   unbound.h -> dns/
#   curl/* -> net/        openssl/ssl.h (libssl: TLS connections) -> net/
# Scans every tracked C/C++ file (native_host/, tests/); a test of the owning module
# (tests/unit/<module>/) may include its library too.
#   bash tests/lint/third_party_includes.sh [ROOT]
set -uo pipefail
cd "${1:-$(dirname "$0")/../..}" || exit 1

owner() {  # owner HEADER -> the module(s) allowed to include it
  case $1 in
    sqlite3.h) echo store ;;
    simdjson.h) echo json ;;
    sodium.h) echo crypto ;;
    unbound.h) echo dns ;;
    curl/*) echo net ;;
    openssl/ssl.h) echo "net crypto" ;;
    openssl/*) echo crypto ;;
  esac
}

bad=0 seen=0
while IFS=: read -r file line text; do
  header=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]+)[>"].*/\1/' <<<"$text")
  allowed=$(owner "$header")
  [ -n "$allowed" ] || continue
  seen=$((seen + 1))
  ok=0
  for m in $allowed; do
    case $file in native_host/src/$m/* | tests/unit/$m/*) ok=1 ;; esac
  done
  if [ $ok = 0 ]; then
    echo "$file:$line: includes <$header>, which only $allowed may include"
    bad=$((bad + 1))
  fi
done < <(git ls-files -z -- '*.cc' '*.h' '*.c' '*.cpp' | xargs -0 grep -n -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](sqlite3\.h|simdjson\.h|sodium\.h|unbound\.h|curl/|openssl/)' /dev/null)
echo "third-party includes: $seen checked, $bad outside their module"
[ $seen -gt 0 ] && [ $bad = 0 ]
