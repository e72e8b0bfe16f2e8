#!/usr/bin/env bash
# A rule's groups: exact counts when they outgrow the diagnosis' tally (more
# than 131 072 distinct groups, so the tally is added into the rule's map in
# the middle of the scan), at one thread and at two with small slices, and
# nothing lost under --max-keys. The figures are awk's, counted as it writes.
# Usage: groups.sh HALYZE JGET SOURCE_DIR [JDIFF]
set -u
hz=$1 jget=$2
. "$(dirname "$0")/lib/check.sh"
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT

F='%ci:%cp [%tr] %ft %b/%s %ST %B {%[ssl_fc_has_crt],%[ssl_fc_is_resumed]} %{+Q}r'

# 200 000 clients, one full handshake without a certificate each, and three
# heavy clients all along: every 40th, 97th and 500th line
awk -v out="$W/g.log" -v truth="$W/truth" 'function line(ip, i) {
    printf "%s:4000 [27/Nov/2026:10:%02d:%02d.000] fe_tls~ be/s1 200 10 {0,0} \"GET / HTTP/1.1\"\n", ip, int(i / 6000), int(i / 100) % 60 > out
    n++
  }
  BEGIN {
    for (i = 0; i < 200000; i++) {
      line(sprintf("10.%d.%d.%d", int(i / 65536), int(i / 256) % 256, i % 256), i)
      if (i % 40 == 0) { line("192.0.2.1", i); h1++ }
      if (i % 97 == 0) { line("192.0.2.2", i); h2++ }
      if (i % 500 == 0) { line("192.0.2.3", i); h3++ }
    }
    print n, 200003, h1, h2, h3 > truth
  }'
read -r n distinct h1 h2 h3 < "$W/truth"

for run in "-j1" "-j2 --slice-size 1M"; do
  # shellcheck disable=SC2086
  "$hz" $run --max-keys 0 --format "$F" -q --json -o "$W/a.json" "$W/g.log" || bad "$run: exit status $?"
  check "$run: hits" "$n" "$("$jget" "$W/a.json" findings 0 count)"
  check "$run: distinct groups" "$distinct" "$("$jget" "$W/a.json" findings 0 distinct_groups)"
  check "$run: heaviest" "fe_tls 192.0.2.1 $h1" "$("$jget" "$W/a.json" findings 0 groups 0 group) $("$jget" "$W/a.json" findings 0 groups 0 count)"
  check "$run: second" "fe_tls 192.0.2.2 $h2" "$("$jget" "$W/a.json" findings 0 groups 1 group) $("$jget" "$W/a.json" findings 0 groups 1 count)"
  check "$run: third" "fe_tls 192.0.2.3 $h3" "$("$jget" "$W/a.json" findings 0 groups 2 group) $("$jget" "$W/a.json" findings 0 groups 2 count)"
  check "$run: a light one" "1" "$("$jget" "$W/a.json" findings 0 groups 3 count)"
done

# the default cap (100 000 keys): the heavy ones exact, the rest folded,
# every hit in some group
"$hz" -j1 --format "$F" -q --partial "$W/p.json" -o /dev/null "$W/g.log" || bad "partial: exit status $?"
check "capped: 192.0.2.1" "$h1" "$("$jget" "$W/p.json" findings 0 all_groups "fe_tls 192.0.2.1")"
check "capped: 192.0.2.3" "$h3" "$("$jget" "$W/p.json" findings 0 all_groups "fe_tls 192.0.2.3")"
sum=$(python3 -c 'import json, sys; print(sum(json.load(open(sys.argv[1]))["findings"][0]["all_groups"].values()))' "$W/p.json")
check "capped: every hit in a group" "$n" "$sum"

finish groups
