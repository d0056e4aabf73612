#!/bin/bash
# dashboard-wrk.sh - benchmark (not a test): gm-dashboard's overview page
# with 1,000 meter channels under wrk, against lighttpd serving the same
# page's bytes as a static file in the same run (the peer: an HTTP server
# that does no work for a request but send a file).
#
#   bash bench/dashboard-wrk.sh        about 2 minutes
#
# The data: one channel stored for real (mosquitto and gm-collector, a
# reading a minute for the last 3 hours), its RRD file and .meta copied to
# METERS channel files, and a collector status file naming every one, so
# each scan reads METERS real RRD files (today's and the month's use) and
# the overview has METERS rows, every figure in them.
#
# Runs, one after the other (wrk -t2 -c$CONNS -d${SECS}s --latency):
#   gm-dashboard  /          the overview, rendered per request
#   gm-dashboard  /metrics   Prometheus text of every channel
#   gm-dashboard  /api/meters
#   lighttpd      /overview.html (the overview as gm-dashboard served it)
#   gm-dashboard  /          again, while alerts are being delivered: half the
#                 meters stale (50 meter faults), each alert pushed to two
#                 LINE recipients at a local HTTPS stand-in that answers 500
#                 to every push, so the outbox retries all through the run
# The client shares the 2 CPUs with the server, as it does for the peer.
# Ratio: gm-dashboard's requests/s on / over lighttpd's on the same bytes.
# Target: overview p99 latency < 50 ms.
#
# Knobs: METERS=1000 CONNS=16 SECS=20 BIN=dir KEEP=1 OUT=file (default
# bench/results/dashboard-<time>.txt: give another for a trial run).
set -u
export LC_ALL=C
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tools/runlib.sh"

METERS=${METERS:-1000}
CONNS=${CONNS:-16}
SECS=${SECS:-20}
STAMP=$(date +%Y-%m-%dT%H%M)
OUT=${OUT:-$ROOT/bench/results/dashboard-$STAMP.txt}
BENCH=dashboard-wrk
. "$ROOT/bench/lib.sh"
export TZ=Asia/Bangkok

need() {
	local p missing=""
	for p in wrk lighttpd mosquitto mosquitto_pub; do command -v $p >/dev/null || missing="$missing $p"; done
	[ -z "$missing" ] && return
	[ "$(id -u)" = 0 ] || die "needs:$missing (apt-get install wrk lighttpd mosquitto-clients)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk lighttpd \
		mosquitto mosquitto-clients >/dev/null || die "cannot install wrk and lighttpd"
}

build() {
	VERSION=$(git -C "$ROOT" describe --always --dirty 2>/dev/null)
	if [ -z "${BIN:-}" ]; then
		BIN=$ROOT/build/release/bin
		make -C "$ROOT" --no-print-directory build/release/bin/gm-dashboard \
			build/release/bin/gm-collector >"$T/build.log" 2>&1 ||
			{ tail -20 "$T/build.log" >&2; die "build failed"; }
	fi
}

# One real channel through the broker and the collector: the template.
template() {
	local mq now t i
	mkdir -p "$T/tpl"
	start_broker || die "mosquitto did not start"
	mq=$BROKER_PORT
	local broker=$BROKER_PID
	collector_conf "$T/tpl" "$T/tpl.status" "$mq" bench-tpl >"$T/collector.conf"
	start collector "$BIN/gm-collector" -c "$T/collector.conf"
	local coll=$LAST_PID
	wait_for 10 grep -q "subscribed to" "$T/collector.log"
	now=$(date +%s)
	t=$((now - now % 60 - 180 * 60))
	printf '{"unit":"kWh","kind":"counter","seq":1,"readings":[' >"$T/batch.json"
	for i in $(seq 0 179); do
		printf '%s[%d,%d.25]' "$([ "$i" = 0 ] || echo ,)" $((t + 60 * i)) $((5000 + 3 * i))
	done >>"$T/batch.json"
	echo ']}' >>"$T/batch.json"
	mosquitto_pub -p "$mq" -q 1 -t greenmeter/v1/bench/tpl/import_kwh -f "$T/batch.json"
	wait_for 20 grep -q "received=180 " "$T/tpl.status"
	stop "$coll" "$broker"
	grep -q "received=180 " "$T/tpl.status" || die "the template channel was not stored"
}

# METERS copies, 10 channels a meter, and a status file naming each.
make_data() {
	local i m line
	line=$(grep '^bench/tpl/import_kwh ' "$T/tpl.status" | cut -d' ' -f2-)
	: >"$T/status"
	for i in $(seq 0 $((METERS - 1))); do
		m=m$((i / 10))
		mkdir -p "$T/data/bench/$m"
		cp "$T/tpl/bench/tpl/import_kwh.rrd" "$T/data/bench/$m/ch$((i % 10)).rrd"
		cp "$T/tpl/bench/tpl/import_kwh.meta" "$T/data/bench/$m/ch$((i % 10)).meta"
		echo "bench/$m/ch$((i % 10)) $line" >>"$T/status"
	done
}

serve() {
	WEB=$(free_port)
	LINE=$(free_port)
	printf '[dashboard]\nlisten = 127.0.0.1:%s\ndata_dir = %s\nstatus_file = %s\n' \
		"$WEB" "$T/data" "$T/status" >"$T/dash.conf"
	# where the alerts go: two LINE recipients at a stand-in (see alerting)
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 1 \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
	printf 'bench-token\n' >"$T/line.token"
	chmod 600 "$T/line.token"
	printf 'alert_state = %s/alerts.json\nnotify_retry = 0.2\n[line]\ntoken_file = %s\nto = U1 C2\napi = https://127.0.0.1:%s\nca_file = %s\n' \
		"$T" "$T/line.token" "$LINE" "$T/cert.pem" >>"$T/dash.conf"
	echo "fail 0 100000000" >"$T/line.mode"
	start line-standin python3 "$ROOT/tests/standin/https_standin.py" "$LINE" "$T/cert.pem" \
		"$T/key.pem" "$T/line.log" "$T/line.mode"
	wait_port "$LINE" || die "the LINE stand-in did not start"
	# the collector "writes" its status file every 2 s: every channel read
	# just now, but those of the first $T/stale meters (0 until alerting)
	echo 0 >"$T/stale"
	( while :; do
		awk -v now="$(date +%s)" -v m="$(cat "$T/stale")" '{
			split($1, id, "/"); sub(/^m/, "", id[2])
			sub(/last_t=[0-9.]*/, "last_t=" (id[2] + 0 < m ? now - 3600 : now))
			print }' "$T/status" >"$T/status.new" && mv "$T/status.new" "$T/status"
		sleep 2
	done ) &
	PIDS="$PIDS $!"
	start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"
	DASH_PID=$LAST_PID
	wait_port "$WEB" 300 || die "gm-dashboard did not start"
	curl -s -o "$T/www/overview.html" "http://127.0.0.1:$WEB/" || die "no overview"
	[ "$(grep -c 'data-channel=' "$T/www/overview.html")" = "$METERS" ] || die "the overview lacks rows"
	PEER=$(free_port)
	printf 'server.document-root = "%s"\nserver.port = %s\nserver.bind = "127.0.0.1"\nmimetype.assign = (".html" => "text/html; charset=utf-8")\n' \
		"$T/www" "$PEER" >"$T/lighttpd.conf"
	start lighttpd lighttpd -D -f "$T/lighttpd.conf"
	wait_port "$PEER" || die "lighttpd did not start"
}

# wrk's figures: requests/s and p50/p99 in ms.
bench() { # name url
	wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "$2" >"$T/$1.wrk" 2>&1
	awk -v name="$1" '
		function ms(x) { if (x ~ /us$/) return x / 1000; if (x ~ /ms$/) return x + 0; if (x ~ /s$/) return x * 1000; return x }
		/Requests\/sec/ { rps = $2 }
		$1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
		/Non-2xx/ { bad = $NF }
		END { printf "%s rps=%.0f p50=%.2f p99=%.2f bad=%d\n", name, rps, p50, p99, bad }' "$T/$1.wrk" \
		>>"$T/results"
	note "$(tail -1 "$T/results")"
}

get() { awk -v n="$1" -v k="$2" '$1 == n { for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == k) print a[2] } }' "$T/results"; }

report() {
	local g l
	g=$(get overview rps); l=$(get peer rps)
	echo "greenmeter benchmark: gm-dashboard under wrk vs lighttpd serving the same page ($(date '+%Y-%m-%d %H:%M %Z'))"
	machine_line
	echo "software: $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(lighttpd -v 2>&1 | head -1 | cut -d' ' -f1), greenmeter ${VERSION:-?}"
	echo "data: $METERS channels (real RRD files), overview $(wc -c <"$T/www/overview.html") bytes; wrk -t2 -c$CONNS -d${SECS}s, client on the same 2 CPUs"
	echo
	printf '%-40s %10s %9s %9s %6s\n' "run" "req/s" "p50 ms" "p99 ms" "non-2xx"
	while read -r name rest; do
		printf '%-40s %10s %9s %9s %6s\n' "$(label "$name")" "$(get "$name" rps)" "$(get "$name" p50)" \
			"$(get "$name" p99)" "$(get "$name" bad)"
	done <"$T/results"
	echo
	echo "gm-dashboard overview / lighttpd same bytes: $(awk -v a="$g" -v b="$l" 'BEGIN { printf "%.2fx", a / b }') the requests per second"
	echo "target: overview p99 < 50 ms: $(get overview p99) ms $(awk -v p="$(get overview p99)" 'BEGIN { print (p != "" && p < 50) ? "PASS" : "FAIL" }')"
	echo "target: overview p99 < 50 ms while alerts are delivered: $(get alerting p99) ms $(awk -v p="$(get alerting p99)" 'BEGIN { print (p != "" && p < 50) ? "PASS" : "FAIL" }') ($(grep -c 'fault meter:.* opened' "$T/dashboard.log") meter faults; $ALERT_TRIES LINE pushes refused and tried again during the run)"
	echo "alerting p99 / quiet p99: $(awk -v a="$(get alerting p99)" -v b="$(get overview p99)" 'BEGIN { printf "%.2fx", a / b }')"
	echo "gm-dashboard RSS after the runs: $(ps -o rss= -p "$DASH_PID" | awk '{ printf "%.1f MB", $1 / 1024 }')"
}

label() {
	case $1 in
	overview) echo "gm-dashboard /" ;;
	alerting) echo "gm-dashboard /, alerts being delivered" ;;
	metrics) echo "gm-dashboard /metrics" ;;
	api) echo "gm-dashboard /api/meters" ;;
	peer) echo "lighttpd /overview.html (same bytes)" ;;
	esac
}

# Half the meters stop (their channels' last reading an hour old; said once
# settled: a reading a minute, so about 70 s later): 50 meter faults, each
# pushed to two LINE recipients and refused; the outbox tries each
# recipient's oldest again (0.2 s, then twice that ...) all through the run.
alerting() {
	echo "$((METERS / 20))" >"$T/stale"
	wait_for 180 sh -c "[ \"\$(grep -c 'fault meter:.* opened' '$T/dashboard.log')\" -ge $((METERS / 20)) ] &&
		[ \"\$(grep -c '\"status\": 500' '$T/line.log' 2>/dev/null)\" -ge 4 ]" ||
		die "no alert delivery under way"
	ALERT_BEFORE=$(grep -c '"status": 500' "$T/line.log")
	note "alerts under way: $(grep -c 'fault meter:.* opened' "$T/dashboard.log") meter faults"
}

main() {
	need
	build
	note "work files in $T"
	mkdir -p "$T/www"
	template
	make_data
	serve
	: >"$T/results"
	bench overview "http://127.0.0.1:$WEB/"
	bench metrics "http://127.0.0.1:$WEB/metrics"
	bench api "http://127.0.0.1:$WEB/api/meters"
	bench peer "http://127.0.0.1:$PEER/overview.html"
	alerting
	bench alerting "http://127.0.0.1:$WEB/"
	ALERT_TRIES=$(($(grep -c '"status": 500' "$T/line.log") - ALERT_BEFORE))
	mkdir -p "$(dirname "$OUT")"
	report | tee "$OUT"
	note "written to ${OUT#$ROOT/}"
}

main "$@"
