# Sourced by the CLI tests: the pass/fail counts and the checks that keep them.
pass=0 fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
check() { # what expected actual
  if [ "$2" = "$3" ]; then ok; else bad "$1: expected '$2', got '$3'"; fi
}
# prints the counts; the status is the test's
finish() { # name
  echo "$1: $pass passed, $fail failed"
  [ "$fail" = 0 ]
}
