#!/bin/bash
# 70-fuzz: a short run of the libFuzzer target tests/fuzz/fuzz_message.c over
# what the network can send gm-collector (an MQTT topic and a payload): the
# seed corpus replays with every rule kept, then FUZZ_TEST_SECONDS (25) of
# coverage-guided fuzzing under ASan, UBSan and leak detection finds no
# crash, leak or broken rule. `make fuzz` runs it for longer; see
# docs/testing.md. A failing input is saved in build/fuzz/crashes/.
BIN=${BIN:-unused}   # the programs are not needed here
. "$(dirname "$0")/../lib.sh"

SECONDS_FUZZ=${FUZZ_TEST_SECONDS:-25}
FUZZ=$ROOT/build/fuzz/fuzz_message
SEEDS=$ROOT/tests/fuzz/corpus
CRASHES=$ROOT/build/fuzz/crashes/
mkdir -p "$T/corpus" "$CRASHES"

# Show the end of a log, as comments, when a check fails.
show() { tail -n 40 "$1" | sed 's/^/# /'; }

if make -C "$ROOT" --no-print-directory fuzz-build >"$T/build.log" 2>&1; then
	ok "the fuzz target builds with clang (-fsanitize=fuzzer,address,undefined)"
else
	not_ok "the fuzz target builds with clang (-fsanitize=fuzzer,address,undefined)"
	show "$T/build.log"
	done_testing
fi

check "the seed corpus has valid and invalid messages" \
	test "$(ls "$SEEDS" | grep -c '^good-')" -ge 5 -a "$(ls "$SEEDS" | grep -c '^bad-')" -ge 5
if "$FUZZ" -artifact_prefix="$CRASHES" "$SEEDS"/* >"$T/replay.log" 2>&1; then
	ok "every seed ($(ls "$SEEDS" | wc -l), regression seeds included) keeps every rule"
else
	not_ok "every seed keeps every rule"
	show "$T/replay.log"
fi

# New inputs go to $T/corpus; the seeds are only read.
if "$FUZZ" -max_total_time="$SECONDS_FUZZ" -print_final_stats=1 \
	-dict="$ROOT/tests/fuzz/message.dict" -artifact_prefix="$CRASHES" \
	"$T/corpus" "$SEEDS" >"$T/fuzz.log" 2>&1; then
	runs=$(awk '/^stat::number_of_executed_units:/ { print $2 }' "$T/fuzz.log")
	rate=$(awk '/^stat::average_exec_per_sec:/ { print $2 }' "$T/fuzz.log")
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$T/fuzz.log" | tail -1)
	ok "${SECONDS_FUZZ}s of fuzzing: no crash, leak or broken rule ($runs runs, $rate/s, $cov)"
else
	not_ok "${SECONDS_FUZZ}s of fuzzing: no crash, leak or broken rule"
	show "$T/fuzz.log"
fi
done_testing
