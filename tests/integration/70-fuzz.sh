#!/bin/bash
# 70-fuzz: every libFuzzer target of tests/fuzz/ (one per input that crosses
# a trust boundary; docs/testing.md lists them) builds with clang under ASan,
# UBSan and leak detection, replays its seeds with every rule kept, then
# fuzzes for FUZZ_TEST_SECONDS (3) with no crash, leak, hang or broken
# rule. Two targets run side by side. `make fuzz` runs each for 10^6
# executions. A failing input is saved in build/fuzz/crashes/.
BIN=${BIN:-unused}   # the programs are not needed here
. "$(dirname "$0")/../lib.sh"

SECONDS_FUZZ=${FUZZ_TEST_SECONDS:-3}
SEEDS=$ROOT/tests/fuzz/corpus

if make -C "$ROOT" --no-print-directory fuzz-build >"$T/build.log" 2>&1; then
	ok "the fuzz targets build with clang (-fsanitize=fuzzer,address,undefined)"
else
	not_ok "the fuzz targets build with clang (-fsanitize=fuzzer,address,undefined)"
	tail -n 40 "$T/build.log" | sed 's/^/# /'
	done_testing
fi

check "the message seeds have valid and invalid messages" \
	test "$(ls "$SEEDS/message" | grep -c '^good-')" -ge 5 -a \
	"$(ls "$SEEDS/message" | grep -c '^bad-')" -ge 5

names=$(cd "$ROOT/tests/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
for name in $names; do
	check "fuzz target $name has seeds" test -n "$(ls "$SEEDS/$name" 2>/dev/null)"
	while [ "$(jobs -rp | wc -l)" -ge 2 ]; do sleep 0.2; done
	CORPUS=$T/corpus/$name bash "$ROOT/tests/fuzz/run.sh" "$name" seconds "$SECONDS_FUZZ" \
		>"$T/$name.out" 2>&1 &
done
wait
for name in $names; do
	line=$(grep -m1 "^fuzz $name: " "$T/$name.out")
	case $line in
	*": ok,"*) ok "${SECONDS_FUZZ}s of fuzzing ${line#fuzz }" ;;
	*) not_ok "${SECONDS_FUZZ}s of fuzzing $name: ${line:-no result}"; sed 's/^/# /' "$T/$name.out" | tail -40 ;;
	esac
done
done_testing
