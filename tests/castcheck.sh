#!/bin/sh
# castcheck FILE: check an asciicast v2 file line by line.  Exit 0 if it is
# valid, else 1 with the reason on stderr.
#   - the first line is a JSON object: version 2, positive integer width and
#     height, a numeric timestamp, a string title, env.TERM and env.SHELL;
#   - every other line is one JSON array [time, type, data]: time a number
#     >= 0 and never smaller than the one before, type "o", "r" or "m",
#     data a string ("COLSxROWS" for "r");
#   - the file ends with a newline (the last line is complete).
# Needs jq.
f=$1
[ -s "$f" ] || { echo "castcheck: $f is missing or empty" >&2; exit 1; }
if [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" != '\n' ]; then
    echo "castcheck: $f does not end with a newline" >&2; exit 1
fi
head -n 1 "$f" | jq -e '
    type == "object" and .version == 2
    and (.width | type == "number" and . >= 1 and floor == .)
    and (.height | type == "number" and . >= 1 and floor == .)
    and (.timestamp | type == "number")
    and (.title | type == "string")
    and (.env.TERM | type == "string") and (.env.SHELL | type == "string")' >/dev/null 2>&1 ||
    { echo "castcheck: $f: bad header: $(head -n 1 "$f" | head -c 300)" >&2; exit 1; }
# every line must parse on its own (fromjson fails on a broken line)
tail -n +2 "$f" | jq -e -R -s '
    split("\n") | .[:-1] | to_entries
    | map(.key as $k | (.value | fromjson) as $e
          | if ($e | type) != "array" or ($e | length) != 3 then error("line \($k + 2): not [time, type, data]")
            elif ($e[0] | type) != "number" or $e[0] < 0 then error("line \($k + 2): bad time")
            elif ($e[1] | IN("o", "r", "m")) | not then error("line \($k + 2): bad type \($e[1])")
            elif ($e[2] | type) != "string" then error("line \($k + 2): data is not a string")
            elif $e[1] == "r" and ($e[2] | test("^[0-9]+x[0-9]+$") | not) then error("line \($k + 2): bad size")
            else {line: ($k + 2), t: $e[0]} end)
    | reduce .[] as $e (-1; if $e.t < . then error("line \($e.line): time goes back") else $e.t end)
    | true' >/dev/null 2>"$f.castcheck.err" || {
    echo "castcheck: $f: $(cat "$f.castcheck.err")" >&2; rm -f "$f.castcheck.err"; exit 1; }
rm -f "$f.castcheck.err"
exit 0
