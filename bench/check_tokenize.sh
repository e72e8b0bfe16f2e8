#!/bin/sh
# The straight-line pass against the backtracking matcher (tokenize_speed
# --check) on every log under testdata/ and the captured HAProxy lines, with
# the predefined formats and those of the sample configs. Prints one line per
# pair and a total; exits 1 on any difference.
#   bench/check_tokenize.sh BUILD/bench/tokenize_speed
set -eu
ts=$1
top=$(cd "$(dirname "$0")/.." && pwd)
ref=${HZ_REFERENCE:-$top/../shared/reference}/haproxy-2.6-captured-lines.txt
fmts=$(mktemp)
trap 'rm -f "$fmts"' EXIT
for n in httplog httplog-legacy httplog-clf tcplog tcplog-clf httpslog; do
	echo "$n" >>"$fmts"
done
cat "$top/bench/ssl.format" >>"$fmts"
# the quoted argument of each log-format and error-log-format line
sed -n 's/^[[:space:]]*\(error-\)\{0,1\}log-format[[:space:]]*"\(.*\)"[[:space:]]*$/\2/p' \
	"$top"/testdata/sample/configs/*.cfg >>"$fmts"
files=$(find "$top/testdata" -name '*.log' | sort)
[ -f "$ref" ] && files="$files $ref"
bad=0 pairs=0
for f in $files; do
	while IFS= read -r fmt; do
		pairs=$((pairs + 1))
		out=$("$ts" --check "$f" "$fmt" 2>&1) || bad=$((bad + 1))
		printf '%s | %.40s | %s\n' "${f#"$top"/}" "$fmt" "$out"
	done <"$fmts"
done
echo "$pairs pairs, $bad with differences"
[ "$bad" -eq 0 ]
