#!/bin/bash
# agent-modbus.sh - benchmark (not a test): gm-agent against collectd's modbus
# plugin, polling the same simulated meters in the same run.
#
#   bash bench/agent-modbus.sh        about 8 minutes; run as root (tcpdump)
#
# 10 gm-sim gateways (one process and port each, 25 ms a request like an
# RS485 bus at 9600 baud, one request at a time) with 100 Eastron SDM630
# meters each, 5 float32 values a meter: 1000 meters, 5000 values. Each poller
# runs alone against those same simulators, one after the other: gm-agent,
# then collectd with ReadThreads 5 (its default), then with ReadThreads 10.
# Each run is one warm-up cycle and CYCLES measured ones.
#
# How each figure is measured (docs/benchmarks.md says more):
#   cycle     tcpdump on lo timestamps every Modbus request arriving at the
#             simulators; a cycle is a burst of requests (no gap > QUIET s);
#             cycle time = last request - first request + LATENCY_MS (the last
#             answer). Requests per cycle and per gateway come from the same
#             capture. For gm-agent the published timestamps ("t") cross-check.
#   CPU       utime + stime of the poller (/proc/PID/stat, all threads) from
#             just before the first measured cycle to just after the last.
#   RSS       VmRSS (/proc/PID/status) after the last measured cycle.
#
# Knobs (environment): GATEWAYS=10 METERS=100 LATENCY_MS=25 INTERVAL=60
# CYCLES=2 THREADS="5 10" (collectd ReadThreads runs; empty: none)
# BIN=dir (use these gm-agent and gm-sim, do not build) KEEP=1 (keep files).
set -u
export LC_ALL=C
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tools/runlib.sh"

GATEWAYS=${GATEWAYS:-10}
METERS=${METERS:-100}
LATENCY_MS=${LATENCY_MS:-25}
INTERVAL=${INTERVAL:-60}
CYCLES=${CYCLES:-2}
THREADS=${THREADS-5 10}
QUIET=3                       # s without a request that ends a cycle
HZ=$(getconf CLK_TCK)
REQS_MIN=2                    # requests an SDM630 needs with max_gap 64
STAMP=$(date +%Y-%m-%dT%H%M)
OUT=$ROOT/bench/results/agent-modbus-$STAMP.txt

T=$(mktemp -d /tmp/gm-bench.XXXXXX)
PIDS=""

die() { echo "agent-modbus: $*" >&2; exit 1; }
note() { echo "# $*" >&2; }

# --- processes: everything started is recorded and stopped by pid ---------
cleanup() {
	stop_pids $PIDS
	if [ -n "${KEEP:-}" ]; then echo "# files kept in $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Start a command in the background, output to $T/<name>.log; pid in LAST_PID.
start() {
	local name=$1; shift
	"$@" >>"$T/$name.log" 2>&1 &
	LAST_PID=$!
	PIDS="$PIDS $LAST_PID"
}

stop() { # pid...
	local p
	for p in "$@"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
		PIDS=$(echo " $PIDS " | sed "s/ $p / /; s/^ *//; s/ *$//")
	done
}

need() {
	local missing="" c
	for c in collectd tcpdump mosquitto mosquitto_sub socat make ss; do
		command -v "$c" >/dev/null || missing="$missing $c"
	done
	[ -f /usr/lib/collectd/modbus.so ] || missing="$missing modbus.so"
	[ -z "$missing" ] && return
	die "missing:$missing (apt-get install collectd-core tcpdump mosquitto mosquitto-clients socat iproute2)"
}

build() {
	if [ -n "${BIN:-}" ]; then
		note "using the programs in $BIN"
		return
	fi
	BIN=$ROOT/build/release/bin
	make -C "$ROOT" --no-print-directory build/release/bin/gm-agent build/release/bin/gm-sim \
		>"$T/build.log" 2>&1 || { tail -20 "$T/build.log" >&2; die "build failed"; }
}

# --- configuration files ---------------------------------------------------
sim_conf() { # gateway port
	local u
	printf '[sim]\nlisten = 127.0.0.1:%s\ndevices = %s/devices\nlatency_ms = %s\n' \
		"$2" "$ROOT" "$LATENCY_MS"
	for u in $(seq 1 "$METERS"); do
		printf '[meter g%02d-m%03d]\nunit = %d\nmodel = sdm630\nseed = %d\nload = %d\n' \
			"$1" "$u" "$u" $(($1 * 1000 + u)) $((5 + u % 40))
	done
}

agent_conf() {
	local g u
	printf '[agent]\nsite = bench\ndevices = %s/devices\n' "$ROOT"
	printf '[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = bench-agent\n' "$BROKER_PORT"
	for g in $(seq 1 "$GATEWAYS"); do
		for u in $(seq 1 "$METERS"); do
			printf '[meter g%02d-m%03d]\nmodel = sdm630\nhost = 127.0.0.1:%s\nunit = %d\ninterval = %s\n' \
				"$g" "$u" "${SIM_PORTS[$g]}" "$u" "$INTERVAL"
		done
	done
}

# The five SDM630 channels as collectd <Data> blocks: float32 high word first
# (collectd's "Float"), input registers (function 4). kWh counters are floats,
# so they go to a GAUGE type: collectd's COUNTER types take integers only.
collectd_conf() { # read_threads udp_port
	local g u
	cat <<CONF
Hostname "bench"
FQDNLookup false
BaseDir "$T/collectd"
PIDFile "$T/collectd/collectd.pid"
TypesDB "/usr/share/collectd/types.db"
Interval $INTERVAL
ReadThreads $1
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File STDOUT
  Timestamp true
</Plugin>
LoadPlugin network
<Plugin network>
  Server "127.0.0.1" "$2"
</Plugin>
LoadPlugin modbus
<Plugin modbus>
CONF
	printf '  <Data "%s">\n    RegisterBase %d\n    RegisterType Float\n    RegisterCmd ReadInput\n    Type %s\n    Instance "%s"\n  </Data>\n' \
		voltage_l1 0x0000 voltage l1 power_w 0x0034 power total \
		import_kwh 0x0048 energy import export_kwh 0x004A energy export \
		total_kwh 0x0156 energy total
	for g in $(seq 1 "$GATEWAYS"); do
		printf '  <Host "gw%02d">\n    Address "127.0.0.1"\n    Port "%s"\n    Interval %s\n' \
			"$g" "${SIM_PORTS[$g]}" "$INTERVAL"
		for u in $(seq 1 "$METERS"); do
			printf '    <Slave %d>\n      Instance "m%03d"\n' "$u" "$u"
			printf '      Collect "%s"\n' voltage_l1 power_w import_kwh export_kwh total_kwh
			printf '    </Slave>\n'
		done
		printf '  </Host>\n'
	done
	echo "</Plugin>"
}

# --- the shared parts: simulators and broker -------------------------------
start_sims() {
	local g
	SIM_PORTS=()
	for g in $(seq 1 "$GATEWAYS"); do
		SIM_PORTS[$g]=$(free_port)
		sim_conf "$g" "${SIM_PORTS[$g]}" >"$T/sim$g.conf"
		start "sim$g" "$BIN/gm-sim" -c "$T/sim$g.conf"
	done
	for g in $(seq 1 "$GATEWAYS"); do
		wait_port "${SIM_PORTS[$g]}" || die "gm-sim $g did not start: $(cat "$T/sim$g.log")"
	done
}

start_broker() {
	BROKER_PORT=$(free_port)
	mkdir -p "$T/mosq"
	{ broker_conf "$BROKER_PORT" "$T/mosq"; echo "max_queued_messages 0"; } >"$T/mosquitto.conf"
	start mosquitto mosquitto -c "$T/mosquitto.conf"
	BROKER_PID=$LAST_PID
	wait_port "$BROKER_PORT" || die "mosquitto did not start: $(cat "$T/mosquitto.log")"
}

# --- measurement helpers ---------------------------------------------------
# tcpdump every TCP segment sent to a simulator into $T/<run>.req.
capture_start() { # run
	local filter="" g
	for g in $(seq 1 "$GATEWAYS"); do
		filter="$filter${filter:+ or }dst port ${SIM_PORTS[$g]}"
	done
	tcpdump -i lo -n -tt -q -l --immediate-mode "tcp and ($filter)" \
		>"$T/$1.req" 2>"$T/$1.tcpdump.log" &
	CAPTURE_PID=$!
	PIDS="$PIDS $CAPTURE_PID"
	local i=0
	until grep -q "listening on" "$T/$1.tcpdump.log"; do
		i=$((i + 1)); [ $i -gt 100 ] && die "tcpdump did not start: $(cat "$T/$1.tcpdump.log")"
		sleep 0.1
	done
}

# Modbus requests in a capture: "time port requests" (a request is 12 bytes).
requests() { # file
	awk 'NF > 5 && $(NF - 1) == "tcp" && $NF > 0 { p = $5; sub(/:$/, "", p); sub(/.*\./, "", p)
		print $1, p, $NF / 12 }' "$1"
}

# Cycles completed so far: bursts of requests followed by QUIET s of none.
cycles_done() { # file
	requests "$1" | awk -v q="$QUIET" -v now="$EPOCHREALTIME" '
		NR == 1 || $1 - last > q { n++ }
		{ last = $1 }
		END { if (n && now - last <= q) n--; print n + 0 }'
}

wait_cycles() { # file n limit_s
	local until=$((SECONDS + $3))
	while [ $SECONDS -lt $until ]; do
		[ "$(cycles_done "$1")" -ge "$2" ] && return 0
		sleep 1
	done
	return 1
}

# Per measured cycle (bursts 2..CYCLES+1): "start end requests gw_min gw_max
# gw_span_max": requests per gateway and the longest one gateway took.
cycle_table() { # file
	requests "$1" | awk -v q="$QUIET" -v first=2 -v last=$((CYCLES + 1)) '
		function flush() {
			if (n < first || n > last) return
			lo = 1e9; hi = 0; span = 0
			for (p in cnt) {
				if (cnt[p] < lo) lo = cnt[p]
				if (cnt[p] > hi) hi = cnt[p]
				if (t1[p] - t0[p] > span) span = t1[p] - t0[p]
			}
			printf "%.6f %.6f %d %d %d %.6f\n", s, e, r, lo, hi, span
		}
		NR == 1 || $1 - e > q { if (NR > 1) flush(); n++; s = $1; r = 0; delete cnt; delete t0; delete t1 }
		{ e = $1; r += $3; cnt[$2] += $3; if (!($2 in t0)) t0[$2] = $1; t1[$2] = $1 }
		END { if (NR) flush() }'
}

# Every second until the process ends: "unix_time cpu_ticks rss_kB".
sample_proc() { # pid
	local pid=$1 stat k v rss
	while read -r stat 2>/dev/null </proc/"$pid"/stat; do
		rss=0
		while read -r k v _; do [ "$k" = VmRSS: ] && rss=$v; done </proc/"$pid"/status
		set -- ${stat##*) }
		echo "$EPOCHREALTIME $((${12} + ${13})) $rss"
		sleep 1
	done
}

sample_start() { # name pid
	sample_proc "$2" >"$T/$1.samples" &
	PIDS="$PIDS $!"
	SAMPLER_PIDS="${SAMPLER_PIDS:-} $!"
}

# CPU seconds per cycle between the last sample before `from` and the first
# after `to`, over n cycles.
cpu_per_cycle() { # samples from to n
	awk -v a="$2" -v b="$3" -v n="$4" -v hz="$HZ" '
		$1 < a { ta = $2 } $1 > b && tb == "" { tb = $2 }
		END { if (ta == "" || tb == "") print "nan"; else printf "%.3f\n", (tb - ta) / hz / n }' "$1"
}

rss_mib() { # samples: the last one
	awk 'END { printf "%.1f\n", $3 / 1024 }' "$1"
}

# gm-agent's own view: readings per cycle and the spread of their "t"
# (first to last reading), and slot start to last reading, per measured cycle.
agent_readings() { # sub.log
	sed -n 's/.*"t":\([0-9.]*\).*/\1/p' "$1" | sort -n |
		awk -v q="$QUIET" -v first=2 -v last=$((CYCLES + 1)) -v iv="$INTERVAL" '
		function flush() { if (n >= first && n <= last)
			printf "%d %.3f %.3f\n", c, e - s, e - int(s / iv) * iv }
		NR == 1 || $1 - e > q { if (NR > 1) flush(); n++; s = $1; c = 0 }
		{ e = $1; c++ }
		END { if (NR) flush() }'
}

# Summary of one run into $T/<run>.sum: key=value lines.
summarise() { # run pid-samples-name
	local run=$1 ct
	ct=$(cycle_table "$T/$run.req")
	echo "$ct" >"$T/$run.cycles"
	if [ -z "$ct" ]; then
		echo "cycles=0" >"$T/$run.sum"
		return
	fi
	echo "$ct" | awk -v lat="$LATENCY_MS" '
		{ c = $2 - $1 + lat / 1000; sum += c; if (c > max) max = c
		  r += $3; if (lo == "" || $4 < lo) lo = $4; if ($5 > hi) hi = $5
		  g = $6 + lat / 1000; if (g > gmax) gmax = g; n++ }
		END { printf "cycles=%d\ncycle=%.2f\ncycle_max=%.2f\ngw_cycle_max=%.2f\nreqs=%d\ngw_min=%d\ngw_max=%d\n",
			n, sum / n, max, gmax, r / n, lo, hi }' >"$T/$run.sum"
	local from to
	from=$(echo "$ct" | awk 'NR == 1 { print $1 }')
	to=$(echo "$ct" | awk -v lat="$LATENCY_MS" 'END { printf "%.6f\n", $2 + lat / 1000 }')
	{
		echo "cpu=$(cpu_per_cycle "$T/$2.samples" "$from" "$to" "$CYCLES")"
		echo "rss=$(rss_mib "$T/$2.samples")"
		echo "dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel/\1/p' "$T/$run.tcpdump.log")"
	} >>"$T/$run.sum"
	[ "$2" = agent ] &&
		echo "broker_cpu=$(cpu_per_cycle "$T/broker.samples" "$from" "$to" "$CYCLES")" >>"$T/$run.sum"
}

val() { sed -n "s/^$2=//p" "$T/$1.sum" 2>/dev/null; } # run key

# --- the runs --------------------------------------------------------------
# Wait for a warm-up cycle and CYCLES more (limit: each a full interval and
# some), then stop the poller, the samplers and the capture.
finish_run() { # run poller_pid
	local n=$((CYCLES + 1))
	wait_cycles "$T/$1.req" "$n" $(((n + 1) * INTERVAL + 60)) ||
		note "$1: only $(cycles_done "$T/$1.req") of $n cycles in time"
	stop "$2"
	stop $SAMPLER_PIDS
	SAMPLER_PIDS=""
	sleep 0.5
	stop "$CAPTURE_PID"
}

run_agent() {
	agent_conf >"$T/agent.conf"
	"$BIN/gm-agent" -n -c "$T/agent.conf" >"$T/agent-check.log" 2>&1 ||
		die "gm-agent rejects its config: $(tail -5 "$T/agent-check.log")"
	capture_start agent
	start sub mosquitto_sub -p "$BROKER_PORT" -t 'greenmeter/v1/#' -v -q 1 -i bench-sub
	local sub=$LAST_PID
	sleep 0.5
	start agent "$BIN/gm-agent" -c "$T/agent.conf"
	AGENT_PID=$LAST_PID
	sample_start agent "$AGENT_PID"
	sample_start broker "$BROKER_PID"
	note "gm-agent: pid $AGENT_PID, polls at every :$(printf %02d $((INTERVAL % 60))) multiple of ${INTERVAL}s; waiting for 1 + $CYCLES cycles"
	finish_run agent "$AGENT_PID"
	stop "$sub"
	summarise agent agent
	agent_readings "$T/sub.log" >"$T/agent.readings"
	awk '{ c += $1; s += $2; l += $3; n++ } END { if (n) printf "readings=%d\nspread=%.2f\nslot_last=%.2f\n", c / n, s / n, l / n }' \
		"$T/agent.readings" >>"$T/agent.sum"
	echo "log_problems=$(grep -ciE 'error|warn' "$T/agent.log")" >>"$T/agent.sum"
}

run_collectd() { # read_threads
	local run=collectd$1 udp
	udp=$(free_port)
	mkdir -p "$T/collectd"
	collectd_conf "$1" "$udp" >"$T/$run.conf"
	collectd -t -C "$T/$run.conf" >"$T/$run-check.log" 2>&1 ||
		die "collectd rejects its config: $(tail -5 "$T/$run-check.log")"
	# The network plugin's packets need somewhere to go.
	start "$run-udp" socat -u UDP-RECV:"$udp",bind=127.0.0.1 /dev/null
	local sink=$LAST_PID
	capture_start "$run"
	start "$run" collectd -f -C "$T/$run.conf"
	local pid=$LAST_PID
	sample_start "$run" "$pid"
	note "collectd ReadThreads $1: pid $pid; waiting for 1 + $CYCLES cycles"
	finish_run "$run" "$pid"
	stop "$sink"
	summarise "$run" "$run"
	echo "log_problems=$(grep -ciE 'error|fail|warn' "$T/$run.log")" >>"$T/$run.sum"
}

# --- the report ------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "nan" || b == "nan" || b + 0 == 0) print "-"; else printf "%.1fx\n", a / b }'; }
pct() { awk -v c="$1" -v i="$INTERVAL" 'BEGIN { if (c == "" || c == "nan") print "-"; else printf "%.2f\n", c / i * 100 }'; }

report() {
	local runs="agent" t r key label
	for t in $THREADS; do runs="$runs collectd$t"; done
	echo "greenmeter benchmark: gm-agent vs collectd modbus plugin ($(date '+%Y-%m-%d %H:%M %Z'))"
	echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), Linux $(uname -r), Debian $(cat /etc/debian_version 2>/dev/null)"
	echo "software: $(collectd -h | sed -n 's/^\(collectd [0-9.a-z]*\),.*/\1/p'), libmodbus $(pkg-config --modversion libmodbus 2>/dev/null), $(mosquitto -h | head -1 | sed 's/ version / /'), gm-agent $(git -C "$ROOT" describe --always --dirty 2>/dev/null)"
	echo "setup: $GATEWAYS gm-sim gateways x $METERS sdm630 meters = $((GATEWAYS * METERS)) meters, $((GATEWAYS * METERS * 5)) values;" \
		"${LATENCY_MS} ms a request; interval ${INTERVAL} s; $CYCLES measured cycles after 1 warm-up; runs one after the other"
	echo
	printf '%-34s %10s' "" gm-agent
	for t in $THREADS; do printf ' %14s' "collectd RT=$t"; done
	for t in $THREADS; do printf ' %12s' "RT=$t/agent"; done
	echo
	for row in "cycle|poll cycle, s (mean)" "cycle_max|poll cycle, s (slowest)" \
		"gw_cycle_max|slowest gateway, s" "reqs|requests per cycle" \
		"gw_min|requests per gateway (fewest)" "gw_max|requests per gateway (most)" \
		"cpu|CPU s per cycle" "cpu_pct|CPU % of a core at ${INTERVAL} s" "rss|RSS after warm-up, MiB"; do
		key=${row%%|*}; label=${row#*|}
		printf '%-34s' "$label"
		for r in $runs; do
			if [ "$key" = cpu_pct ]; then printf ' %*s' $([ "$r" = agent ] && echo 10 || echo 14) "$(pct "$(val "$r" cpu)")"
			else printf ' %*s' $([ "$r" = agent ] && echo 10 || echo 14) "$(val "$r" "$key")"; fi
		done
		for t in $THREADS; do
			if [ "$key" = cpu_pct ]; then printf ' %12s' "$(ratio "$(val "collectd$t" cpu)" "$(val agent cpu)")"
			else printf ' %12s' "$(ratio "$(val "collectd$t" "$key")" "$(val agent "$key")")"; fi
		done
		echo
	done
	echo
	local fewest target cycle cpu
	fewest=$(val agent gw_min)
	target=$(awk -v n="${fewest:-0}" -v l="$LATENCY_MS" 'BEGIN { printf "%.2f", 1.1 * n * l / 1000 }')
	cycle=$(val agent cycle_max)
	cpu=$(pct "$(val agent cpu)")
	echo "target: cycle <= 1.1 x ${fewest:-?} requests x ${LATENCY_MS} ms = ${target} s (bus limit $(awk -v n="${fewest:-0}" -v l="$LATENCY_MS" 'BEGIN { printf "%.2f", n * l / 1000 }') s):" \
		"gm-agent ${cycle:-?} s $(awk -v c="${cycle:-99999}" -v t="$target" 'BEGIN { print (c <= t) ? "PASS" : "FAIL" }')"
	echo "target: CPU < 5 % of one core at ${INTERVAL} s: gm-agent ${cpu} % $(awk -v c="$cpu" 'BEGIN { print (c != "-" && c < 5) ? "PASS" : "FAIL" }')"
	echo "minimum requests: $REQS_MIN per meter = $((REQS_MIN * METERS)) per gateway, $((REQS_MIN * METERS * GATEWAYS)) per cycle"
	echo
	echo "gm-agent cross-check from its published readings (mosquitto_sub): $(val agent readings) readings per cycle" \
		"(expected $((GATEWAYS * METERS * 5))), first-to-last \"t\" $(val agent spread) s, slot start to last $(val agent slot_last) s"
	echo "mosquitto CPU while gm-agent ran: $(val agent broker_cpu) s per cycle (not counted above)"
	for r in $runs; do
		echo "$r: tcpdump dropped $(val "$r" dropped) packets; $(val "$r" log_problems) error/warning log lines; per cycle (start end requests gw_min gw_max gw_span):"
		sed 's/^/    /' "$T/$r.cycles"
	done
}

show_problems() {
	local r
	for r in agent $(for t in $THREADS; do echo "collectd$t"; done); do
		[ "$(val "$r" log_problems)" = 0 ] && continue
		echo
		echo "$r log, first problem lines:"
		grep -iE 'error|fail|warn' "$T/$r.log" | head -10 | sed 's/^/    /'
	done
}

main() {
	need
	build
	note "work files in $T"
	start_sims
	start_broker
	run_agent
	for t in $THREADS; do run_collectd "$t"; done
	mkdir -p "$(dirname "$OUT")"
	{ report; show_problems; } | tee "$OUT"
	note "written to ${OUT#$ROOT/}"
}

main "$@"
