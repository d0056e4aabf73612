#!/bin/bash
# new-files.sh - benchmark (not a test): a new channel's file laid down from
# the collector's template (collector/rrd_template.c) against librrd's
# rrd_create_r2 (how gm-collector made them before, and how collectd's
# rrdtool plugin makes its own), the same layout, in the same run.
#
#   bash bench/new-files.sh        about a minute; writes ~1.1 GB at a time in /tmp
#
# ROUNDS (default 6) rounds, alternating which goes first; each round each
# way makes N (default 1000) files in an empty directory (bench/newfiles.c),
# which is then removed. Shown: CPU and wall milliseconds a file, each round,
# and the median of the rounds' ratios template / librrd. Most of either is
# the kernel copying 1.1 MB a file into the page cache, which costs what the
# machine's memory costs at that moment: the ratio is what to read.
set -euo pipefail
BENCH=new-files
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tools/runlib.sh"
. "$ROOT/bench/lib.sh"

N=${N:-1000}
ROUNDS=${ROUNDS:-6}
OUT="$ROOT/bench/results/new-files-$(date -u +%Y-%m-%dT%H%M).txt"

make -C "$ROOT" --no-print-directory VARIANT=release build/release/lib/libgm-collector.a \
	build/release/lib/libgm-store.a build/release/lib/libgm-common.a >"$T/build.log" 2>&1 ||
	{ tail -20 "$T/build.log" >&2; die "cannot build the archives"; }
L="$ROOT/build/release/lib"
cc -std=c11 -O2 -Wall -Wextra -D_DEFAULT_SOURCE -I"$ROOT/common" -I"$ROOT/common/store" \
	-I"$ROOT/collector" -o "$T/newfiles" "$ROOT/bench/newfiles.c" \
	"$L/libgm-collector.a" "$L/libgm-store.a" "$L/libgm-common.a" -lrrd -lpthread -lm \
	>>"$T/build.log" 2>&1 || { tail -20 "$T/build.log" >&2; die "cannot build bench/newfiles.c"; }

run() {   # way round -> "cpu wall" ms a file
	local d="$T/files-$1-$2"
	mkdir "$d"
	"$T/newfiles" "$1" "$d" "$N"
	rm -rf "$d"
}

{
	echo "# new-files: $N files a way a round, $ROUNDS rounds, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "software: rrdtool $(rrdtool --version | head -1 | awk '{print $2}'), greenmeter $(git -C "$ROOT" rev-parse --short HEAD)"
	echo "files: $T on $(df -T "$T" | awk 'NR==2 {print $2 " (" $1 ")"}')"
	printf '%-6s %-9s %9s %9s %-9s %9s %9s %7s\n' round first "librrd" "" second "template" "" ratio
	printf '%-6s %-9s %9s %9s %-9s %9s %9s %7s\n' "" "" "cpu ms" "wall ms" "" "cpu ms" "wall ms" "cpu"
	ratios=()
	for r in $(seq 1 "$ROUNDS"); do
		if [ $((r % 2)) = 1 ]; then a=$(run librrd "$r"); b=$(run template "$r"); first=librrd
		else b=$(run template "$r"); a=$(run librrd "$r"); first=template; fi
		ratio=$(awk -v a="${a% *}" -v b="${b% *}" 'BEGIN { printf "%.2f", b / a }')
		ratios+=("$ratio")
		printf '%-6s %-9s %9s %9s %-9s %9s %9s %6sx\n' "$r" "$first" ${a% *} ${a#* } "" ${b% *} ${b#* } "$ratio"
	done
	med=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
	echo "template / librrd, CPU a file, median of the rounds: ${med}x"
} | tee "$OUT"
echo "# written to ${OUT#$ROOT/}" >&2
