#!/bin/bash
# run.sh - run every test and print one closing line "N passed, N failed".
#
#   tests/run.sh SAN_BUILD RELEASE_BUILD
# Unit tests (cmocka) run from the sanitizer build; integration tests run the
# sanitizer build's programs too, up to JOBS at a time (they mostly wait on
# real clocks, each on its own ports and files); the valgrind test runs the
# release build (valgrind cannot run sanitized binaries).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
abs() { case $1 in /*) echo "$1" ;; *) echo "$ROOT/$1" ;; esac; }
SAN=$(abs "${1:-build/san}")
REL=$(abs "${2:-build/release}")
JOBS=${JOBS:-4}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
passed=0
failed=0
OUT=$(mktemp -d /tmp/gm-run.XXXXXX)

tally() { # name log rc ok-pattern fail-pattern
	local p f
	p=$(grep -c "$4" "$2")
	f=$(grep "$5" "$2" | sort -u | wc -l)
	if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed, or a sanitizer report
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then echo "FAIL $1"; cat "$2"; else echo "ok   $1 ($p)"; fi
}

run_one() { # script
	local name bin start
	name=$(basename "$1" .sh)
	case "$name" in *valgrind*) bin=$REL/bin ;; *) bin=$SAN/bin ;; esac
	start=$(date +%s)
	BIN=$bin ROOT=$ROOT bash "$1" >"$OUT/$name.log" 2>&1
	echo "$? $(( $(date +%s) - start ))" >"$OUT/$name.rc"
}
# The longest first (the demo, the outage, the chain), so the others fit in
# beside them; they mostly wait on clocks, so the unit tests run beside them
# too.
tests=$(ls "$ROOT"/tests/integration/*.sh | sort)
for t in $(echo "$tests" | grep -E '/(52-outage|10-chain|30-demo)'); do run_one "$t" & done

for t in "$SAN"/tests/test_*; do
	[ -x "$t" ] || continue
	"$t" >"$OUT/unit.log" 2>&1
	rc=$?
	# cmocka prints "[       OK ] name" per test passed, and "[  FAILED  ] name"
	# for a failure (twice: as it happens, and in the summary).
	tally "$(basename "$t")" "$OUT/unit.log" "$rc" '^\[       OK \]' '^\[  FAILED  \] [a-z]'
done

# Then the next longest (about a minute or more each), so that none of them
# starts last and runs on alone while the rest are done; then the others.
NEXT='/(90-valgrind|70-fuzz|73-collector-disk-full|84-gateway-alert|44-agent-hostile-modbus|72-collector-poison|83-dashboard-notify)'
for t in $(echo "$tests" | grep -E "$NEXT") $(echo "$tests" | grep -vE "/(52-outage|10-chain|30-demo)|$NEXT"); do
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do sleep 0.2; done
	run_one "$t" &
done
wait
for t in $tests; do
	name=$(basename "$t" .sh)
	read -r rc secs <"$OUT/$name.rc"
	tally "$name, ${secs}s" "$OUT/$name.log" "$rc" '^ok - ' '^not ok - '
done
rm -rf "$OUT"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
