#!/bin/bash
# 73-collector-disk-full: the data directory's disk full for 60 s under load.
#
# A real mosquitto and a real gm-collector whose data directory is a small
# tmpfs (a real file system that fills up). 20 channels stream one reading a
# second each (bench/loadgen.c); then a filler file takes every free byte for
# DISK_FULL_S (60) seconds while the stream goes on, and two channels appear
# for the first time (their 1.1 MB files cannot be made). Shown:
#  - the collector's CPU during the outage stays under 10 % of a core (it
#    backs off; it does not spin making and deleting half files);
#  - nothing is lost: once the filler goes, every reading published is in its
#    file, the new channels' files made, and the status counts 0 lost;
#  - storing resumes within one back-off of the space returning.
# Needs root to mount the tmpfs; says so and skips otherwise.
BIN=${BIN:?}
. "$(dirname "$0")/../lib.sh"

OUTAGE=${DISK_FULL_S:-60}
SMALL=$T/small
mkdir -p "$SMALL"
if ! mount -t tmpfs -o size=80m tmpfs "$SMALL" 2>"$T/mount.log"; then
	ok "# SKIP: cannot mount a tmpfs here ($(cat "$T/mount.log")): disk full not tested"
	done_testing
fi
trap 'umount -l "$SMALL" 2>/dev/null; cleanup' EXIT
cc -std=c11 -O2 -D_DEFAULT_SOURCE -o "$T/loadgen" "$ROOT/bench/loadgen.c" -lpaho-mqtt3a \
	>"$T/build.log" 2>&1 || { not_ok "bench/loadgen.c builds"; cat "$T/build.log"; done_testing; }
start_broker || exit 1
D=$SMALL/data
collector_conf "$D" "$T/status" "$BROKER_PORT" disk-full-test |
	sed 's/^\[mqtt\]$/write_delay = 1\n[mqtt]/' >"$T/collector.conf"
start_collector
collector_subscribed ||
	{ not_ok "the collector subscribes"; cat "$T/collector.log"; done_testing; }

now=$(date +%s)
N=$((OUTAGE + 40))                     # minutes (readings a channel) in all
BASE=$(( now / 60 * 60 - (N + 5) * 60 ))
pub() { # meters first_minute minutes
	"$T/loadgen" pub -p "$BROKER_PORT" -f gm -M "$1" -C 2 -b "$BASE" -k "$2" -n "$3" \
		>>"$T/loadgen.log" 2>&1
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$COLLECTOR_PID/stat"; }

# 10 meters x 2 channels: their files made while there is room
pub 10 0 10
check "20 channels stored (minute 9)" "$T/loadgen" wait -f gm -d "$D" -M 10 -C 2 \
	-T $((BASE + 9 * 60)) -l 60
# The disk fills up: first all but 1 MB (readings of the 20 channels are
# still logged and stored, their files being made already, but no new
# file fits: the writer must back off, not make and delete half files in a
# loop), then all of it (nothing can be logged: messages wait in the broker).
avail_kb() { df --output=avail -k "$SMALL" | tail -1 | tr -d ' '; }
dd if=/dev/zero of="$SMALL/filler" bs=1K count=$(( $(avail_kb) - 1024 )) status=none
check "the disk has 1 MB left, less than a new file needs" test "$(avail_kb)" -lt 1200
t_full=$(date +%s)
ticks0=$(cpu_ticks)
# the stream goes on, one minute a second; meter 10 (2 new channels) appears
k=10 meters=10 filled=0
while [ $(( $(date +%s) - t_full )) -lt "$OUTAGE" ]; do
	[ $k -eq 13 ] && meters=11
	pub $meters $k 1
	k=$((k + 1))
	if [ $filled -eq 0 ] && [ $(( $(date +%s) - t_full )) -ge $((OUTAGE / 2)) ]; then
		dd if=/dev/zero of="$SMALL/filler2" bs=1K status=none 2>/dev/null
		check "then the disk is full" test "$(avail_kb)" -lt 64
		filled=1
	fi
	sleep 1
done
ticks1=$(cpu_ticks)
hz=$(getconf CLK_TCK)
cpu_pct=$(awk -v a="$ticks0" -v b="$ticks1" -v hz="$hz" -v s="$OUTAGE" 'BEGIN { printf "%.1f", 100 * (b - a) / hz / s }')
check "the collector used ${cpu_pct} % of a core while the disk was full (< 10 %)" \
	awk -v p="$cpu_pct" 'BEGIN { exit !(p < 10) }'
check "the collector said the disk is full" grep -qiE 'No space left|disk full' "$T/collector.log"
check "it did not crash" kill -0 "$COLLECTOR_PID"
last=$((k - 1))
# room again
rm -f "$SMALL/filler" "$SMALL/filler2"
t_room=$(date +%s.%N)
pub 11 $((last + 1)) 1
check "every channel holds the last minute once there is room" "$T/loadgen" wait -f gm -d "$D" \
	-M 10 -C 2 -T $((BASE + (last + 1) * 60)) -l 60
resumed=$(awk -v a="$t_room" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
check "storing resumed ${resumed} s after the space came back (one back-off: <= 8 s)" \
	awk -v r="$resumed" 'BEGIN { exit !(r <= 8) }'
# their files are made at the writer's next try after its back-off, which
# may come after the other channels' last minute is in
check "the channels new during the outage have their files" \
	wait_for 20 test -f "$D/bench/m0010/c0.rrd" -a -f "$D/bench/m0010/c1.rrd"
# every minute of every channel is in its file: one value a minute
sleep 6   # a status file write
missing=0
for f in "$D"/bench/m00*/c*.rrd; do
	first=0
	case $f in */m0010/*) first=13 ;; esac
	n=$(rrdtool fetch "$f" LAST -r 60 -s $((BASE + first * 60 - 60)) -e $((BASE + (last + 1) * 60)) 2>/dev/null |
		awk '$1 ~ /^[0-9]+:$/ && $2 !~ /nan/' | wc -l)
	[ "$n" -eq $((last + 2 - first)) ] || { echo "# $f: $n minutes, want $((last + 2 - first))"; missing=$((missing + 1)); }
done
check "every reading of the 22 channels is in its file ($missing short)" test "$missing" -eq 0
bad=$(awk '$1 ~ /^bench\// { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	if (f["lost"] != 0 || f["quarantined"] != 0 || f["aside"] != 0) print $1 }' "$T/status")
check "the status counts nothing lost and nothing set aside ($bad)" test -z "$bad"
stop "$COLLECTOR_PID"
check "no sanitizer report in the collector's log" sh -c "! grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' '$T/collector.log'"
done_testing
