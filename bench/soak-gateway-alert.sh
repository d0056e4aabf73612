#!/bin/bash
# soak-gateway-alert.sh - the gateway-down case (tests/integration/84) run
# again and again from a fresh start, with the LINE endpoint down for
# LINE_OUTAGE seconds (500 and no answer by turns) each time: it must pass
# every run (never a missed, doubled or lost alert).
#
#   bench/soak-gateway-alert.sh [RUNS] [BIN]     (10, build/release/bin)
# Prints one line per run and writes them to bench/results/.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-10}
BIN=${2:-$ROOT/build/release/bin}
export LINE_OUTAGE=${LINE_OUTAGE:-120}
OUT=$ROOT/bench/results/gateway-alert-soak-$(date +%Y-%m-%dT%H%M).txt
pass=0
{
	echo "# $RUNS runs of tests/integration/84-gateway-alert.sh, LINE down ${LINE_OUTAGE} s each"
	echo "# $(uname -sr), $(nproc) cores, $(git -C "$ROOT" rev-parse --short HEAD)"
} | tee "$OUT"
for i in $(seq 1 "$RUNS"); do
	start=$(date +%s)
	log=$(mktemp /tmp/gm-soak.XXXXXX)
	BIN=$BIN ROOT=$ROOT bash "$ROOT/tests/integration/84-gateway-alert.sh" >"$log" 2>&1
	rc=$?
	oks=$(grep -c '^ok - ' "$log")
	bad=$(grep -c '^not ok - ' "$log")
	[ "$rc" -eq 0 ] && [ "$bad" -eq 0 ] && pass=$((pass + 1))
	printf 'run %2d: %s, %d checks passed, %d failed, %d s\n' "$i" \
		"$([ "$rc" -eq 0 ] && [ "$bad" -eq 0 ] && echo pass || echo FAIL)" "$oks" "$bad" \
		$(($(date +%s) - start)) | tee -a "$OUT"
	[ "$bad" -eq 0 ] && rm -f "$log" || grep '^not ok' "$log" | sed 's/^/    /' | tee -a "$OUT"
done
echo "$pass of $RUNS passed" | tee -a "$OUT"
[ "$pass" -eq "$RUNS" ]
