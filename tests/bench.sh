#!/bin/sh
# bench.sh PROGRAM...: run every benchmark program BENCH_RUNS times (default
# 7), round-robin so that a noisy spell hits every program alike, and print
# one table of medians.
#
# Each program prints tab-separated rows (tests/bench.h):
#     BENCH  figure  value  unit  reference  ref_unit  target
# For every figure the table shows the median value, the median reference,
# the median of the per-run ratios value/reference (a ratio is only ever
# taken between two numbers of the same run), the target ("<=N" or ">=N" in
# the value's unit, "-" if none) and whether the median value meets it.
# Other lines are notes: those of the first round are printed under the
# table.  Exit status 1 if a program fails or prints no rows; a missed target
# is reported, not an error (the figures are too noisy on shared machines).
runs=${BENCH_RUNS:-7}
[ "$#" -gt 0 ] || { echo "usage: tests/bench.sh PROGRAM..." >&2; exit 64; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "bench: $runs rounds of $# programs" >&2
r=1
while [ "$r" -le "$runs" ]; do
    [ -t 2 ] && printf 'bench: round %d of %d\r' "$r" "$runs" >&2
    for prog in "$@"; do
        if ! "$prog" >"$tmp/out" 2>"$tmp/err"; then
            echo >&2
            echo "bench: $prog failed in round $r:" >&2
            cat "$tmp/err" "$tmp/out" >&2
            exit 1
        fi
        grep '^BENCH	' "$tmp/out" | sed "s/^BENCH	/$r	/" >>"$tmp/rows"
        [ "$r" -eq 1 ] && grep -v '^BENCH	' "$tmp/out" >>"$tmp/notes"
    done
    r=$((r + 1))
done
[ -t 2 ] && echo >&2
[ -s "$tmp/rows" ] || { echo "bench: no BENCH rows" >&2; exit 1; }

awk -F '\t' -v runs="$runs" '
function fmt(x,   a) {
    a = x < 0 ? -x : x
    if (a >= 1000) return sprintf("%.0f", x)
    if (a >= 100) return sprintf("%.1f", x)
    if (a >= 10) return sprintf("%.2f", x)
    return sprintf("%.3f", x)
}
# median of the n numbers in arr[1..n] (sorts them)
function median(arr, n,   i, j, t) {
    for (i = 2; i <= n; i++) {
        t = arr[i]
        for (j = i - 1; j >= 1 && arr[j] > t; j--) arr[j + 1] = arr[j]
        arr[j + 1] = t
    }
    return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
}
function pick(kind, f, n,   i, a) {
    for (i = 1; i <= n; i++) a[i] = data[kind, f, i]
    return median(a, n)
}
{
    f = $2
    if (!(f in seen)) { seen[f] = 1; order[++nf] = f }
    k = ++cnt[f]
    data["v", f, k] = $3 + 0
    unit[f] = $4
    hasref[f] = $5 != "-"
    if (hasref[f]) {
        data["r", f, k] = $5 + 0
        data["q", f, k] = ($5 + 0) != 0 ? ($3 + 0) / ($5 + 0) : 0
        refunit[f] = $6
    }
    target[f] = $7
}
END {
    w = length("figure")
    for (i = 1; i <= nf; i++) if (length(order[i]) > w) w = length(order[i])
    fmtline = "%-" w "s  %14s  %18s  %7s  %10s  %s\n"
    printf "gilviz benchmarks: median of %d runs (ratio = value / reference, both from the same run)\n\n", runs
    printf fmtline, "figure", "value", "reference", "ratio", "target", "verdict"
    sep = ""
    for (i = 0; i < w + 62; i++) sep = sep "-"
    print sep
    met = 0; missed = 0
    for (i = 1; i <= nf; i++) {
        f = order[i]; n = cnt[f]
        v = pick("v", f, n)
        vs = fmt(v) " " unit[f]
        rs = "-"; qs = "-"
        if (hasref[f]) {
            rs = fmt(pick("r", f, n)) " " refunit[f]
            qs = fmt(pick("q", f, n)) "x"
        }
        t = target[f]; ts = "-"; verdict = "-"
        if (t ~ /^(<=|>=)[0-9.]+$/) {
            lim = substr(t, 3) + 0
            ts = substr(t, 1, 2) " " substr(t, 3) " " unit[f]
            ok = substr(t, 1, 2) == "<=" ? v <= lim : v >= lim
            if (ok) { verdict = "met"; met++ } else { verdict = "MISSED"; missed++ }
        }
        if (n != runs) verdict = verdict " (" n " runs)"
        printf fmtline, f, vs, rs, qs, ts, verdict
    }
    print sep
    printf "%d targets met, %d missed\n", met, missed
}' "$tmp/rows"

if [ -s "$tmp/notes" ]; then
    echo
    echo "notes (first round):"
    sed 's/^# */  /' "$tmp/notes"
fi
exit 0
