# Tiny assertion helpers for the shell tests: each check prints
# "ok - name" or "not ok - name" with the reason; tests/run.sh counts them.
GILVIZ=${GILVIZ:-./gilviz}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# expect_exit NAME CODE CMD...: the command exits with CODE
expect_exit() {
    name=$1 want=$2; shift 2
    "$@" >"$TMP/out" 2>"$TMP/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok "$name"; else
        not_ok "$name" "expected exit $want, got $got" "$(head -c 600 "$TMP/err")"; fi
}

# expect_grep NAME PATTERN FILE: FILE contains PATTERN (fixed string)
expect_grep() {
    if grep -qF -- "$2" "$3"; then ok "$1"; else
        not_ok "$1" "'$2' not found in:" "$(head -c 600 "$3")"; fi
}
