#!/bin/bash
# agent-modbus.sh - benchmark (not a test): gm-agent against collectd's modbus
# plugin, polling the same simulated meters in the same run.
#
#   bash bench/agent-modbus.sh        about 8 minutes; run as root (tcpdump)
#
# 10 gm-sim gateways (one process and port each, 25 ms a request like an
# RS485 bus at 9600 baud, one request at a time) with 100 Eastron SDM630
# meters each, 5 float32 values a meter: 1000 meters, 5000 values. Each poller
# runs alone against those same simulators, one after the other: gm-agent
# (at INTERVAL, then again at SHORT_INTERVAL to watch more cycles),
# then collectd with ReadThreads 5 (its default), then with ReadThreads 10.
# Each run is one warm-up cycle and CYCLES measured ones.
#
# How each figure is measured (docs/benchmarks.md says more):
#   cycle     tcpdump on lo timestamps every Modbus request arriving at the
#             simulators; a cycle is a burst of requests (no gap > QUIET s);
#             cycle time = last request - first request + LATENCY_MS (the last
#             answer). Requests per cycle and per gateway come from the same
#             capture. For gm-agent the published timestamps ("t") cross-check.
#   CPU       utime + stime of the poller (/proc/PID/stat, all threads) over
#             CYCLES whole intervals (idle time included): from 2 s after the
#             warm-up cycle's last request to 2 s after the last cycle's.
#   RSS       VmRSS (/proc/PID/status) after the last measured cycle.
#   bus time  with LINE=flat the simulators answer every request in
#             LATENCY_MS whatever its size; a real bus at BAUD takes longer
#             for longer answers. From the registers each captured request
#             asks for, the time the slowest gateway's requests of a cycle
#             would take on the wire.
#   LINE=rtu  the simulators are that bus (gm-sim line = rtu at BAUD 8N1:
#             an answer takes its bytes' time on the wire, common/rtu_time.c),
#             and gm-agent is told the bus (bus_baud), so it plans its
#             requests for it. The target is then the best plan's bus time:
#             what gm-agent -n -v says one meter's plan takes, times METERS.
#             THREADS=10 gives collectd one read thread per gateway.
#
# Knobs (environment): GATEWAYS=10 METERS=100 LATENCY_MS=25 INTERVAL=60
# CYCLES=2 THREADS="5 10" (collectd ReadThreads runs; empty: none)
# SHORT_INTERVAL=10 SHORT_CYCLES=4 (an extra gm-agent run; empty: none)
# BAUD=9600 (the bus time model) LINE=flat|rtu (the simulated bus, above)
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
SHORT_INTERVAL=${SHORT_INTERVAL-10}   # an extra gm-agent run at this interval ("": none)
SHORT_CYCLES=${SHORT_CYCLES:-4}
QUIET=3                       # s without a request that ends a cycle
BAUD=${BAUD:-9600}            # for the bus time model
LINE=${LINE:-flat}            # flat: LATENCY_MS a request; rtu: the bytes' time at BAUD
# the last answer of a cycle (an SDM630's total_kwh, 2 registers): LATENCY_MS,
# or on the bus 8 + 9 characters and two silences of 3.5, 10 bits each
[ "$LINE" = rtu ] && LAST_MS=$(awk -v b="$BAUD" 'BEGIN { printf "%.3f", 24 * 10000 / b }') ||
	LAST_MS=$LATENCY_MS
HZ=$(getconf CLK_TCK)
REQS_MIN=2                    # requests an SDM630 needs with max_gap 64
STAMP=$(date +%Y-%m-%dT%H%M)
OUT=$ROOT/bench/results/agent-modbus-$([ "$LINE" = rtu ] && echo rtu-)$STAMP.txt

BENCH=agent-modbus
. "$ROOT/bench/lib.sh"

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
	VERSION=$(git -C "$ROOT" describe --always --dirty 2>/dev/null)
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
	printf '[sim]\nlisten = 127.0.0.1:%s\ndevices = %s/devices\n' "$2" "$ROOT"
	if [ "$LINE" = rtu ]; then printf 'line = rtu\nbaud = %s\n' "$BAUD"
	else printf 'latency_ms = %s\n' "$LATENCY_MS"; fi
	for u in $(seq 1 "$METERS"); do
		printf '[meter g%02d-m%03d]\nunit = %d\nmodel = sdm630\nseed = %d\nload = %d\n' \
			"$1" "$u" "$u" $(($1 * 1000 + u)) $((5 + u % 40))
	done
}

agent_conf() { # spool_dir
	local g u
	printf '[agent]\nsite = bench\ndevices = %s/devices\nspool_dir = %s\n' "$ROOT" "$1"
	printf '[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = gm-agent-bench\n' "$BROKER_PORT"
	for g in $(seq 1 "$GATEWAYS"); do
		for u in $(seq 1 "$METERS"); do
			printf '[meter g%02d-m%03d]\nmodel = sdm630\nhost = 127.0.0.1:%s\nunit = %d\ninterval = %s\n' \
				"$g" "$u" "${SIM_PORTS[$g]}" "$u" "$INTERVAL"
			[ "$LINE" = rtu ] && printf 'bus_baud = %s\n' "$BAUD"
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

# --- the shared part: simulators (the broker is runlib's start_broker) ----
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

# --- measurement helpers ---------------------------------------------------
# tcpdump every TCP segment with data sent to a simulator into $T/<run>.pcap
# (decoded into $T/<run>.req when the run is over: writing raw packets keeps
# tcpdump light, so it neither drops packets nor loads the machine).
capture_start() { # run
	local filter="" g
	for g in $(seq 1 "$GATEWAYS"); do
		filter="$filter${filter:+ or }dst port ${SIM_PORTS[$g]}"
	done
	filter="tcp and ($filter) and (ip[2:2] - ((ip[0] & 0xf) << 2) - ((tcp[12] & 0xf0) >> 2)) > 0"
	tcpdump -i lo -n -B 16384 -U --immediate-mode -w "$T/$1.pcap" "$filter" \
		2>"$T/$1.tcpdump.log" &
	CAPTURE_PID=$!
	PIDS="$PIDS $CAPTURE_PID"
	wait_for 10 grep -qs "listening on" "$T/$1.tcpdump.log" ||
		die "tcpdump did not start: $(cat "$T/$1.tcpdump.log")"
}

# Modbus requests in a capture: "time port requests registers". A read
# request is 12 bytes; its last two are how many registers it asks for
# (tcpdump -x prints the packet in hex after each line).
requests() { # file
	awk 'function hex(h,   i, v) { v = 0
			for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
			return v }
		function flush(   i, regs) {
			if (len <= 0) return
			regs = 0
			for (i = length(pk) - 2 * len; i < length(pk); i += 24) regs += hex(substr(pk, i + 21, 4))
			print t, port, len / 12, regs
			len = 0 }
		/^[0-9.]+ IP / { flush(); pk = ""; len = ($(NF - 1) == "tcp") ? $NF : 0
			t = $1; port = $5; sub(/:$/, "", port); sub(/.*\./, "", port); next }
		/^[ \t]+0x[0-9a-f]+:/ { for (i = 2; i <= NF; i++) pk = pk $i }
		END { flush() }' "$1"
}

# Wait until n cycles are complete: n bursts of requests, the last followed
# by QUIET s of none, seen as the capture file growing and then not (tcpdump
# -U writes each packet as it comes). Sets CYCLES_SEEN.
wait_cycles() { # pcap n limit_s
	local until=$((SECONDS + $3)) size now bursts=0 last=0
	CYCLES_SEEN=0
	size=$(stat -c %s "$1")   # the file's header
	while [ $SECONDS -lt $until ]; do
		now=$SECONDS
		if [ "$(stat -c %s "$1")" -gt "$size" ]; then
			size=$(stat -c %s "$1")
			[ $bursts -eq 0 ] || [ $((now - last)) -gt "$QUIET" ] && bursts=$((bursts + 1))
			last=$now
		fi
		CYCLES_SEEN=$bursts
		[ $bursts -gt 0 ] && [ $((now - last)) -le "$QUIET" ] && CYCLES_SEEN=$((bursts - 1))
		[ "$CYCLES_SEEN" -ge "$2" ] && return 0
		sleep 1
	done
	return 1
}

# Per measured cycle (bursts 2..CYCLES+1): "start end requests gw_min gw_max
# gw_span registers bus": requests per gateway (fewest, most), the longest
# one gateway took, registers read, and the most time one gateway's requests
# would take on a real RS485 bus at BAUD, 8N1 (10 bits a character): a read
# of N registers is 8 request + 5 + 2N answer characters, plus 3.5 silent
# characters before each frame: 20 + 2N characters (25.0 ms for N = 2 at
# 9600 baud, the simulator's latency_ms), the meter's own turnaround not
# counted.
cycle_table() { # file
	requests "$1" | awk -v q="$QUIET" -v first=2 -v last=$((CYCLES + 1)) -v baud="$BAUD" '
		function flush(   p) {
			if (n < first || n > last) return
			lo = 1e9; hi = 0; span = 0; bus = 0
			for (p in cnt) {
				if (cnt[p] < lo) lo = cnt[p]
				if (cnt[p] > hi) hi = cnt[p]
				if (t1[p] - t0[p] > span) span = t1[p] - t0[p]
				if (chars[p] * 10 / baud > bus) bus = chars[p] * 10 / baud
			}
			printf "%.6f %.6f %d %d %d %.6f %d %.3f\n", s, e, r, lo, hi, span, g, bus
		}
		NR == 1 || $1 - e > q { if (NR > 1) flush(); n++; s = $1; r = 0; g = 0
			delete cnt; delete t0; delete t1; delete chars }
		{ e = $1; r += $3; g += $4; cnt[$2] += $3; chars[$2] += 20 * $3 + 2 * $4
		  if (!($2 in t0)) t0[$2] = $1; t1[$2] = $1 }
		END { if (NR) flush() }'
}

# Every second until the process ends: "unix_time cpu_ticks rss_kB
# mqtt_ticks", the last the CPU of the threads the MQTT library (Paho) names
# MQTTAsync_*, which share of gm-agent's CPU its publishing is.
sample_proc() { # pid
	local pid=$1 stat k v rss mqtt task comm tstat
	while read -r stat 2>/dev/null </proc/"$pid"/stat; do
		rss=0 mqtt=0
		while read -r k v _; do [ "$k" = VmRSS: ] && rss=$v; done </proc/"$pid"/status
		for task in /proc/"$pid"/task/*; do
			read -r comm 2>/dev/null <"$task/comm" || continue
			case $comm in MQTTAsync*) ;; *) continue ;; esac
			read -r tstat 2>/dev/null <"$task/stat" || continue
			set -- ${tstat##*) }
			mqtt=$((mqtt + ${12} + ${13}))
		done
		set -- ${stat##*) }
		echo "$EPOCHREALTIME $((${12} + ${13})) $rss $mqtt"
		sleep 1
	done
}

# The whole machine, every second: "unix_time busy idle steal" in ticks of
# all CPUs (/proc/stat: user nice system irq softirq; idle iowait; steal).
sample_machine() {
	local line
	while read -r line </proc/stat; do
		set -- $line
		echo "$EPOCHREALTIME $(($2 + $3 + $4 + $7 + $8)) $(($5 + $6)) $9"
		sleep 1
	done
}

# "busy% steal%" of the machine between two times.
machine_share() { # from to
	awk -v a="$1" -v b="$2" '
		$1 < a { b0 = $2; i0 = $3; s0 = $4 } $1 > b && b1 == "" { b1 = $2; i1 = $3; s1 = $4 }
		END { t = (b1 - b0) + (i1 - i0) + (s1 - s0)
		      if (b1 == "" || t <= 0) print "? ?"; else printf "%.0f %.1f\n", 100 * (b1 - b0) / t, 100 * (s1 - s0) / t }' \
		"$T/machine.samples"
}

sample_start() { # name pid
	sample_proc "$2" >"$T/$1.samples" &
	PIDS="$PIDS $!"
	SAMPLER_PIDS="${SAMPLER_PIDS:-} $!"
}

# CPU seconds per cycle between the last sample before `from` and the first
# after `to`, over n cycles.
cpu_per_cycle() { # samples from to n [column: 2 all threads, 4 MQTTAsync_*]
	awk -v a="$2" -v b="$3" -v n="$4" -v hz="$HZ" -v f="${5:-2}" '
		$1 < a { ta = $f } $1 > b && tb == "" { tb = $f }
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
summarise() { # run
	local run=$1 ct
	ct=$(cycle_table "$T/$run.req")
	echo "$ct" >"$T/$run.cycles"
	if [ -z "$ct" ]; then
		echo "cycles=0" >"$T/$run.sum"
		return
	fi
	echo "$ct" | awk -v lat="$LAST_MS" -v iv="$INTERVAL" '
		{ c = $2 - $1 + lat / 1000; sum += c; if (c > max) max = c
		  r += $3; if (lo == "" || $4 < lo) lo = $4; if ($5 > hi) hi = $5
		  g = $6 + lat / 1000; if (g > gmax) gmax = g; n++
		  regs += $7; if ($8 > bus) bus = $8 }
		NR == 1 { first = $1 } { last = $1 }
		END { printf "cycles=%d\ncycle=%.2f\ncycle_max=%.2f\ngw_cycle_max=%.2f\nreqs=%d\ngw_min=%d\ngw_max=%d\n",
			n, sum / n, max, gmax, r / n, lo, hi
		      printf "slots=%d\ninterval=%s\nregs=%d\nbus=%.2f\n", int((last - first) / iv + 0.5) + 1, iv, regs / n, bus }' >"$T/$run.sum"
	# CPU over exactly CYCLES intervals, idle time included: from 2 s after
	# the warm-up cycle's last request to 2 s after the last cycle's.
	local from to
	from=$(requests "$T/$run.req" | awk -v q="$QUIET" 'NR > 1 && $1 - e > q { printf "%.6f\n", e + 2; exit } { e = $1 }')
	to=$(echo "$ct" | awk 'END { printf "%.6f\n", $2 + 2 }')
	{
		echo "cpu=$(cpu_per_cycle "$T/$run.samples" "$from" "$to" "$CYCLES")"
		echo "rss=$(rss_mib "$T/$run.samples")"
		echo "machine=$(machine_share "$from" "$to")"
		echo "dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel/\1/p' "$T/$run.tcpdump.log")"
	} >>"$T/$run.sum"
	[ -f "$T/$run-broker.samples" ] &&
		echo "mqtt_cpu=$(cpu_per_cycle "$T/$run.samples" "$from" "$to" "$CYCLES" 4)" >>"$T/$run.sum" &&
		echo "broker_cpu=$(cpu_per_cycle "$T/$run-broker.samples" "$from" "$to" "$CYCLES")" >>"$T/$run.sum"
}

val() { sed -n "s/^$2=//p" "$T/$1.sum" 2>/dev/null; } # run key

# --- the runs --------------------------------------------------------------
# Wait for a warm-up cycle and CYCLES more (limit: each a full interval and
# some), then stop the poller, the samplers and the capture.
finish_run() { # run poller_pid
	local n=$((CYCLES + 1))
	wait_cycles "$T/$1.pcap" "$n" $(((n + 1) * INTERVAL + 60)) ||
		note "$1: only $CYCLES_SEEN of $n cycles in time"
	sleep 2   # samples past the end of the CPU window (summarise)
	stop "$2"
	stop $SAMPLER_PIDS
	SAMPLER_PIDS=""
	sleep 0.5
	stop "$CAPTURE_PID"
	tcpdump -r "$T/$1.pcap" -n -tt -q -x >"$T/$1.req" 2>/dev/null
}

# gm-agent, its readings consumed by mosquitto_sub (which also gives the
# agent's own timestamps). Interval and cycles: INTERVAL and CYCLES.
run_agent() { # run
	local run=$1 pid sub
	agent_conf "$T/$run-spool" >"$T/$run.conf"
	"$BIN/gm-agent" -n -v -c "$T/$run.conf" >"$T/$run-check.log" 2>&1 ||
		die "gm-agent rejects its config: $(tail -5 "$T/$run-check.log")"
	grep 'plan:' "$T/$run-check.log" >"$T/$run-plan.txt"
	capture_start "$run"
	start "$run-sub" mosquitto_sub -p "$BROKER_PORT" -t 'greenmeter/v1/#' -v -q 1 -i "bench-sub-$run"
	sub=$LAST_PID
	sleep 0.5
	start "$run" "$BIN/gm-agent" -c "$T/$run.conf"
	pid=$LAST_PID
	sample_start "$run" "$pid"
	sample_start "$run-broker" "$BROKER_PID"
	note "gm-agent: pid $pid, polls at wall-clock multiples of ${INTERVAL} s; waiting for 1 + $CYCLES cycles"
	finish_run "$run" "$pid"
	stop "$sub"
	summarise "$run"
	agent_readings "$T/$run-sub.log" >"$T/$run.readings"
	awk '{ c += $1; s += $2; l += $3; n++ } END { if (n) printf "readings=%d\nspread=%.2f\nslot_last=%.2f\n", c / n, s / n, l / n }' \
		"$T/$run.readings" >>"$T/$run.sum"
	echo "log_problems=$(grep -ciE 'error|warn' "$T/$run.log")" >>"$T/$run.sum"
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
	summarise "$run"
	echo "log_problems=$(grep -ciE 'error|fail|warn' "$T/$run.log")" >>"$T/$run.sum"
}

# --- the report ------------------------------------------------------------
num() { awk -v x="$1" 'BEGIN { exit !(x != "" && x != "nan" && x == x + 0) }'; }
ratio() { if num "$1" && num "$2" && [ "$2" != 0 ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf (a / b < 1 ? "%.2fx\n" : "%.1fx\n"), a / b }'; else echo -; fi; }
pct() { if num "$1"; then awk -v c="$1" -v i="$2" 'BEGIN { printf "%.2f\n", c / i * 100 }'; else echo -; fi; } # cpu interval

# A figure of a run: a key of its summary, or cpu_pct computed from cpu.
fig() { # run key
	if [ "$2" = cpu_pct ]; then pct "$(val "$1" cpu)" "$(val "$1" interval)"; else val "$1" "$2"; fi
}

report() {
	local runs="agent" t r key label
	for t in $THREADS; do runs="$runs collectd$t"; done
	echo "greenmeter benchmark: gm-agent vs collectd modbus plugin ($(date '+%Y-%m-%d %H:%M %Z'))"
	machine_line
	echo "software: $(collectd -h | sed -n 's/^\(collectd [0-9.a-z]*\),.*/\1/p'), libmodbus $(pkg-config --modversion libmodbus 2>/dev/null), $(mosquitto -h | head -1 | sed 's/ version / /'), greenmeter ${VERSION:-?}"
	echo "gm-agent spool: $T on $(df -T "$T" | awk 'NR == 2 { print $2 " (" $1 ")" }')"
	echo "setup: $GATEWAYS gm-sim gateways x $METERS sdm630 meters = $((GATEWAYS * METERS)) meters, $((GATEWAYS * METERS * 5)) values;" \
		"$([ "$LINE" = rtu ] && echo "a simulated RS485 bus at $BAUD baud 8N1 (gm-sim line = rtu), gm-agent told it (bus_baud)" || echo "${LATENCY_MS} ms a request");" \
		"interval ${INTERVAL} s; $CYCLES measured cycles after 1 warm-up; runs one after the other;" \
		"the benchmark took $((SECONDS / 60)) min $((SECONDS % 60)) s"
	echo
	printf '%-32s %14s' "" gm-agent
	for t in $THREADS; do printf ' %14s' "collectd RT=$t"; done
	for t in $THREADS; do printf ' %12s' "RT=$t/agent"; done
	echo
	for row in "cycle|poll cycle, s (mean)" "cycle_max|poll cycle, s (slowest)" \
		"gw_cycle_max|slowest gateway, s" "reqs|requests per cycle" \
		"gw_min|requests per gateway (fewest)" "gw_max|requests per gateway (most)" \
		"regs|registers read per cycle" "bus|bus time, slowest gateway, s *" \
		"cpu|CPU s per cycle" "cpu_pct|CPU % of a core at ${INTERVAL} s" "rss|RSS after warm-up, MiB"; do
		key=${row%%|*}; label=${row#*|}
		printf '%-32s' "$label"
		for r in $runs; do printf ' %14s' "$(fig "$r" "$key")"; done
		for t in $THREADS; do printf ' %12s' "$(ratio "$(fig "collectd$t" "$key")" "$(fig agent "$key")")"; done
		echo
	done
	echo "* what the slowest gateway's requests of one cycle would take on a real RS485 bus at $BAUD baud 8N1:"
	echo "  a read of N registers is 20 + 2N characters of 10 bits (request, answer, silences), $(awk -v b="$BAUD" 'BEGIN { printf "%.1f", 24 * 10000 / b }') ms for N = 2"
	echo
	local fewest bus target cycle cpu
	fewest=$((REQS_MIN * METERS))   # the fewest requests a gateway's meters allow
	bus=$(awk -v n="${fewest:-0}" -v l="$LATENCY_MS" 'BEGIN { printf "%.2f", n * l / 1000 }')
	target=$(awk -v b="$bus" 'BEGIN { printf "%.2f", 1.1 * b }')
	cycle=$(val agent cycle_max)
	cpu=$(pct "$(val agent cpu)" 60)
	if [ "$LINE" = rtu ]; then
		# the best plan: what gm-agent computes for one meter, times a gateway's meters
		bus=$(sed -n 's/.*plan: [0-9]* requests*, \([0-9.]*\) ms a poll.*/\1/p' "$T/agent-plan.txt" | head -1)
		bus=$(awk -v b="${bus:-0}" -v n="$METERS" 'BEGIN { printf "%.2f", b * n / 1000 }')
		target=$(awk -v b="$bus" 'BEGIN { printf "%.2f", 1.1 * b }')
		echo "gm-agent's plan for each meter: $(sed -n 's/^  plan: //p' "$T/agent-plan.txt" | head -1)"
		echo "target: cycle <= 1.1 x the best plan's bus time, $METERS meters x that = $target s (bus limit $bus s):" \
			"gm-agent ${cycle:-?} s (slowest cycle) $(num "$cycle" && awk -v c="$cycle" -v t="$target" 'BEGIN { print (c <= t) ? "PASS" : "FAIL" }' || echo FAIL)"
		for t in $THREADS; do
			echo "target: below collectd ReadThreads $t's cycle, $(val "collectd$t" cycle_max) s (slowest):" \
				"gm-agent ${cycle:-?} s $(num "$cycle" && num "$(val "collectd$t" cycle)" && awk -v c="$cycle" -v d="$(val "collectd$t" cycle)" 'BEGIN { print (c < d) ? "PASS" : "FAIL" }' || echo FAIL)"
		done
	else
		echo "target: cycle <= 1.1 x $fewest requests x ${LATENCY_MS} ms = $target s (bus limit $bus s):" \
			"gm-agent ${cycle:-?} s (slowest cycle) $(num "$cycle" && awk -v c="$cycle" -v t="$target" 'BEGIN { print (c <= t) ? "PASS" : "FAIL" }' || echo FAIL)"
	fi
	echo "target: CPU < 5 % of one core at a 60 s interval: gm-agent $cpu % $(num "$cpu" && awk -v c="$cpu" 'BEGIN { print (c < 5) ? "PASS" : "FAIL" }' || echo FAIL)"
	echo "fewest requests possible: $REQS_MIN per meter = $fewest per gateway, $((fewest * GATEWAYS)) per cycle"
	echo
	echo "gm-agent's own view (mosquitto_sub): $(val agent readings) readings per cycle" \
		"(expected $((GATEWAYS * METERS * 5))), first-to-last \"t\" $(val agent spread) s, slot start to last \"t\" $(val agent slot_last) s"
	echo "gm-agent CPU in the MQTT library's threads (MQTTAsync_*): $(val agent mqtt_cpu) of its $(val agent cpu) s per cycle"
	echo "mosquitto CPU while gm-agent ran: $(val agent broker_cpu) s per cycle (not counted above)"
	if [ -f "$T/agent-short.sum" ]; then
		r=agent-short
		echo "gm-agent at a ${SHORT_INTERVAL} s interval: $(val $r cycles) cycles in $(val $r slots) slots," \
			"cycle $(val $r cycle) s mean, $(val $r cycle_max) s slowest; $(val $r reqs) requests and" \
			"$(val $r readings) readings per cycle; $(val $r cpu) CPU s per cycle"
		runs="agent $r ${runs#agent }"
	fi
	echo
	for r in $runs; do
		set -- $(val "$r" machine)
		echo "$r: $(val "$r" cycles) cycles measured in $(val "$r" slots) interval slots; machine ${1:-?} % busy, ${2:-?} % stolen by the hypervisor;" \
			"tcpdump dropped $(val "$r" dropped) packets; $(val "$r" log_problems) error/warning log lines"
		echo "    per cycle: start, end, requests, per gateway fewest and most, longest gateway span, registers, bus time (model)"
		sed 's/^/    /' "$T/$r.cycles"
	done
}

show_problems() {
	local r
	for r in agent agent-short $(for t in $THREADS; do echo "collectd$t"; done); do
		[ -f "$T/$r.sum" ] && [ "$(val "$r" log_problems)" != 0 ] || continue
		echo
		echo "$r log, first problem lines:"
		grep -iE 'error|fail|warn' "$T/$r.log" | head -10 | sed 's/^/    /'
	done
}

main() {
	need
	build
	note "work files in $T"
	sample_machine >"$T/machine.samples" &
	PIDS="$PIDS $!"
	start_sims
	start_broker || die "mosquitto did not start"
	run_agent agent
	# Prefix assignments hold for this one call only.
	[ -n "$SHORT_INTERVAL" ] && INTERVAL=$SHORT_INTERVAL CYCLES=$SHORT_CYCLES run_agent agent-short
	for t in $THREADS; do run_collectd "$t"; done
	mkdir -p "$(dirname "$OUT")"
	{ report; show_problems; } | tee "$OUT"
	note "written to ${OUT#$ROOT/}"
}

main "$@"
