#!/bin/bash
# run.sh - run one libFuzzer target of tests/fuzz/ the same way everywhere.
#
#   tests/fuzz/run.sh NAME seconds N    fuzz for N seconds (make test: 10)
#   tests/fuzz/run.sh NAME runs N       fuzz for N executions (make fuzz: 10^6)
#   tests/fuzz/run.sh NAME replay       only replay the seeds
#
# The target is build/fuzz/fuzz_NAME (make fuzz-build). It first replays
# every seed of tests/fuzz/corpus/NAME/ (read only: what a run learns goes
# to CORPUS, default build/fuzz/corpus/NAME, so the next run starts where
# this one stopped), then fuzzes with tests/fuzz/NAME.dict if there is one.
# A crashing, leaking or hanging input is saved in build/fuzz/crashes/ as
# NAME-crash-<sha1> (or -leak-, -timeout-, -oom-). Prints one closing line:
#   fuzz NAME: ok, 1234567 runs, 41152/s, cov 812, 32 seeds
# or "fuzz NAME: FAILED ..." with the end of libFuzzer's output; exit 0 or 1.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
name=${1:?usage: run.sh NAME seconds|runs|replay [N]}
mode=${2:-replay}
n=${3:-0}
bin=$ROOT/build/fuzz/fuzz_$name
seeds=$ROOT/tests/fuzz/corpus/$name
corpus=${CORPUS:-$ROOT/build/fuzz/corpus/$name}
crashes=$ROOT/build/fuzz/crashes
log=$(mktemp /tmp/gm-fuzz-$name.XXXXXX)
trap 'rm -f "$log"' EXIT

fail() { echo "fuzz $name: FAILED: $*"; tail -n 40 "$log" | sed 's/^/# /'; exit 1; }

[ -x "$bin" ] || fail "$bin is not built (make fuzz-build)"
mkdir -p "$corpus" "$crashes" "$seeds"
nseeds=$(find "$seeds" -type f | wc -l)
# -rss_limit_mb: the default 2 GB is more than two targets side by side may
# take on a small machine; -timeout: one input taking 10 s is a hang.
common=(-artifact_prefix="$crashes/$name-" -rss_limit_mb=1024 -timeout=10)
if [ "$nseeds" -gt 0 ]; then
	"$bin" "${common[@]}" -runs=0 "$seeds" >"$log" 2>&1 || fail "a seed breaks a rule"
fi
[ "$mode" = replay ] && { echo "fuzz $name: ok, $nseeds seeds replayed"; exit 0; }
dict=()
[ -f "$ROOT/tests/fuzz/$name.dict" ] && dict=(-dict="$ROOT/tests/fuzz/$name.dict")
case $mode in
seconds) limit=(-max_total_time="$n") ;;
runs) limit=(-runs="$n") ;;
*) fail "mode must be seconds, runs or replay" ;;
esac
"$bin" "${common[@]}" "${limit[@]}" "${dict[@]}" -print_final_stats=1 \
	"$corpus" "$seeds" >"$log" 2>&1 || fail "an input crashed, leaked or broke a rule"
runs=$(awk '/^stat::number_of_executed_units:/ { print $2 }' "$log")
rate=$(awk '/^stat::average_exec_per_sec:/ { print $2 }' "$log")
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{ print $2 }')
echo "fuzz $name: ok, $runs runs, $rate/s, cov ${cov:-0}, $nseeds seeds"
