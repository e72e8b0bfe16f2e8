#!/bin/sh
# A stand-in for halyze, to exercise bench/run.sh before halyze can read logs:
# HALYZE=bench/standin-halyze.sh bench/run.sh. It drops every option and counts
# lines (gzip detected by its magic bytes), roughly an accounting pass.
f=
for a; do
	case $a in
	--version) echo "halyze stand-in (wc -l), not halyze"; exit 0 ;;
	-*) ;;
	*) f=$a ;;
	esac
done
[ -n "$f" ] || { echo "standin-halyze.sh: no file" >&2; exit 2; }
if [ "$(head -c2 "$f" | od -An -tx1 | tr -d ' \n')" = 1f8b ]; then
	gzip -dc "$f" | wc -l
else
	wc -l <"$f"
fi
