#!/bin/bash
# report-fy.sh - benchmark (not a test): gm-report's full Green Office report
# set of a fiscal year for 19 units x 500 meters with three years of data,
# against rrdtool itself reading the same rows in the same run.
#
#   bash bench/report-fy.sh        about 3 minutes; writes ~25 GB in /tmp
#
# The data: FY2567, FY2568 and FY2569 (1 Oct 2023 - 1 Oct 2026, Asia/
# Bangkok), a counter read every 15 minutes in the collector's layout
# (bench/rrdfill.c makes TEMPLATES distinct files, each copied to its share
# of the METERS x 19 channel files: every file is a real, separate 2.5 MB
# RRD; only their numbers repeat). The organisation: the shipped 19 units,
# each with METERS channels mapped (80 % electricity, 10 % water, 10 %
# printed paper; every tenth electricity meter shared 60/40 with the next
# unit) and a reams journal of monthly entries.
#
# Runs, each RUNS times, one after the other on the same files:
#   gm-report  --fy 2569 --out DIR (round 12, baseline FY2568, Thai and
#              English: 123 files from 19 000 channel-years), three ways:
#     no cache     every row read and summed (on 2 threads)
#     cold cache   --cache DIR, emptied before each run: every row read and
#                  summed, and each channel's closed months written to DIR
#     warm cache   --cache DIR as the run before left it, as when reports are
#                  run again later in the year: no closed month's rows read
#                  (all 24 months here are closed: the files end 1 Oct 2026)
#     warm + PDF --cache DIR as warm, and --pdf: every page's A4 PDF too
#                  (Pango on cairo, on every core)
#   chromium   the peer for the PDFs: headless Chromium printing the warm
#              run's HTML pages to PDF, one process a page (what an office
#              would script without --pdf); PDF_PEER=0 skips it
#   rrdtool    one `rrdtool -` process fetching the same rows (each file's
#              FY2569 and FY2568 hourly AVERAGE rows: the reads gm-report
#              makes without a cache), output thrown away: the peer, with no
#              arithmetic, no mapping and no output at all.
# Each run: wall time and CPU (user + sys, bash's `time`). "Cold" and "warm"
# name the usage cache only: the OS page cache is never dropped, so the
# files' pages are mostly cached in every run (the first follows the files
# being written; 25 GB may not all fit). The cold and warm runs' report
# sets are compared, file by file, with the no-cache run's.
# Ratio: gm-report's best without a cache / rrdtool's best.
#
# Knobs: METERS=500 TEMPLATES=8 RUNS=3 BIN=dir (use this gm-report) KEEP=1
# PEER=0 (skip the rrdtool runs) PDF_PEER=0 (skip the Chromium runs) PROFILE=1 (two more gm-report runs under
# perf record -g, not counted: no cache into $T/gm.perf, warm cache into
# $T/warm.perf) OUT=file (where the results go; default
# bench/results/report-fy-<time>.txt: give another for a trial run).
set -u
export LC_ALL=C
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tools/runlib.sh"

METERS=${METERS:-500}
TEMPLATES=${TEMPLATES:-8}
RUNS=${RUNS:-3}
STAMP=$(date +%Y-%m-%dT%H%M)
OUT=${OUT:-$ROOT/bench/results/report-fy-$STAMP.txt}
BENCH=report-fy
. "$ROOT/bench/lib.sh"
export TZ=Asia/Bangkok

FROM=$(date -d '2023-10-01 00:00 +0700' +%s)
TO=$(date -d '2026-10-01 00:00 +0700' +%s)
FY_START=$(date -d '2025-10-01 00:00 +0700' +%s)
BASE_START=$(date -d '2024-10-01 00:00 +0700' +%s)

need() {
	local gb=$((19 * METERS * 26 / 10000 + 2))
	command -v rrdtool >/dev/null && command -v cc >/dev/null ||
		die "needs rrdtool and cc (apt-get install rrdtool build-essential)"
	[ "$(df -Pk "$T" | awk 'NR == 2 { print int($4 / 1048576) }')" -ge "$gb" ] ||
		die "$T needs $gb GB free"
}

build() {
	VERSION=$(git -C "$ROOT" describe --always --dirty 2>/dev/null)
	if [ -z "${BIN:-}" ]; then
		BIN=$ROOT/build/release/bin
		make -C "$ROOT" --no-print-directory build/release/bin/gm-report >"$T/build.log" 2>&1 ||
			{ tail -20 "$T/build.log" >&2; die "build failed"; }
	fi
	cc -std=c11 -O2 -D_DEFAULT_SOURCE -I"$ROOT/common" -I"$ROOT/common/store" -o "$T/rrdfill" "$ROOT/bench/rrdfill.c" \
		"$ROOT/common/store/rrd_layout.c" -lrrd >>"$T/build.log" 2>&1 || die "cannot build bench/rrdfill.c"
}

# Channel k of unit u: its resource, meter id and channel name.
res_of() { # k
	if [ $(($1 % 10)) -eq 8 ]; then echo water; elif [ $(($1 % 10)) -eq 9 ]; then echo paper_printed; else echo electricity; fi
}

make_data() {
	local units u i k res id ch tpl t0=$SECONDS
	mkdir -p "$T/tpl" "$T/data/bench"
	for i in $(seq 0 $((TEMPLATES - 1))); do
		"$T/rrdfill" "$T/tpl/$i.rrd" "$FROM" "$TO" 900 "$(awk -v i="$i" 'BEGIN { print 0.25 * (i + 1) }')" ||
			die "rrdfill failed"
	done
	units=$(awk '/^\[unit / { print substr($2, 1, length($2) - 1) }' "$T/org/organisation.ini")
	printf '\n[meters]\n' >>"$T/org/organisation.ini"
	u=0
	for id in $units; do
		for k in $(seq 0 $((METERS - 1))); do
			res=$(res_of "$k")
			ch=$res
			mkdir -p "$T/data/bench/$id-$k"
			cp "$T/tpl/$(((u * METERS + k) % TEMPLATES)).rrd" "$T/data/bench/$id-$k/$ch.rrd"
			printf 'unit = x\nkind = counter\n' >"$T/data/bench/$id-$k/$ch.meta"
			if [ "$res" = electricity ] && [ $((k % 10)) -eq 0 ]; then
				echo "bench/$id-$k/$ch = $res from 2023-10-01 $id 60 $(echo $units | awk -v u=$((u + 1)) '{ print $((u % NF) + 1) }') 40"
			else
				echo "bench/$id-$k/$ch = $res from 2023-10-01 $id"
			fi
		done
		mkdir -p "$T/data/bench/stores"
		{
			echo "greenmeter-entries 1"
			for m in $(seq 1 36); do
				echo "$(date -d "2023-10-01 +$m month 00:00 +0700" +%s) $((40 + (m * 7) % 11)) $m $FROM"
			done
		} >"$T/data/bench/stores/$id-reams.entries"
		printf 'unit = reams\nkind = delta\n' >"$T/data/bench/stores/$id-reams.meta"
		echo "bench/stores/$id-reams = paper_reams from 2023-10-01 $id"
		u=$((u + 1))
	done >>"$T/org/organisation.ini"
	sync
	note "made $((u * METERS)) channel files and $u journals in $((SECONDS - t0)) s ($(du -sh "$T/data" | cut -f1))"
}

# Wall s and CPU s of a command, to $T/<run>.<i>.sum.
measure() { # run i command...
	local run=$1 i=$2 t0 t1 cpu
	shift 2
	t0=$EPOCHREALTIME
	cpu=$( { TIMEFORMAT='%U %S'; time "$@" >/dev/null 2>"$T/$run.$i.err"; } 2>&1 | awk '{ print $1 + $2 }')
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" -v c="$cpu" 'BEGIN { printf "secs=%.3f\ncpu=%.2f\n", b - a, c }' >"$T/$run.$i.sum"
}

gm_report() { # out-dir [--cache DIR]
	local out=$1
	shift
	"$BIN/gm-report" -d "$T/data" --org "$T/org/organisation.ini" --fy 2569 --out "$out" "$@"
}

# The three ways gm-report runs (see the top), each into its own report set.
gm_nocache() { gm_report "$T/reports"; }
gm_cold() { gm_report "$T/reports-cold" --cache "$T/cache"; }   # emptied before, untimed
gm_warm() { gm_report "$T/reports-warm" --cache "$T/cache"; }
gm_warm_pdf() { gm_report "$T/reports-pdf" --cache "$T/cache" --pdf; }

# The PDFs' peer: Chromium printing each HTML page of the warm run's set.
chromium_pdf() {
	local f
	mkdir -p "$T/chromium-pdf"
	for f in "$T/reports-warm"/*.html; do
		chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
			--print-to-pdf="$T/chromium-pdf/$(basename "$f" .html).pdf" "file://$f" 2>/dev/null
	done
}

# The reads gm-report makes, through rrdtool itself: one process, one
# fetch per channel file and year.
fetches() {
	find "$T/data" -name '*.rrd' | while read -r f; do
		echo "fetch $f AVERAGE -r 3600 -s $FY_START -e $TO"
		echo "fetch $f AVERAGE -r 3600 -s $BASE_START -e $FY_START"
	done
}

rrdtool_fetch() { rrdtool - <"$T/fetches.txt"; }

best() { # run: the fastest of its runs
	cat "$T/$1".*.sum 2>/dev/null | awk -F= '$1 == "secs" && (b == "" || $2 < b) { b = $2 } END { print b }'
}

row() { # label run i
	printf '%-52s %s / %s\n' "$1" "$(sed -n 's/secs=//p' "$T/$2.$3.sum")" "$(sed -n 's/cpu=//p' "$T/$2.$3.sum")"
}

pass() { awk -v g="$1" 'BEGIN { print (g != "" && g < 1) ? "PASS" : "FAIL" }'; }

report() {
	local g c w r
	echo "greenmeter benchmark: gm-report's FY report set vs rrdtool reading the same rows ($(date '+%Y-%m-%d %H:%M %Z'))"
	machine_line
	echo "software: rrdtool $(rrdtool | sed -n '1s/^RRDtool \([0-9.]*\).*/\1/p'), greenmeter ${VERSION:-?}"
	echo "data: 19 units x $METERS meters = $((19 * METERS)) channel files (RRD, 2.5 MB each) + 19 reams journals," \
		"FY2567-FY2569 read every 15 min; report FY2569 round 12 against FY2568, Thai and English"
	echo "files written by gm-report: $(ls "$T/reports" | wc -l); channels it read: $(grep -c . "$T/fetches.txt" | awk '{ print $1 / 2 }') x 2 years"
	echo "usage cache after the warm runs: $(ls "$T/cache" | grep -c '\.usage$') files, $(du -sk "$T/cache" | cut -f1) kB"
	echo "OS page cache: never dropped between runs (cold/warm below name gm-report's usage cache only)"
	echo
	printf '%-52s %s\n' "run" "wall s / CPU s"
	for i in $(seq 1 "$RUNS"); do row "gm-report, no cache, run $i" gm "$i"; done
	for i in $(seq 1 "$RUNS"); do row "gm-report --cache, empty cache (cold), run $i" cold "$i"; done
	for i in $(seq 1 "$RUNS"); do row "gm-report --cache, filled before (warm), run $i" warm "$i"; done
	for i in $(seq 1 "$RUNS"); do row "gm-report --cache --pdf (warm, with $(ls "$T/reports-pdf" | grep -c '\.pdf$') PDFs), run $i" pdf "$i"; done
	if [ "${PDF_PEER:-1}" != 0 ]; then
		for i in $(seq 1 "$RUNS"); do row "chromium --print-to-pdf, each page, run $i" chr "$i"; done
	fi
	if [ "${PEER:-1}" != 0 ]; then
		for i in $(seq 1 "$RUNS"); do row "rrdtool - (fetches only), run $i" rrd "$i"; done
	fi
	g=$(best gm); c=$(best cold); w=$(best warm); r=$(best rrd); pd=$(best pdf); ch=$(best chr)
	echo
	echo "best: gm-report no cache $g s, cold cache $c s, warm cache $w s"
	[ -n "$r" ] && echo "rrdtool fetches $r s; gm-report without a cache / rrdtool = $(awk -v a="$g" -v b="$r" 'BEGIN { printf "%.2fx", a / b }') the time"
	echo "target: full FY report set < 1 s: warm cache $w s $(pass "$w"); cold cache $c s $(pass "$c"); no cache $g s $(pass "$g")"
	echo "target: with PDFs < 2 s (warm cache): $pd s $(awk -v g="$pd" 'BEGIN { print (g != "" && g < 2) ? "PASS" : "FAIL" }')"
	[ -n "$ch" ] && echo "PDFs: gm-report --pdf (the whole set) / chromium printing the same pages = $(awk -v a="$pd" -v b="$ch" 'BEGIN { printf "%.3fx", a / b }') the time"
	echo "report sets the same as without a cache: $SAME"
	echo "gm-report errors: $(cat "$T"/gm.*.err "$T"/cold.*.err "$T"/warm.*.err "$T"/pdf.*.err | grep -c .) lines"
}

main() {
	need
	build
	note "work files in $T"
	cp -r "$ROOT/dashboards/org/senate" "$T/org"
	make_data
	fetches >"$T/fetches.txt"
	SAME=yes
	for i in $(seq 1 "$RUNS"); do
		measure gm "$i" gm_nocache
		rm -rf "$T/cache"
		measure cold "$i" gm_cold
		measure warm "$i" gm_warm
		measure pdf "$i" gm_warm_pdf
		[ "${PDF_PEER:-1}" != 0 ] && measure chr "$i" chromium_pdf
		note "gm-report run $i: no cache $(sed -n 's/secs=//p' "$T/gm.$i.sum") s," \
			"cold $(sed -n 's/secs=//p' "$T/cold.$i.sum") s, warm $(sed -n 's/secs=//p' "$T/warm.$i.sum") s," \
			"warm with PDFs $(sed -n 's/secs=//p' "$T/pdf.$i.sum") s"
		diff -r -q "$T/reports" "$T/reports-cold" >&2 && diff -r -q "$T/reports" "$T/reports-warm" >&2 ||
			SAME=no
		[ "${PEER:-1}" = 0 ] && continue
		measure rrd "$i" rrdtool_fetch
		note "rrdtool run $i: $(sed -n 's/secs=//p' "$T/rrd.$i.sum") s"
	done
	if [ -n "${PROFILE:-}" ]; then
		perf record -q -g -o "$T/gm.perf" -- "$BIN/gm-report" -d "$T/data" \
			--org "$T/org/organisation.ini" --fy 2569 --out "$T/reports" 2>/dev/null
		perf record -q -g -o "$T/warm.perf" -- "$BIN/gm-report" -d "$T/data" \
			--org "$T/org/organisation.ini" --fy 2569 --out "$T/reports-warm" \
			--cache "$T/cache" 2>/dev/null
	fi
	mkdir -p "$(dirname "$OUT")"
	report | tee "$OUT"
	note "written to ${OUT#$ROOT/}"
}

main "$@"
