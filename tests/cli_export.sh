# gilviz export: Chrome Trace Event Format files that jq parses, written
# through a temporary file, with exit 73 when the file cannot be created.
. tests/lib.sh

for f in scenes/*.scene; do
    name=$(basename "$f" .scene)
    out="$TMP/$name.json"
    expect_exit "export $name exits 0" 0 "$GILVIZ" export "$name" -o "$out"
    if jq -e '.traceEvents | length > 0' "$out" >/dev/null 2>&1; then ok "export $name: jq parses it"; else
        not_ok "export $name: jq parses it" "$(head -c 300 "$out")"; fi
done

# slices, instants, counters and flows are all there for an asyncio scene
out="$TMP/cb.json"
"$GILVIZ" export callbacks -o "$out" 2>/dev/null
for ph in X i C s f M; do
    if jq -e --arg ph "$ph" '[.traceEvents[] | select(.ph == $ph)] | length > 0' "$out" >/dev/null 2>&1; then
        ok "export callbacks has \"$ph\" events"; else not_ok "export callbacks has \"$ph\" events"; fi
done
if jq -e '[.traceEvents[] | select(.ph == "X") | .ts | tostring | test("^[0-9]+(\\.[0-9]{1,3})?$")] | all' "$out" >/dev/null 2>&1; then
    ok "export: times in microseconds with at most 3 decimals"; else not_ok "export: times in microseconds with at most 3 decimals"; fi

# the same run gives the same bytes
"$GILVIZ" export callbacks -o "$TMP/cb2.json" 2>/dev/null
if cmp -s "$out" "$TMP/cb2.json"; then ok "export is byte-identical across runs"; else not_ok "export is byte-identical across runs"; fi

# standard output
"$GILVIZ" export convoy -o - >"$TMP/stdout.json" 2>"$TMP/err"
if jq -e '.traceEvents' "$TMP/stdout.json" >/dev/null 2>&1; then ok "export -o - writes to standard output"; else
    not_ok "export -o - writes to standard output" "$(head -c 200 "$TMP/err")"; fi

# failures: usage, cannot create, output is a directory; nothing left behind
expect_exit "export without -o exits 64" 64 "$GILVIZ" export convoy
expect_exit "export -o without a file exits 64" 64 "$GILVIZ" export convoy -o
expect_exit "export into a missing directory exits 73" 73 "$GILVIZ" export convoy -o "$TMP/missing/x.json"
expect_grep "export into a missing directory names it" "$TMP/missing/x.json" "$TMP/err"
mkdir -p "$TMP/adir"
expect_exit "export onto a directory exits 73" 73 "$GILVIZ" export convoy -o "$TMP/adir"
if [ -z "$(ls "$TMP/adir")" ]; then ok "a failed export leaves no file behind"; else
    not_ok "a failed export leaves no file behind" "$(ls "$TMP/adir")"; fi

# an existing file is replaced whole, and no temporary file remains
echo "old content" > "$TMP/keep.json"
expect_exit "export over an existing file exits 0" 0 "$GILVIZ" export convoy -o "$TMP/keep.json"
if jq -e '.traceEvents' "$TMP/keep.json" >/dev/null 2>&1; then ok "export replaces the old file"; else not_ok "export replaces the old file"; fi
if ls "$TMP" | grep -q '\.tmp\.'; then not_ok "no temporary files remain" "$(ls "$TMP")"; else ok "no temporary files remain"; fi
if [ -c /dev/full ]; then
    expect_exit "export to /dev/full exits 74" 74 "$GILVIZ" export convoy -o /dev/full
fi

# A task's await of asyncio.sleep is named with its length.
"$GILVIZ" export blocking-the-loop -o "$TMP/sleep.json" >/dev/null 2>&1
expect_grep "export names an await of sleep with its length" '"name":"await asyncio.sleep 5 ms"' "$TMP/sleep.json"
