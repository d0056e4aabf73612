#!/bin/sh
# run.sh - run every test and print one closing line "N passed, N failed".
#
#   tests/run.sh SAN_BUILD RELEASE_BUILD
# Unit tests (cmocka) run from the sanitizer build; integration tests run the
# sanitizer build's programs too; the valgrind test runs the release build
# (valgrind cannot run sanitized binaries).
set -u
SAN=${1:-build/san}
REL=${2:-build/release}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
passed=0
failed=0
LOG=$(mktemp /tmp/gm-run.XXXXXX)

for t in "$SAN"/tests/test_*; do
	[ -x "$t" ] || continue
	"$t" >"$LOG" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$LOG" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$LOG" | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed or sanitizer report
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then echo "FAIL $(basename "$t")"; cat "$LOG"; else echo "ok   $(basename "$t") ($p)"; fi
done

for t in "$ROOT"/tests/integration/*.sh; do
	name=$(basename "$t" .sh)
	case "$name" in
	*valgrind*) bin="$REL/bin" ;;
	*) bin="$SAN/bin" ;;
	esac
	start=$(date +%s)
	BIN="$ROOT/$bin" ROOT="$ROOT" bash "$t" >"$LOG" 2>&1
	rc=$?
	p=$(grep -c '^ok - ' "$LOG")
	f=$(grep -c '^not ok - ' "$LOG")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	passed=$((passed + p))
	failed=$((failed + f))
	secs=$(( $(date +%s) - start ))
	if [ "$f" -ne 0 ]; then echo "FAIL $name (${secs}s)"; cat "$LOG"; else echo "ok   $name ($p checks, ${secs}s)"; fi
done
rm -f "$LOG"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
