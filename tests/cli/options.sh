#!/usr/bin/env bash
# The command line: --help/--version, usage errors, the man page covering every
# option, exit codes for output failures, stdin and '-'.
# Usage: options.sh HALYZE JGET SOURCE_DIR
set -u
hz=$1 jget=$2 src=$3
pass=0 fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
sample="$src/testdata/sample/haproxy-2.6-raw.log"

"$hz" --help > "$W/help" 2> "$W/err"; [ $? = 0 ] && ok || bad "--help exit status"
[ -s "$W/help" ] && [ ! -s "$W/err" ] && ok || bad "--help goes to stdout only"
# every long option of --help is documented in the man page
for o in $(grep -oE -- '--[a-z][a-z0-9-]+' "$W/help" | sort -u); do
  esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
  if grep -q -- "$esc" "$src/man/halyze.1"; then ok; else bad "option $o missing from man/halyze.1"; fi
done
[ "$(grep -oE -- '--[a-z][a-z0-9-]+' "$W/help" | sort -u | wc -l)" -ge 10 ] && ok || bad "--help lists too few options"

"$hz" --version > "$W/ver"; [ $? = 0 ] && ok || bad "--version exit status"
for lib in '^halyze [0-9]' '^PCRE2 [0-9]' '^Jansson [0-9]' '^zlib [0-9]'; do
  grep -q "$lib" "$W/ver" && ok || bad "--version lacks $lib"
done

# usage errors: exit 2, nothing on stdout, one line plus a pointer to --help
for args in "--no-such-option" "--max-line" "--max-line 12" "--samples x" "--top 0"; do
  # shellcheck disable=SC2086
  "$hz" $args "$sample" > "$W/out" 2> "$W/err"; st=$?
  [ $st = 2 ] && ok || bad "'$args': exit $st, expected 2"
  [ ! -s "$W/out" ] && ok || bad "'$args': wrote to stdout"
  [ "$(wc -l < "$W/err")" = 2 ] && grep -q -- "--help" "$W/err" && ok || bad "'$args': stderr is not one line + pointer: $(cat "$W/err")"
done

# stdin: no argument, '-', and gzip on stdin
"$hz" --json < "$sample" > "$W/a.json"; [ "$("$jget" "$W/a.json" input lines)" = 55 ] && ok || bad "stdin without arguments"
"$hz" --json - < "$sample" > "$W/b.json"; [ "$("$jget" "$W/b.json" input files 0 path)" = "-" ] && ok || bad "stdin as -"
gzip -c "$sample" | "$hz" --json > "$W/c.json"
[ "$("$jget" "$W/c.json" input lines)" = 55 ] && [ "$("$jget" "$W/c.json" input files 0 compressed)" = true ] && ok || bad "gzip on stdin"

# output errors: a full disk, a missing directory -> exit 4 with a message
"$hz" "$sample" > /dev/full 2> "$W/err"; st=$?
[ $st = 4 ] && grep -q "write error" "$W/err" && ok || bad "/dev/full: exit $st: $(cat "$W/err")"
"$hz" --json "$sample" > /dev/full 2> "$W/err"; st=$?
[ $st = 4 ] && ok || bad "--json to /dev/full: exit $st"
"$hz" -o "$W/missing/dir/out.json" --json "$sample" 2> "$W/err"; st=$?
[ $st = 4 ] && grep -q "missing/dir" "$W/err" && ok || bad "-o into a missing directory: exit $st"
# -o replaces atomically and leaves no temporary file behind
echo old > "$W/o.json"
"$hz" -o "$W/o.json" --json "$sample"; st=$?
[ $st = 0 ] && [ "$("$jget" "$W/o.json" input lines)" = 55 ] && ok || bad "-o FILE"
[ "$(ls "$W" | grep -c 'o.json.tmp')" = 0 ] && ok || bad "-o left a temporary file"

# -o onto a device writes in place: /dev/null stays a character device
"$hz" -o /dev/null --json "$sample"; st=$?
[ $st = 0 ] && [ -c /dev/null ] && ok || bad "-o /dev/null: exit $st, /dev/null $(stat -c %F /dev/null)"
"$hz" -o /dev/full --json "$sample" 2> "$W/err"; st=$?
[ $st = 4 ] && [ -c /dev/full ] && ok || bad "-o /dev/full: exit $st"

# --strict: unparsed lines -> 3; a clean input -> 0
"$hz" --strict "$sample" > /dev/null 2>&1; st=$?
[ $st = 3 ] && ok || bad "--strict with unparsed lines: exit $st"
grep 'fe_sslerr/strictbind: SSL handshake failure' "$sample" > "$W/clean.log"
"$hz" --strict "$W/clean.log" > /dev/null 2>&1; st=$?
[ $st = 0 ] && ok || bad "--strict on a clean input: exit $st"

# the text summary shows the accounting
"$hz" "$sample" > "$W/text" 2>&1
grep -q "Lines read: 55" "$W/text" && ok || bad "text summary lacks the line count"

echo "options: $pass passed, $fail failed"
[ $fail = 0 ]
