#!/bin/bash
# collector-mqtt.sh - benchmark (not a test): gm-collector against collectd's
# mqtt plugin, storing the same MQTT load from the same broker into RRD files.
#
#   bash bench/collector-mqtt.sh        about 7 minutes; writes ~40 GB in /tmp
#   REV=HEAD bash bench/collector-mqtt.sh   gm-collector of the last commit
#
# One mosquitto (loopback, persistence on, unlimited queues) serves every
# run. The load: METERS x CHANNELS meter channels (10 000), READINGS readings
# each, one a simulated minute, QoS 1. gm-collector gets the wire contract
# (greenmeter/v1/bench/mNNNN/cK, {"t":..,"v":..,"unit":"kWh","kind":"counter",
# "seq":..}), collectd the same readings in its mqtt format
# (collectd/bench/meter-mNNNN/energy-cK, "<time>:<value>"); one reading a
# message for both. The runs, one after the other:
#   broker raw   mosquitto_sub -q 1 -C N > /dev/null, for each load
#   paho raw     loadgen sub: paho draining the gm load with a callback that
#                does nothing (the ceiling of any paho subscriber). Broker raw
#                and paho raw take PAIRS turns, alternating, on copies of the
#                same load: the table shows the first pair, the report every
#                pair's ratio (the machine's spread is wide).
#   gm-collector writing the RRD files with librrd
#   gm-collector --rrdcached unix:SOCKET (a fresh rrdcached -F -w 300 -j -b -B)
#   collectd 5.12: mqtt plugin (Subscribe, QoS 1, CleanSession false) + rrdtool
#   collectd 5.12: mqtt plugin + rrdcached plugin (the same kind of rrdcached)
#
# Pre-queued, for every run alike: the storer's persistent session is made
# first (mosquitto_sub -c -E with its client id), the whole load is published
# into the broker (bench/loadgen.c; every message acknowledged), and only then
# is the storer started. A storer's files are made beforehand by a priming
# run of its own (one reading a channel, minute 0: creating 10 000 files is
# measured and shown apart). The librrd run then stores minutes 1..READINGS
# into those files, the rrdcached run minutes READINGS+1..2*READINGS.
#
# How each figure is measured:
#   readings/s  N readings / the time from the storer's start (its connect
#               included) to the moment every file's last update is the final
#               reading's time: bench/loadgen.c "wait" reads the files'
#               headers every 50 ms, itself, not with librrd, whose read lock
#               would make a writer fail ("could not lock RRD"). rrdcached
#               runs: loadgen waits until rrdcached holds every file's final
#               reading (PENDING <file>; "to rrdc": gm-collector sends a
#               file's waiting rows in one UPDATE, collectd one value an
#               UPDATE, so a count of UPDATEs cannot tell), sends FLUSHALL
#               and waits for the files as above; the flush is included in
#               readings/s and also shown on its own.
#               Broker raw: N / the run time of mosquitto_sub -C N.
#   CPU         utime + stime (/proc/PID/stat, all threads) of the storer at
#               that moment, per 1000 readings, start-up included; for
#               rrdcached runs rrdcached's too, shown apart and summed.
#               mosquitto's CPU during the run is shown, not counted.
#   peak RSS    VmHWM of the storer (/proc/PID/status) at that moment, with
#               all channels loaded.
#   machine     busy and stolen share of both CPUs over the run (/proc/stat):
#               other work on the machine shows up here.
# Each storer run is checked: every file ends at the final time, one file's
# last value is the one sent; gm-collector's status file counts READINGS
# stored and no duplicate, lost or rejected message per channel; log lines
# with error/warn/fail are counted.
#
# Knobs (environment): METERS=1000 CHANNELS=10 READINGS=30 WINDOW=100 PAIRS=3
# (unacknowledged messages while publishing) LIMIT=600 (s a run may take)
# REV=commit (build gm-collector from that commit, not the working tree)
# BIN=dir (use this gm-collector, do not build) KEEP=1 (keep the files)
# ONLY=gm|collectd (run one side only) PROFILE=run (record that storer run,
# e.g. gm, with perf record -g into $T/<run>.perf; its figures are then the
# profiled run's, not to be compared).
#
# MODE=e2e bash bench/collector-mqtt.sh   end to end, fresh channels (~15 min)
#   Another benchmark in the same script (the mode above is the default and
#   unchanged). For each load of E2E_LOADS ("channels x readings", default
#   "1000x200 10000x20"; CHANNELS a meter), PAIRS rounds (default 2), each
#   round gm-collector (librrd, the shipped config), collectd with its
#   default rrdtool layout and collectd with a layout matched to the one
#   read from a gm-collector file of this run (matched_layout below). Every
#   run: an empty data directory and a new client id, the session made, the
#   storer started and connected, and only then the load published live;
#   the clock runs from the first publish to every channel's file holding
#   its final reading. Then every reading is looked for in its file (loadgen
#   check) and the files are removed. QUIET=10: a storer idle that long with
#   files still short of their final reading has lost it; the run ends
#   there (marked *). Then, each round, the floor of any storer on either
#   MQTT library (FLOOR=0 leaves it out): paho (loadgen sub) and libmosquitto
#   (mosquitto_sub), each a subscriber that stores nothing, on the same load
#   live, timed from the first publish to its last message (e2e_sub_run).
#   E2E_CACHED=1 adds two runs a round: gm-collector through rrdcached and
#   collectd's rrdcached plugin with the matched layout, each with a fresh
#   rrdcached (-w 300, as in the mode above); once rrdcached holds every
#   channel's final value (PENDING), loadgen sends FLUSHALL, as a reader
#   would flush, and the clock stops when every file holds it.
#   Report: bench/results/collector-e2e-<stamp>.txt.
set -u
export LC_ALL=C
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tools/runlib.sh"

METERS=${METERS:-1000}
CHANNELS=${CHANNELS:-10}
READINGS=${READINGS:-30}
WINDOW=${WINDOW:-100}
LIMIT=${LIMIT:-600}
if [ "${MODE:-}" = e2e ]; then PAIRS=${PAIRS:-2}; else PAIRS=${PAIRS:-3}; fi
E2E_LOADS=${E2E_LOADS:-1000x200 10000x20}
QUIET=${QUIET:-10}
CH=$((METERS * CHANNELS))
N=$((CH * READINGS))
HZ=$(getconf CLK_TCK)
STAMP=$(date +%Y-%m-%dT%H%M)
OUT=$ROOT/bench/results/collector-mqtt-$STAMP.txt
# Reading times: minute k is BASE + 60 k, the last one 15 minutes ago.
BASE=$((($(date +%s) / 60 - 2 * READINGS - 15) * 60))

RRDCACHED_PID=""

BENCH=collector-mqtt
. "$ROOT/bench/lib.sh"

need() {
	local missing="" c f gb
	for c in collectd mosquitto mosquitto_sub rrdcached rrdtool cc make ss; do
		command -v "$c" >/dev/null || missing="$missing $c"
	done
	for f in /usr/lib/collectd/mqtt.so /usr/lib/collectd/rrdtool.so /usr/lib/collectd/rrdcached.so \
		/usr/include/MQTTAsync.h /usr/include/rrd.h; do
		[ -f "$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ] ||
		die "missing:$missing (apt-get install collectd-core mosquitto mosquitto-clients rrdcached rrdtool librrd-dev libpaho-mqtt-dev iproute2)"
	# 2.5 MB a gm-collector file, 1.45 MB a collectd file, and some room
	gb=$(((CH * 4 + 999) / 1000 + 5))
	[ "$(df -Pk "$T" | awk 'NR == 2 { print int($4 / 1048576) }')" -ge "$gb" ] ||
		die "$T needs $gb GB free for $CH channels' files"
}

build() {
	VERSION=$(git -C "$ROOT" describe --always --dirty 2>/dev/null)
	if [ -n "${BIN:-}" ]; then
		note "using the gm-collector in $BIN"
		VERSION="$VERSION (gm-collector from $BIN)"
	elif [ -n "${REV:-}" ]; then
		# a committed revision, built apart from a working tree being edited
		mkdir -p "$T/src"
		git -C "$ROOT" archive "$REV" | tar -x -C "$T/src" || die "cannot export $REV"
		make -C "$T/src" --no-print-directory build/release/bin/gm-collector \
			>"$T/build.log" 2>&1 || { tail -20 "$T/build.log" >&2; die "build of $REV failed"; }
		BIN=$T/src/build/release/bin
		VERSION=$(git -C "$ROOT" rev-parse --short "$REV")
	else
		BIN=$ROOT/build/release/bin
		make -C "$ROOT" --no-print-directory build/release/bin/gm-collector \
			>"$T/build.log" 2>&1 || { tail -20 "$T/build.log" >&2; die "build failed"; }
	fi
	cc -std=c11 -O2 -Wall -Wextra -D_DEFAULT_SOURCE -o "$T/loadgen" "$ROOT/bench/loadgen.c" \
		-lpaho-mqtt3a -lpthread >>"$T/build.log" 2>&1 ||
		{ tail -20 "$T/build.log" >&2; die "cannot build bench/loadgen.c"; }
}

# --- the broker, sessions and the load -------------------------------------
# A persistent session (clean session off) subscribed at QoS 1: from now on
# the broker queues what matches for that client id.
session() { # client_id filter
	mosquitto_sub -p "$BROKER_PORT" -c -i "$1" -q 1 -t "$2" -E ||
		die "cannot make the session $1"
}

# Connecting once with a clean session makes the broker forget the session.
drop_session() { # client_id
	mosquitto_sub -p "$BROKER_PORT" -i "$1" -t bench/none -E
}

publish() { # gm|collectd first_minute minutes
	note "publishing $(($3 * CH)) $1 messages (minutes $2..$(($2 + $3 - 1)))"
	"$T/loadgen" pub -p "$BROKER_PORT" -f "$1" -M "$METERS" -C "$CHANNELS" -b "$BASE" \
		-k "$2" -n "$3" -w "$WINDOW" >>"$T/publish.log" 2>&1 ||
		die "publishing failed: $(tail -3 "$T/publish.log")"
}

# --- measuring -------------------------------------------------------------
ticks() { # pid: utime + stime
	local s
	read -r s 2>/dev/null <"/proc/$1/stat" || { echo 0; return; }
	set -- ${s##*) }
	echo $((${12} + ${13}))
}

machine() { # "busy idle steal" ticks of all CPUs
	local line
	read -r line </proc/stat
	set -- $line
	echo "$(($2 + $3 + $4 + $7 + $8)) $(($5 + $6)) $9"
}

machine_share() { # before after: "busy% steal%"
	echo "$1 $2" | awk '{ t = ($4 - $1) + ($5 - $2) + ($6 - $3)
		if (t <= 0) print "? ?"; else printf "%.0f %.1f\n", 100 * ($4 - $1) / t, 100 * ($6 - $3) / t }'
}

val() { sed -n "s/^$2=//p" "$T/$1.sum" 2>/dev/null | tail -1; } # run key

# --- configuration files ---------------------------------------------------
gm_conf() { # data_dir status client_id
	collector_conf "$1" "$2" "$BROKER_PORT" "$3"
}

# collectd with the mqtt plugin subscribing and one write plugin. Both write
# plugins make files as close to gm-collector's layout as collectd can:
# step 60 s, heartbeat 900 s, xff 0.5, about 20 160 rows kept for 14 days,
# 5 years and 20 years, AVERAGE, MIN and MAX (9 RRAs of one data source,
# 1.45 MB; gm-collector: 8 RRAs of two, 2.5 MB).
# A fourth argument replaces these layout lines (MODE=e2e: "" for collectd's
# defaults, or the layout matched to a gm-collector file of the same run).
collectd_conf() { # client_id data_dir [rrdcached_socket [layout_lines]]
	local layout
	layout=$(printf '  %s\n' "StepSize 60" "HeartBeat 900" "RRARows 20160" "RRATimespan 1209600" \
		"RRATimespan 157680000" "RRATimespan 631152000" "XFF 0.5")
	[ $# -ge 4 ] && layout=$4
	cat <<CONF
Hostname "bench"
FQDNLookup false
BaseDir "$T/collectd"
PIDFile "$T/collectd/collectd.pid"
TypesDB "/usr/share/collectd/types.db"
Interval 60
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File STDOUT
  Timestamp true
</Plugin>
LoadPlugin mqtt
<Plugin mqtt>
  <Subscribe "bench">
    Host "127.0.0.1"
    Port $BROKER_PORT
    ClientId "$1"
    QoS 1
    CleanSession false
    Topic "collectd/#"
  </Subscribe>
</Plugin>
CONF
	if [ -z "${3:-}" ]; then
		printf 'LoadPlugin rrdtool\n<Plugin rrdtool>\n  DataDir "%s"\n%s\n</Plugin>\n' "$2" "$layout"
	else
		printf 'LoadPlugin rrdcached\n<Plugin rrdcached>\n  DaemonAddress "unix:%s"\n  DataDir "%s"\n  CreateFiles true\n  CollectStatistics false\n%s\n</Plugin>\n' \
			"$3" "$2" "$layout"
	fi
}

start_rrdcached() { # run data_dir
	mkdir -p "$T/$1-journal"
	RRDCACHED_SOCK=$T/$1.sock
	start "$1-rrdcached" rrdcached -g -F -w 300 -V LOG_NOTICE -j "$T/$1-journal" -b "$2" -B \
		-p "$T/$1-rrdcached.pid" -l "unix:$RRDCACHED_SOCK"
	RRDCACHED_PID=$LAST_PID
	wait_for 10 test -S "$RRDCACHED_SOCK" ||
		die "rrdcached did not start: $(cat "$T/$1-rrdcached.log")"
}

# --- the runs --------------------------------------------------------------
# The suffix of the i-th raw/paho pair's runs: none for the first.
pair() { [ "$1" -gt 1 ] && echo "-$1"; }

# A consumer that stores nothing draining the load queued for client_id:
# mosquitto_sub (the broker's raw delivery) or paho (loadgen sub: the
# ceiling of any paho subscriber).
run_raw() { # run client_id command...
	local run=$1 id=$2 b0 m0 t0 t1 cpu
	shift 2
	sync
	b0=$(ticks "$BROKER_PID"); m0=$(machine); t0=$EPOCHREALTIME
	cpu=$( { TIMEFORMAT='%U %S'; time "$@" >/dev/null 2>"$T/$run.log"; } 2>&1 |
		awk '{ print $1 + $2 }')
	t1=$EPOCHREALTIME
	{
		echo "readings=$N"
		awk -v a="$t0" -v b="$t1" -v n="$N" 'BEGIN { printf "secs=%.2f\nrate=%.0f\n", b - a, n / (b - a) }'
		echo "cpu=$cpu"
		echo "broker=$(($(ticks "$BROKER_PID") - b0))"
		echo "machine=$(machine_share "$m0" "$(machine)")"
	} >"$T/$run.sum"
	drop_session "$id"
	note "$run: $(val "$run" rate) messages/s"
}

# Start a storer (the command after the arguments), wait until every file
# holds the final reading (with rrdcached: until it has every update, then
# FLUSHALL and the files), and write the figures to $T/<run>.sum.
run_store() { # run fmt data_dir final_minute readings command...
	local run=$1 fmt=$2 dir=$3 final=$((BASE + 60 * $4)) n=$5 pid b0 m0 t0 wait_args=()
	shift 5
	sync   # what earlier runs left dirty is not this run's to write back
	b0=$(ticks "$BROKER_PID"); m0=$(machine); t0=$EPOCHREALTIME
	if [ "${PROFILE:-}" = "$run" ]; then
		start "$run" perf record -q -g -o "$T/$run.perf" -- "$@"
	else
		start "$run" "$@"
	fi
	pid=$LAST_PID
	if [ -n "${RRDCACHED_PID:-}" ]; then
		wait_args=(-s "unix:$RRDCACHED_SOCK" -P "$pid,$RRDCACHED_PID")
	else
		wait_args=(-P "$pid")
	fi
	"$T/loadgen" wait -f "$fmt" -d "$dir" -M "$METERS" -C "$CHANNELS" -T "$final" -l "$LIMIT" \
		"${wait_args[@]}" >"$T/$run.wait" 2>&1 || note "$run: $(cat "$T/$run.wait")"
	{
		echo "readings=$n"
		echo "machine=$(machine_share "$m0" "$(machine)")"
		echo "broker=$(($(ticks "$BROKER_PID") - b0))"
		awk -v t0="$t0" -v n="$n" -v hz="$HZ" -v pid="$pid" -v d="${RRDCACHED_PID:-}" '
			function proc(p, f,   i, a) { for (i = 3; i <= NF; i++) { split($i, a, ":"); if (a[1] == p) return a[f] } return "" }
			$1 == "received" { printf "to_daemon=%.2f\n", $2 - t0; r = $2 }
			$1 == "complete" { printf "secs=%.2f\nrate=%.0f\ncpu=%.2f\nhwm=%.1f\n", $2 - t0, n / ($2 - t0),
				proc(pid, 2) / hz, proc(pid, 3) / 1024
				if (d != "") printf "daemon_cpu=%.2f\ndaemon_hwm=%.1f\nflush=%.2f\n", proc(d, 2) / hz, proc(d, 3) / 1024, $2 - r }
			$1 ~ /^timeout/ { print "timeout=" $2 }' "$T/$run.wait"
	} >"$T/$run.sum"
	stop "$pid"
	[ -n "${RRDCACHED_PID:-}" ] && stop "$RRDCACHED_PID"
	note "$run: $(val "$run" rate) readings/s"
}

# The last value stored for the last channel must be the one sent.
check_value() { # run file last_minute value_column
	local want got
	want=$(awk -v i=$((CH - 1)) -v k="$3" 'BEGIN { printf "%.2f\n", 1000 + i + 0.25 * k }')
	got=$(rrdtool lastupdate "$2" | awk -v c="$4" 'NF > 1 { v = $c } END { printf "%.2f\n", v }')
	echo "value_ok=$([ "$want" = "$got" ] && echo yes || echo "no ($got, sent $want)")" >>"$T/$1.sum"
}

# gm-collector's status file (written at its stop): every channel stored
# this run's readings, no duplicates, nothing lost or rejected. The counts go
# on across restarts, so a run's are the difference to the copy taken after
# the run before (none before the first).
check_status() { # run status readings
	local before=$T/$1.status-before
	[ -f "$T/status-last" ] && cp "$T/status-last" "$before" || : >"$before"
	awk -v r="$3" '
		function field(k,   i) { for (i = 2; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2) + 0; return 0 }
		FILENAME == ARGV[1] { s[$1] = field("stored"); d[$1] = field("duplicates"); l[$1] = field("lost"); x[$1] = field("rejected"); next }
		{ n++; if (field("stored") - s[$1] == r && field("duplicates") == d[$1] && field("lost") == l[$1] && field("rejected") == x[$1]) ok++ }
		END { printf "status_ok=%d of %d channels stored %d, no duplicates, none lost or rejected\n", ok, n, r }' \
		"$before" "$2" >>"$T/$1.sum"
	cp "$2" "$T/status-last"
}

log_problems() { # run
	echo "log_problems=$(grep -ciE 'error|warn|fail' "$T/$1.log")" >>"$T/$1.sum"
}

gm_runs() {
	local data=$T/gm-data
	local file=$data/bench/m$(printf %04d $((METERS - 1)))/c$((CHANNELS - 1)).rrd
	mkdir -p "$data"
	gm_conf "$data" "$T/gm-status" gm-bench >"$T/gm.conf"
	"$BIN/gm-collector" -n -c "$T/gm.conf" >/dev/null || die "gm-collector rejects its config"
	session gm-bench 'greenmeter/v1/#'
	publish gm 0 1
	note "gm-collector: first reading of $CH channels (makes the files)"
	run_store gm-prime gm "$data" 0 "$CH" "$BIN/gm-collector" -c "$T/gm.conf"
	check_status gm-prime "$T/gm-status" 1; log_problems gm-prime

	for i in $(seq "$PAIRS"); do
		session "raw-gm$(pair "$i")" 'greenmeter/v1/#'
		session "paho-gm$(pair "$i")" 'greenmeter/v1/#'
	done
	publish gm 1 "$READINGS"
	for i in $(seq "$PAIRS"); do
		run_raw "raw-gm$(pair "$i")" "raw-gm$(pair "$i")" mosquitto_sub -p "$BROKER_PORT" -c \
			-i "raw-gm$(pair "$i")" -q 1 -t 'greenmeter/v1/#' -C "$N"
		run_raw "paho-gm$(pair "$i")" "paho-gm$(pair "$i")" "$T/loadgen" sub -p "$BROKER_PORT" \
			-i "paho-gm$(pair "$i")" -N "$N"
	done
	run_store gm "gm" "$data" "$READINGS" "$N" "$BIN/gm-collector" -c "$T/gm.conf"
	check_status gm "$T/gm-status" "$READINGS"; log_problems gm
	check_value gm "$file" "$READINGS" 2

	publish gm $((READINGS + 1)) "$READINGS"
	start_rrdcached gm-cached "$data"
	run_store gm-cached gm "$data" $((2 * READINGS)) "$N" \
		"$BIN/gm-collector" --rrdcached "unix:$RRDCACHED_SOCK" -c "$T/gm.conf"
	RRDCACHED_PID=""
	check_status gm-cached "$T/gm-status" "$READINGS"; log_problems gm-cached
	check_value gm-cached "$file" $((2 * READINGS)) 2
	drop_session gm-bench
}

collectd_runs() {
	local data=$T/collectd-data
	local file=$data/bench/meter-m$(printf %04d $((METERS - 1)))/energy-c$((CHANNELS - 1)).rrd
	mkdir -p "$data" "$T/collectd"
	collectd_conf collectd-bench "$data" >"$T/collectd.conf"
	collectd -t -C "$T/collectd.conf" >"$T/collectd-check.log" 2>&1 ||
		die "collectd rejects its config: $(tail -5 "$T/collectd-check.log")"
	session collectd-bench 'collectd/#'
	publish collectd 0 1
	note "collectd: first reading of $CH channels (makes the files)"
	run_store collectd-prime collectd "$data" 0 "$CH" collectd -f -C "$T/collectd.conf"
	log_problems collectd-prime

	session raw-collectd 'collectd/#'
	publish collectd 1 "$READINGS"
	run_raw raw-collectd raw-collectd mosquitto_sub -p "$BROKER_PORT" -c -i raw-collectd -q 1 \
		-t 'collectd/#' -C "$N"
	run_store collectd collectd "$data" "$READINGS" "$N" collectd -f -C "$T/collectd.conf"
	log_problems collectd
	check_value collectd "$file" "$READINGS" 2

	publish collectd $((READINGS + 1)) "$READINGS"
	start_rrdcached collectd-cached "$data"
	collectd_conf collectd-bench "$data" "$RRDCACHED_SOCK" >"$T/collectd-cached.conf"
	run_store collectd-cached collectd "$data" $((2 * READINGS)) "$N" collectd -f -C "$T/collectd-cached.conf"
	RRDCACHED_PID=""
	log_problems collectd-cached
	check_value collectd-cached "$file" $((2 * READINGS)) 2
	drop_session collectd-bench
}

# --- the report ------------------------------------------------------------
num() { awk -v x="$1" 'BEGIN { exit !(x != "" && x == x + 0) }'; }
ratio() { if num "$1" && num "$2" && [ "$2" != 0 ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx\n", a / b }'; else echo -; fi; }
per_k() { if num "$1"; then awk -v c="$1" -v n="$2" 'BEGIN { printf "%.3f\n", c / n * 1000 }'; else echo -; fi; } # cpu readings
sum() { if num "$1"; then awk -v a="$1" -v b="${2:-0}" 'BEGIN { printf "%.2f\n", a + b }'; else echo -; fi; }

# One row of the table for a run.
row() { # run label
	local r=$1 n cpu dcpu
	n=$(val "$r" readings)
	cpu=$(val "$r" cpu); dcpu=$(val "$r" daemon_cpu)
	printf '%-30s %8s %8s %9s %8s %7s %8s %8s %8s %7s %8s %7s\n' "$2" "$n" "$(val "$r" secs)" \
		"$(val "$r" rate)" "$(val "$r" to_daemon)" "$(val "$r" flush)" "$(per_k "$cpu" "$n")" \
		"$(per_k "$dcpu" "$n")" "$(per_k "$(sum "$cpu" "$dcpu")" "$n")" "$(val "$r" hwm)" \
		"$(per_k "$(awk -v t="$(val "$r" broker)" -v hz="$HZ" 'BEGIN { print t / hz }')" "$n")" \
		"$(val "$r" machine | cut -d' ' -f1)"
}

target() { # label measured goal
	echo "target: $1: $2 $(num "${2%x}" && awk -v m="${2%x}" -v g="$3" 'BEGIN { print (m >= g) ? "PASS" : "FAIL" }' || echo FAIL)"
}

report() {
	local g gc c cc raw paho
	echo "greenmeter benchmark: gm-collector vs collectd mqtt plugin, into RRD files ($(date '+%Y-%m-%d %H:%M %Z'))"
	machine_line
	sed 's/^/machine: /' "$T/host"
	echo "software: $(collectd -h | sed -n 's/^\(collectd [0-9.a-z]*\),.*/\1/p'), $(mosquitto -h | head -1 | sed 's/ version / /'), rrdtool $(rrdtool | sed -n '1s/^RRDtool \([0-9.]*\).*/\1/p'), paho $(dpkg-query -W -f '${Version}' libpaho-mqtt1.3 2>/dev/null), greenmeter ${VERSION:-?}"
	echo "files: $T on $(df -T "$T" | awk 'NR == 2 { print $2 " (" $1 ")" }')"
	echo "load: $METERS meters x $CHANNELS channels = $CH channels, $READINGS readings each (one a minute) = $N messages of one reading, QoS 1," \
		"pre-queued in mosquitto (persistent session) before the storer starts; the benchmark took $((SECONDS / 60)) min $((SECONDS % 60)) s"
	echo
	printf '%-30s %8s %8s %9s %8s %7s %8s %8s %8s %7s %8s %7s\n' "" readings "s" "readings/s" \
		"to rrdc" "flush" "CPU/1k" "rrdc/1k" "sum/1k" "RSS MiB" "mosq/1k" "busy %"
	row raw-gm "broker raw, gm messages"
	row raw-collectd "broker raw, collectd messages"
	row paho-gm "paho, no work, gm messages"
	row gm "gm-collector, librrd"
	row gm-cached "gm-collector, rrdcached"
	row collectd "collectd, rrdtool plugin"
	row collectd-cached "collectd, rrdcached plugin"
	row gm-prime "gm-collector, 1st reading *"
	row collectd-prime "collectd, 1st reading *"
	echo "s: from the storer's start to every reading in its file (rrdcached: flush included); CPU/1k: CPU s of the storer per 1000 readings;"
	echo "rrdc/1k: rrdcached's; sum/1k: both; RSS: the storer's peak (VmHWM); mosq/1k: mosquitto's CPU s (not counted); busy %: both CPUs, any process"
	echo "* the first reading of each channel, which makes its file (gm-collector: 2.5 MB, collectd: 1.45 MB)"
	echo
	g=$(val gm rate); gc=$(val gm-cached rate); c=$(val collectd rate); cc=$(val collectd-cached rate)
	raw=$(val raw-gm rate); paho=$(val paho-gm rate)
	echo "gm-collector / collectd, librrd:    $(ratio "$g" "$c") the rate, $(ratio "$(per_k "$(val gm cpu)" "$N")" "$(per_k "$(val collectd cpu)" "$N")") the CPU"
	echo "gm-collector / collectd, rrdcached: $(ratio "$gc" "$cc") the rate, $(ratio "$(sum "$(val gm-cached cpu)" "$(val gm-cached daemon_cpu)")" "$(sum "$(val collectd-cached cpu)" "$(val collectd-cached daemon_cpu)")") the CPU (rrdcached's included)"
	echo "gm-collector / broker raw:          $(ratio "$g" "$raw") (librrd), $(ratio "$gc" "$raw") (rrdcached)"
	echo "paho with no work / broker raw:     $(ratio "$paho" "$raw") (the ceiling of a paho subscriber);" \
		"each pair: $(pairs)"
	echo "gm-collector / paho with no work:   $(ratio "$g" "$paho") (librrd), $(ratio "$gc" "$paho") (rrdcached)"
	target "gm-collector >= 2x collectd (librrd)" "$(ratio "$g" "$c")" 2
	target "gm-collector >= 2x collectd (rrdcached)" "$(ratio "$gc" "$cc")" 2
	target "gm-collector >= 50% of the broker's raw rate (librrd)" "$(ratio "$g" "$raw")" 0.5
	target "gm-collector >= 50% of the broker's raw rate (rrdcached)" "$(ratio "$gc" "$raw")" 0.5
	echo
	echo "checks:"
	for r in gm-prime gm gm-cached collectd-prime collectd collectd-cached; do
		check_line "$r"
	done
	echo "  rrdcached peak RSS: gm-collector run $(val gm-cached daemon_hwm) MiB, collectd run $(val collectd-cached daemon_hwm) MiB"
	echo "  publishing (bench/loadgen.c, not measured above):"
	grep -v '^first_publish' "$T/publish.log" | sed 's/^/    /'
}

# Every raw/paho pair's rates and ratio, in the order they ran.
pairs() {
	local i r p out=""
	for i in $(seq "$PAIRS"); do
		r=$(val "raw-gm$(pair "$i")" rate); p=$(val "paho-gm$(pair "$i")" rate)
		out="$out${out:+, }$p / $r = $(ratio "$p" "$r")"
	done
	echo "$out"
}

check_line() { # run
	local r=$1 files
	if [ -n "$(val "$r" timeout)" ]; then
		files="NOT COMPLETE: $(val "$r" timeout) files lack the final reading after $LIMIT s"
	else
		files="every file ends at the final reading"
	fi
	echo "  $r: $files$(val "$r" value_ok | sed 's/^/; last value as sent: /')$(val "$r" status_ok | sed 's/^/; status: /');" \
		"$(val "$r" log_problems) error/warning log lines; machine busy $(val "$r" machine | sed 's/ /%, stolen /')%"
}

show_problems() {
	local r
	for r in gm-prime gm gm-cached collectd-prime collectd collectd-cached; do
		[ -f "$T/$r.sum" ] && [ "$(val "$r" log_problems)" != 0 ] || continue
		echo
		echo "$r log, first problem lines:"
		grep -iE 'error|warn|fail' "$T/$r.log" | head -5 | sed 's/^/    /'
	done
}

# --- MODE=e2e: end to end, fresh channels ------------------------------------
# For each load (E2E_LOADS, "channels x readings"), PAIRS rounds of three
# runs, in this order each round: gm-collector, collectd with its default
# rrdtool layout, collectd with the layout matched to gm-collector's. Every
# run starts from nothing: an empty data directory, a new client id. Its
# persistent session is made (so nothing published after the storer is up
# can miss it), the storer is started and waited for until the broker logs
# its connection, loadgen wait is started on the (not yet existing) files,
# and only then does loadgen pub publish the whole load, minute by minute,
# live. The clock runs from the first publish to the moment every file
# holds its channel's final reading; then the storer is stopped, every
# reading is looked for in its file (loadgen check), and the files are
# removed.

# One file's layout, from `rrdtool info`: "step ds_count value_heartbeat
# xff values rras spans", values = data sources x rows of all RRAs (8 bytes
# each), spans = the distinct spans of the RRAs in seconds, ascending and
# comma-separated.
rrd_layout_of() { # file
	rrdtool info "$1" | awk -F' = ' '
		$1 == "step" { step = $2 }
		$1 ~ /^ds\[.*\]\.type$/ { ds++ }
		$1 == "ds[value].minimal_heartbeat" { hb = $2 }
		$1 ~ /^rra\[[0-9]+\]\.cf$/ { n++ }
		$1 ~ /^rra\[[0-9]+\]\.rows$/ { i = $1; gsub(/[^0-9]/, "", i); rows[i] = $2; sum += $2 }
		$1 ~ /^rra\[[0-9]+\]\.pdp_per_row$/ { i = $1; gsub(/[^0-9]/, "", i); pdp[i] = $2 }
		$1 == "rra[0].xff" { xff = $2 + 0 }
		END {
			for (i in rows) seen[step * pdp[i] * rows[i]] = 1
			m = 0; for (s in seen) sp[++m] = s + 0
			for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (sp[j] < sp[i]) { x = sp[i]; sp[i] = sp[j]; sp[j] = x }
			spans = ""; for (i = 1; i <= m; i++) spans = spans (i > 1 ? "," : "") sp[i]
			print step, ds, hb, xff, ds * sum, n, spans
		}'
}

# collectd's rrdtool plugin layout whose data comes nearest gm-collector's
# (the layout line of rrd_layout_of): the same step, heartbeat and xff, one
# RRATimespan for each of gm-collector's spans, and the RRARows that makes
# 1 data source x 3 RRAs a span (AVERAGE, MIN, MAX: collectd's fixed set)
# hold the same number of values. RRA sizes are computed as collectd 5.12's
# utils_rrdcreate.c rra_get() does: the first span one step a row; each
# other span at least RRARows steps long, floor(span / (RRARows x step))
# steps a row, ceil(span / (steps x step)) rows. Prints the plugin's lines,
# then "# values N" (what the file will hold).
matched_layout() { # "step ds hb xff values rras spans"
	echo "$1" | awk '{
		step = $1; hb = $3; xff = $4; target = $5; n = split($7, sp, ",")
		best = -1
		for (r = 1; r <= 400000; r++) {
			v = 3 * rows(r)
			d = v > target ? v - target : target - v
			if (best < 0 || d < bestd) { best = r; bestd = d; bestv = v }
		}
		printf "  StepSize %d\n  HeartBeat %d\n  RRARows %d\n", step, hb, best
		for (i = 1; i <= n; i++) printf "  RRATimespan %d\n", sp[i]
		printf "  XFF %s\n# values %d\n", xff, bestv
	}
	function rows(r,   i, s, len, total) {
		len = 0; total = 0
		for (i = 1; i <= n; i++) {
			s = sp[i]
			if (int(s / step) < r) s = step * r
			if (len == 0) len = 1; else len = int(s / (r * step))
			total += int(s / (len * step)) + (s % (len * step) != 0)
		}
		return total
	}'
}

# Wait until the broker has seen client_id connect for the n-th time.
broker_saw() { # client_id n
	[ "$(grep -c "New client connected .* as $1 " "$T/mosquitto.log")" -ge "$2" ]
}

# One end-to-end run: writes $T/<run>.sum.
e2e_run() { # run storer(gm|cd-default|cd-matched|gm-cached|cd-cached) meters channels readings
	local run=$1 kind=$2 meters=$3 chans=$4 readings=$5 fmt=gm filter='greenmeter/v1/#'
	local data=$T/$1-data ch=$(($3 * $4)) n=$(($3 * $4 * $5)) pid wpid m0 b0 file last
	local final=$((BASE + 60 * ($5 - 1))) daemon=() pids
	case $kind in gm*) ;; *) fmt=collectd; filter='collectd/#' ;; esac
	mkdir -p "$data" "$T/collectd"
	RRDCACHED_PID=""
	case $kind in *-cached) start_rrdcached "$run" "$data"; daemon=(-s "unix:$RRDCACHED_SOCK") ;; esac
	case $kind in
	gm | gm-cached) gm_conf "$data" "$T/$run.status" "$run" >"$T/$run.conf" ;;
	cd-default) collectd_conf "$run" "$data" "" "" >"$T/$run.conf" ;;
	cd-matched) collectd_conf "$run" "$data" "" "$(grep -v '^#' "$T/matched.layout")" >"$T/$run.conf" ;;
	cd-cached) collectd_conf "$run" "$data" "$RRDCACHED_SOCK" "$(grep -v '^#' "$T/matched.layout")" >"$T/$run.conf" ;;
	esac
	session "$run" "$filter"
	rm -f "$T/status-last"
	sync   # what earlier runs left dirty is not this run's to write back
	b0=$(ticks "$BROKER_PID"); m0=$(machine)
	case $kind in
	gm) start "$run" "$BIN/gm-collector" -c "$T/$run.conf" ;;
	gm-cached) start "$run" "$BIN/gm-collector" --rrdcached "unix:$RRDCACHED_SOCK" -c "$T/$run.conf" ;;
	*) start "$run" collectd -f -C "$T/$run.conf" ;;
	esac
	pid=$LAST_PID
	pids=$pid${RRDCACHED_PID:+,$RRDCACHED_PID}
	# the whole machine (the broker and the publisher too), not a wrapper:
	# loadgen wait watches the storer's own CPU
	[ "${PROFILE:-}" = "$run" ] && perf record -q -g -a -o "$T/$run.perf" 2>/dev/null &
	wait_for 30 broker_saw "$run" 2 || die "$run: the storer did not connect: $(tail -3 "$T/$run.log")"
	"$T/loadgen" wait -f "$fmt" -d "$data" -M "$meters" -C "$chans" -T "$final" -l "$LIMIT" \
		"${daemon[@]}" -P "$pids" -q "$QUIET" >"$T/$run.wait" 2>&1 &
	wpid=$!
	PIDS="$PIDS $wpid"
	"$T/loadgen" pub -p "$BROKER_PORT" -f "$fmt" -M "$meters" -C "$chans" -b "$BASE" -k 0 \
		-n "$readings" -w "$WINDOW" >"$T/$run.pub" 2>&1 ||
		note "$run: publishing failed: $(tail -2 "$T/$run.pub")"
	wait "$wpid" || note "$run: $(cat "$T/$run.wait")"
	[ "${PROFILE:-}" = "$run" ] && pkill -INT -f "perf record -q -g -a -o $T/$run.perf" && sleep 3
	PIDS=$(echo " $PIDS " | sed "s/ $wpid / /; s/^ *//; s/ *$//")
	{
		echo "readings=$n"
		echo "channels=$ch"
		echo "machine=$(machine_share "$m0" "$(machine)")"
		echo "broker=$(($(ticks "$BROKER_PID") - b0))"
		awk -v n="$n" -v ch="$ch" -v hz="$HZ" -v pid="$pid" -v d="${RRDCACHED_PID:-}" -v limit="$LIMIT" '
			function proc(p, f,   i, a) { for (i = 3; i <= NF; i++) { split($i, a, ":"); if (a[1] == p) return a[f] } return "" }
			function done() {
				printf "secs=%.2f\nrate=%.0f\ncpu=%.2f\nhwm=%.1f\n", $2 - t0, n / ($2 - t0), proc(pid, 2) / hz, proc(pid, 3) / 1024
				if (d != "") printf "daemon_cpu=%.2f\ndaemon_hwm=%.1f\n", proc(d, 2) / hz, proc(d, 3) / 1024
			}
			FILENAME ~ /pub$/ && $1 == "first_publish" { t0 = $2 }
			FILENAME ~ /pub$/ && $1 == "published" { printf "pub_secs=%.2f\n", $5 }
			FILENAME ~ /wait$/ && $1 == "exist" && t0 { printf "exist=%.2f\nnew_rate=%.0f\n", $2 - t0, ch / ($2 - t0) }
			FILENAME ~ /wait$/ && $1 == "received" && t0 { printf "to_daemon=%.2f\n", $2 - t0 }
			FILENAME ~ /wait$/ && $1 == "complete" && t0 { done() }
			FILENAME ~ /wait$/ && $1 == "settled" && t0 { done() }
			FILENAME ~ /wait$/ && $1 == "settled_missing" { print "settled=" $2 }
			FILENAME ~ /wait$/ && $1 ~ /^timeout/ { print "timeout=" $2; print "secs=" limit }' "$T/$run.pub" "$T/$run.wait"
	} >"$T/$run.sum"
	# the time to current of the last readings: from the last one
	# acknowledged to the publisher until every file holds it
	awk -v s="$(val "$run" secs)" -v p="$(val "$run" pub_secs)" \
		'BEGIN { if (s != "" && p != "") printf "tail=%.2f\n", s - p }' >>"$T/$run.sum"
	stop "$pid"
	[ -n "$RRDCACHED_PID" ] && stop "$RRDCACHED_PID"
	RRDCACHED_PID=""
	# every reading of every channel, in its file
	"$T/loadgen" check -f "$fmt" -d "$data" -M "$meters" -C "$chans" -b "$BASE" -k 0 -n "$readings" \
		>"$T/$run.check" 2>&1
	awk '$1 == "files" { print "files=" $2; print "at_final=" $4; print "stored=" $8; print "lost=" $10 }' \
		"$T/$run.check" >>"$T/$run.sum"
	file=$(find "$data/bench" -name '*.rrd' -print -quit 2>/dev/null)
	[ -n "$file" ] && echo "file_bytes=$(stat -c %s "$file")" >>"$T/$run.sum"
	[ "$kind" = gm-cached ] && check_status "$run" "$T/$run.status" "$readings"
	if [ "$kind" = gm ]; then
		check_status "$run" "$T/$run.status" "$readings"
		last=$data/bench/m$(printf %04d $((meters - 1)))/c$((chans - 1)).rrd
		[ -f "$T/gm.layout-file" ] || { cp "$last" "$T/gm-layout.rrd" && echo "$run" >"$T/gm.layout-file"; }
		echo "layout=$(rrd_layout_of "$last")" >>"$T/$run.sum"
	elif [ "$kind" = cd-default ] && [ ! -f "$T/cd-default.info" ]; then
		rrdtool info "$file" >"$T/cd-default.info"
	fi
	log_problems "$run"
	drop_session "$run"
	[ -n "${KEEP:-}" ] || rm -rf "$data" "$T/$run-journal"   # 10 000 channels are up to 25 GB
	note "$run: $(val "$run" secs) s end to end, $(val "$run" new_rate) new channels/s," \
		"$(val "$run" rate) readings/s, lost $(val "$run" lost)"
}

# A subscriber that stores nothing, on the same load live: what any storer
# built on that library needs end to end at least (paho: loadgen sub, a
# callback that only counts; libmosquitto: mosquitto_sub, as collectd's mqtt
# plugin uses). s: first publish to its COUNT-th message; CPU: its own.
e2e_sub_run() { # run paho|mosq meters channels readings
	local run=$1 n=$(($3 * $4 * $5)) pid m0 t1 waited=0
	session "$run" 'greenmeter/v1/#'
	m0=$(machine)
	if [ "$2" = paho ]; then
		start "$run" /usr/bin/time -f "cpu %U %S" "$T/loadgen" sub -p "$BROKER_PORT" -i "$run" -N "$n"
	else
		# -F %U: each message's arrival time, the last one the clock's stop
		start "$run" sh -c 'exec /usr/bin/time -f "cpu %U %S" mosquitto_sub -p "$1" -c -i "$2" -q 1 \
			-t "greenmeter/v1/#" -C "$3" -F %U | tail -1 | sed "s/^/last_message /"' \
			sh "$BROKER_PORT" "$run" "$n"
	fi
	pid=$LAST_PID
	wait_for 30 broker_saw "$run" 2 || die "$run: the subscriber did not connect: $(tail -3 "$T/$run.log")"
	"$T/loadgen" pub -p "$BROKER_PORT" -f gm -M "$3" -C "$4" -b "$BASE" -k 0 -n "$5" \
		-w "$WINDOW" >"$T/$run.pub" 2>&1 || note "$run: publishing failed: $(tail -2 "$T/$run.pub")"
	while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt $((LIMIT * 50)) ]; do
		sleep 0.02; waited=$((waited + 1))
	done
	stop "$pid"
	t1=$(awk '$1 == "last_message" { print $2 }' "$T/$run.log")
	{
		echo "readings=$n"
		echo "machine=$(machine_share "$m0" "$(machine)")"
		awk -v t1="$t1" '$1 == "first_publish" { t0 = $2 } $1 == "published" { p = $5 }
			END { if (t0 && t1) printf "secs=%.2f\nrate=%.0f\ntail=%.2f\n", t1 - t0, '"$n"' / (t1 - t0), (t1 - t0 > p ? t1 - t0 - p : 0) }' "$T/$run.pub"
		awk '$1 == "cpu" { printf "cpu=%.2f\n", $2 + $3 }' "$T/$run.log"
	} >"$T/$run.sum"
	drop_session "$run"
	note "$run: $(val "$run" secs) s end to end, storing nothing"
}

# The runs through rrdcached, with E2E_CACHED=1.
cached_kinds() { [ "${E2E_CACHED:-0}" != 0 ] && echo gm-cached cd-cached; }

e2e_runs() {
	local load ch readings meters p kind k=0
	for load in $E2E_LOADS; do
		k=$((k + 1))
		ch=${load%x*}; readings=${load#*x}
		meters=$((ch / CHANNELS))
		[ $((meters * CHANNELS)) = "$ch" ] || die "E2E_LOADS: $ch channels is not a multiple of CHANNELS=$CHANNELS"
		note "load $k: $ch fresh channels x $readings readings, $PAIRS rounds"
		for p in $(seq "$PAIRS"); do
			for kind in gm cd-default cd-matched $(cached_kinds); do
				case ${ONLY:-}:$kind in gm:cd-* | collectd:gm*) continue ;; esac
				if [ "${kind#cd-}" != default ] && [ "${kind#cd-}" != "$kind" ] && [ ! -f "$T/matched.layout" ]; then
					[ -f "$T/gm-layout.rrd" ] ||
						die "the matched layout needs a gm-collector file of this run (ONLY=collectd cannot make one)"
					matched_layout "$(rrd_layout_of "$T/gm-layout.rrd")" >"$T/matched.layout"
				fi
				e2e_run "l$k-$kind-$p" "$kind" "$meters" "$CHANNELS" "$readings"
			done
			if [ "${FLOOR:-1}" != 0 ] && [ "${ONLY:-}" != collectd ]; then
				for kind in paho mosq; do
					e2e_sub_run "l$k-$kind-$p" "$kind" "$meters" "$CHANNELS" "$readings"
				done
			fi
		done
	done
}

median() { # [printf format]
	tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -g | awk -v f="${1:-%.2f}" '{ v[NR] = $1 }
		END { if (NR == 0) print "-"; else printf f "\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# One key of every round's run of a storer at a load, space-separated.
each() { # load storer key
	local p out=""
	for p in $(seq "$PAIRS"); do out="$out $(val "l$1-$2-$p" "$3")"; done
	echo "${out# }"
}

e2e_med() { # load storer key
	local f=%.2f
	case $3 in rate | new_rate) f=%.0f ;; hwm) f=%.1f ;; esac
	each "$@" | median "$f"
}
e2e_sum() { each "$@" | tr ' ' '\n' | awk 'NF { s += $1; n++ } END { print n ? s : "-" }'; }
busy() { local p out=""; for p in $(seq "$PAIRS"); do out="$out $(val "l$1-$2-$p" machine | cut -d' ' -f1)"; done; echo "$out" | median %.0f; }

# PASS when measured <= goal (a ratio) or, with ge, >= goal
verdict() { # measured goal [ge]
	num "${1%x}" || { echo FAIL; return; }
	awk -v m="${1%x}" -v g="$2" -v ge="${3:-}" 'BEGIN { print ((ge ? m >= g : m <= g) ? "PASS" : "FAIL") }'
}

e2e_report() {
	local load k=0 ch readings kind label p secs big=0 bigk=0 g d m
	echo "greenmeter benchmark: gm-collector vs collectd mqtt plugin, end to end into fresh RRD files ($(date '+%Y-%m-%d %H:%M %Z'))"
	machine_line
	sed 's/^/machine: /' "$T/host"
	echo "software: $(collectd -h | sed -n 's/^\(collectd [0-9.a-z]*\),.*/\1/p'), $(mosquitto -h | head -1 | sed 's/ version / /'), rrdtool $(rrdtool | sed -n '1s/^RRDtool \([0-9.]*\).*/\1/p'), paho $(dpkg-query -W -f '${Version}' libpaho-mqtt1.3 2>/dev/null), greenmeter ${VERSION:-?}"
	echo "files: $T on $(df -T "$T" | awk 'NR == 2 { print $2 " (" $1 ")" }'); the benchmark took $((SECONDS / 60)) min $((SECONDS % 60)) s"
	echo "each run: empty data directory, storer started and connected, then the load published live (QoS 1, one reading a message, at most $WINDOW unacknowledged);"
	echo "$PAIRS rounds a load, each round gm-collector, collectd default layout, collectd matched layout$([ -n "$(cached_kinds)" ] && echo ", gm-collector through rrdcached, collectd's rrdcached plugin (matched layout)"), in that order$([ "${FLOOR:-1}" != 0 ] && echo ", then paho and mosquitto_sub storing nothing")"
	echo
	echo "layouts (read from one file of each in this run):"
	[ -f "$T/gm.layout-file" ] && rrd_layout_of "$T/gm-layout.rrd" | awk -v f="$(cat "$T/gm.layout-file")" -v b="$(val "$(cat "$T/gm.layout-file")" file_bytes)" \
		'{ printf "  gm-collector:      step %d s, %d data sources, %d RRAs, spans %s s, %d values = %.2f MB of data, file %d bytes (run %s)\n", $1, $2, $6, $7, $5, $5 * 8 / 1e6, b, f }'
	[ -f "$T/cd-default.info" ] && awk -F' = ' '$1 == "step" { s = $2 } $1 ~ /^rra\[[0-9]+\]\.rows$/ { v += $2; n++ } $1 == "ds[value].minimal_heartbeat" { hb = $2 }
		END { printf "  collectd default:  step %d s, heartbeat %d s, 1 data source, %d RRAs, %d values = %.2f MB of data", s, hb, n, v, v * 8 / 1e6 }' "$T/cd-default.info"
	[ -f "$T/cd-default.info" ] && echo ", file $(val l1-cd-default-1 file_bytes) bytes"
	[ -f "$T/matched.layout" ] && echo "  collectd matched:  $(grep -v '^#' "$T/matched.layout" | sed 's/^ *//' | paste -sd, | sed 's/,/, /g'); $(sed -n 's/^# values //p' "$T/matched.layout") values = $(awk -v v="$(sed -n 's/^# values //p' "$T/matched.layout")" 'BEGIN { printf "%.2f", v * 8 / 1e6 }') MB of data, file $(val l1-cd-matched-1 file_bytes) bytes"
	for load in $E2E_LOADS; do
		k=$((k + 1)); ch=${load%x*}; readings=${load#*x}
		[ "$ch" -gt "$big" ] && { big=$ch; bigk=$k; }
		echo
		echo "load $k: $ch fresh channels x $readings readings = $((ch * readings)) readings"
		printf '%-28s' ""
		for p in $(seq "$PAIRS"); do printf ' %8s' "s #$p"; done
		printf ' %8s %7s %9s %10s %7s %8s %7s %7s\n' "median s" "tail s" "new ch/s" "readings/s" lost "RSS MiB" "CPU s" "busy %"
		for kind in gm cd-default cd-matched gm-cached cd-cached paho mosq; do
			[ -f "$T/l$k-$kind-1.sum" ] || continue
			case $kind in gm) label="gm-collector (librrd)" ;; cd-default) label="collectd, default layout" ;;
			cd-matched) label="collectd, matched layout" ;; paho) label="paho, nothing stored" ;;
			gm-cached) label="gm-collector, rrdcached" ;; cd-cached) label="collectd, rrdcached, matched" ;;
			*) label="libmosquitto, nothing stored" ;; esac
			printf '%-28s' "$label"
			for p in $(seq "$PAIRS"); do
				secs=$(val "l$k-$kind-$p" secs)
				[ -n "$(val "l$k-$kind-$p" settled)" ] && secs="$secs*"
				[ -n "$(val "l$k-$kind-$p" timeout)" ] && secs=">$LIMIT"
				printf ' %8s' "${secs:--}"
			done
			printf ' %8s %7s %9s %10s %7s %8s %7s %7s\n' "$(e2e_med "$k" "$kind" secs)" "$(e2e_med "$k" "$kind" tail)" "$(e2e_med "$k" "$kind" new_rate)" \
				"$(e2e_med "$k" "$kind" rate)" "$(e2e_sum "$k" "$kind" lost)" "$(e2e_med "$k" "$kind" hwm)" \
				"$(e2e_med "$k" "$kind" cpu)" "$(busy "$k" "$kind")"
		done
		g=$(e2e_med "$k" gm secs); d=$(e2e_med "$k" cd-default secs); m=$(e2e_med "$k" cd-matched secs)
		echo "gm / collectd default: $(ratio "$g" "$d") (rounds: $(round_ratios "$k" cd-default)); gm / collectd matched: $(ratio "$g" "$m") (rounds: $(round_ratios "$k" cd-matched))"
		[ -f "$T/l$k-gm-cached-1.sum" ] && echo "rrdcached: gm-collector / collectd: $(ratio "$(e2e_med "$k" gm-cached secs)" "$(e2e_med "$k" cd-cached secs)") (rounds: $(round_ratios "$k" cd-cached gm-cached)); every final value in rrdcached after $(e2e_med "$k" gm-cached to_daemon) / $(e2e_med "$k" cd-cached to_daemon) s; rrdcached's CPU $(e2e_med "$k" gm-cached daemon_cpu) / $(e2e_med "$k" cd-cached daemon_cpu) s, peak RSS $(e2e_med "$k" gm-cached daemon_hwm) / $(e2e_med "$k" cd-cached daemon_hwm) MiB"
		[ -f "$T/l$k-paho-1.sum" ] && echo "paho, nothing stored / collectd default: $(ratio "$(e2e_med "$k" paho secs)" "$d"); gm / paho, nothing stored: $(ratio "$g" "$(e2e_med "$k" paho secs)"); libmosquitto, nothing stored / collectd default: $(ratio "$(e2e_med "$k" mosq secs)" "$d")"
	done
	echo
	echo "s: first publish to every channel's file at its final reading; tail s: the last reading acknowledged to the publisher to every file holding it;"
	echo "new ch/s: channels / (first publish to every channel's file made);"
	echo "*: some files never got their final reading (lost): the time until the storer was last busy (idle $QUIET s after)"
	echo "readings/s: readings / s; lost: readings published and not in their files (loadgen check, every row, all rounds);"
	echo "RSS: the storer's peak (VmHWM) and CPU s: its utime + stime, both when every file was complete; busy %: both CPUs, any process; medians of the rounds"
	echo
	e2e_targets "$bigk" "$big"
	echo
	echo "checks:"
	local f
	for f in "$T"/l*-*.sum; do
		case $f in *-paho-*|*-mosq-*) continue ;; esac
		e2e_check_line "$(basename "$f" .sum)"
	done
}

round_ratios() { # load storer [gm's run kind]
	local p out=""
	for p in $(seq "$PAIRS"); do out="$out${out:+, }$(ratio "$(val "l$1-${3:-gm}-$p" secs)" "$(val "l$1-$2-$p" secs)")"; done
	echo "$out"
}

e2e_targets() { # load_with_most_channels its_channels
	local first=${E2E_LOADS%% *} r bad=0 f
	r=$(ratio "$(e2e_med 1 gm secs)" "$(e2e_med 1 cd-default secs)")
	echo "target: ${first%x*} x ${first#*x}: gm-collector's end-to-end time <= 0.67x collectd's, default layout: $r $(verdict "$r" 0.67)"
	r=$(ratio "$(e2e_med 1 gm secs)" "$(e2e_med 1 cd-matched secs)")
	echo "target: ${first%x*} x ${first#*x}: gm-collector's end-to-end time <= 0.67x collectd's, matched layout: $r $(verdict "$r" 0.67)"
	r=$(ratio "$(e2e_med "$1" gm secs)" "$(e2e_med "$1" cd-matched secs)")
	echo "target: $2 fresh channels: gm-collector's end-to-end time <= collectd's, matched layout: $r $(verdict "$r" 1)"
	r=$(ratio "$(e2e_med "$1" gm new_rate)" "$(e2e_med "$1" cd-matched new_rate)")
	echo "target: $2 fresh channels: gm-collector's new channels/s >= collectd's, matched layout: $(e2e_med "$1" gm new_rate) / $(e2e_med "$1" cd-matched new_rate) = $r $(verdict "$r" 1 ge)"
	for f in "$T"/l*-gm-*.sum; do
		f=$(basename "$f" .sum)
		[ "$(val "$f" lost)" = 0 ] && [ "$(val "$f" at_final)" = "$(val "$f" channels)" ] && [ -z "$(val "$f" timeout)" ] && [ -z "$(val "$f" settled)" ] || bad=$((bad + 1))
	done
	echo "target: gm-collector: 0 lost and every file at its final reading, every run$([ -n "$(cached_kinds)" ] && echo ", rrdcached's too"): $bad runs not $([ "$bad" = 0 ] && echo PASS || echo FAIL)"
	r=$(each "$1" gm hwm | tr ' ' '\n' | sort -g | tail -1)
	echo "target: gm-collector's peak RSS at $2 channels < 64 MiB (largest of the rounds): ${r:--} MiB $(num "$r" && awk -v r="$r" 'BEGIN { print r < 64 ? "PASS" : "FAIL" }' || echo FAIL)"
}

e2e_check_line() { # run
	local r=$1
	echo "  $r: $(val "$r" files) files, $(val "$r" at_final) at the final reading, $(val "$r" stored) of $(val "$r" readings) readings stored$(val "$r" timeout | sed 's/^/, TIMEOUT: files left /')$(val "$r" settled | sed 's/^/, NEVER AT THE FINAL READING (storer idle): files /')$(val "$r" status_ok | sed 's/^/; status: /');" \
		"all files made after $(val "$r" exist) s;$(val "$r" to_daemon | sed 's/^\(.*\)$/ every final value in rrdcached after \1 s;/') publishing took $(val "$r" pub_secs) s; $(val "$r" log_problems) error/warning log lines; machine busy $(val "$r" machine | sed 's/ /%, stolen /')%"
}

e2e_problems() {
	local f r
	for f in "$T"/l*-*.sum; do
		r=$(basename "$f" .sum)
		case $r in *-paho-*|*-mosq-*) continue ;; esac
		[ "$(val "$r" log_problems)" != 0 ] || [ "$(val "$r" lost)" != 0 ] || continue
		echo
		echo "$r: first problem lines:"
		{ grep -iE 'error|warn|fail' "$T/$r.log" | head -5; grep -v '^files' "$T/$r.check" | head -5; } | sed 's/^/    /'
	done
}

e2e_main() {
	local big
	OUT=$ROOT/bench/results/collector-e2e-$STAMP.txt
	big=$(echo "$E2E_LOADS" | tr ' ' '\n' | cut -dx -f1 | sort -n | tail -1)
	CH=$big need
	# reading times: the last of the longest load 15 minutes ago
	BASE=$((($(date +%s) / 60 - $(echo "$E2E_LOADS" | tr ' ' '\n' | cut -dx -f2 | sort -n | tail -1) - 15) * 60))
	build
	note "work files in $T"
	host_speed >"$T/host" # before any run: a quiet disk
	start_broker || die "mosquitto did not start"
	e2e_runs
	mkdir -p "$(dirname "$OUT")"
	{ e2e_report; e2e_problems; } | tee "$OUT"
	note "written to ${OUT#$ROOT/}"
}

main() {
	[ "${MODE:-}" = e2e ] && { e2e_main; return; }
	need
	build
	note "work files in $T"
	host_speed >"$T/host"
	start_broker || die "mosquitto did not start"
	[ "${ONLY:-gm}" = gm ] && gm_runs
	[ "${ONLY:-collectd}" = collectd ] && collectd_runs
	mkdir -p "$(dirname "$OUT")"
	{ report; show_problems; } | tee "$OUT"
	note "written to ${OUT#$ROOT/}"
}

main "$@"
