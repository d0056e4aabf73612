#!/bin/bash
# 60-rrdcached: gm-collector writing through a real rrdcached (a unix socket,
# and TCP), beside one writing with librrd directly, all fed the same
# messages by mosquitto_pub. After a flush the files through rrdcached hold
# what the direct ones hold: the same readings, the same consumption, the
# same duplicates refused. Then the case rrdcached gets wrong by itself: a
# resent reading older than the file's last update but in the same second,
# after both rrdcached and the collector restarted, must be refused, and the
# reading after it stored.
. "$(dirname "$0")/../lib.sh"

# rrdcached in the foreground on a unix socket, its journal in $T/journal,
# files under $T/cached.
start_rrdcached() {
	mkdir -p "$T/journal" "$T/cached"
	rm -f "$T/rrdcached.pid"
	start rrdcached rrdcached -g -F -V LOG_NOTICE -j "$T/journal" -b "$T/cached" -B \
		-p "$T/rrdcached.pid" -l "unix:$T/rrdcached.sock"
	RRDCACHED_PID=$LAST_PID
	wait_for 10 test -S "$T/rrdcached.sock" || { echo "# rrdcached did not start"; cat "$T/rrdcached.log"; }
}
TCP_PORT=$(free_port)
start_broker
mkdir -p "$T/tcp" "$T/journal-tcp"
start tcpcached rrdcached -g -F -V LOG_NOTICE -j "$T/journal-tcp" -b "$T/tcp" -B \
	-p "$T/tcpcached.pid" -l "127.0.0.1:$TCP_PORT"
start_rrdcached
wait_port "$TCP_PORT" || not_ok "rrdcached listens on TCP"

collector_conf "$T/direct" "$T/status-direct" "$BROKER_PORT" c-direct >"$T/direct.conf"
collector_conf "$T/cached" "$T/status-cached" "$BROKER_PORT" c-cached >"$T/cached.conf"
{ collector_conf "$T/tcp" "$T/status-tcp" "$BROKER_PORT" c-tcp; } >"$T/tcp.conf"
sed -i "s|^\[collector\]|[collector]\nrrdcached = 127.0.0.1:$TCP_PORT|" "$T/tcp.conf"
printf '[collector]\ndata_dir = %s\nrrdcached = unix:run/sock\n' "$T/x" >"$T/bad.conf"

check "a config with an rrdcached address is accepted" "$BIN/gm-collector" -n -c "$T/tcp.conf"
"$BIN/gm-collector" -n -c "$T/bad.conf" 2>"$T/bad.err"
check "a relative socket path is refused, by file and line" \
	grep -q "bad.conf:3: rrdcached socket \"run/sock\": give an absolute path" "$T/bad.err"
check "so is a bad --rrdcached" sh -c "! '$BIN/gm-collector' --rrdcached 'h:0' -n -c '$T/direct.conf' 2>/dev/null"

run_collectors() {
	start direct "$BIN/gm-collector" -c "$T/direct.conf"
	DIRECT=$LAST_PID
	start cached "$BIN/gm-collector" --rrdcached "unix:$T/rrdcached.sock" -c "$T/cached.conf"
	CACHED=$LAST_PID
	start tcp "$BIN/gm-collector" -c "$T/tcp.conf"
	TCP=$LAST_PID
	for n in direct cached tcp; do
		wait_for 10 grep -q "subscribed to" "$T/$n.log" || not_ok "$n collector subscribes"
	done
}
run_collectors
check "the command line chose rrdcached" grep -q "with rrdcached at unix:$T/rrdcached.sock" "$T/cached.log"
check "the config chose rrdcached over TCP" grep -q "with rrdcached at 127.0.0.1:$TCP_PORT" "$T/tcp.log"
check "without either, librrd" grep -q "with librrd" "$T/direct.log"

# 60 readings 10 s apart, a quarter second past, two hours ago: an energy
# counter rising 0.5 a reading (exact in binary), a power gauge. B is a whole
# minute, so [B, B + 660) holds them all.
B=$(( ($(date +%s) - 7200) / 60 * 60 ))
E=greenmeter/v1/hq/m1/energy
P=greenmeter/v1/hq/m1/power
reading() { # i -> "[t,v]" for energy
	awk -v b="$B" -v i="$1" 'BEGIN { printf "[%d.25,%.1f]", b + 10 * i, 1000 + 0.5 * i }'
}
batch() { # topic first last seq kind unit
	local r="" i
	for i in $(seq "$2" "$3"); do
		if [ "$1" = "$E" ]; then r="$r,$(reading "$i")"
		else r="$r,[$((B + 10 * i)).25,$((200 + i % 7))]"; fi
	done
	mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$1" -m "{\"readings\":[${r#,}],\"unit\":\"$6\",\"kind\":\"$5\",\"seq\":$4}"
}
mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$E" -m "{\"t\":$B.25,\"v\":1000,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":1}"
mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$P" -m "{\"t\":$B.25,\"v\":200,\"unit\":\"W\",\"kind\":\"gauge\",\"seq\":1}"
seq=2
for first in 1 11 21 31 41 51; do
	last=$((first + 9)); [ $last -gt 59 ] && last=59
	batch "$E" $first $last $seq counter kWh
	batch "$P" $first $last $seq gauge W
	seq=$((seq + 1))
done
stored60() { grep -q "hq/m1/$2 .*received=60 stored=60 " "$T/status-$1"; }
for n in direct cached tcp; do
	wait_for 15 stored60 $n energy && wait_for 5 stored60 $n power || not_ok "$n: 60 stored"
done
report() { "$BIN/gm-report" -d "$1" --from "@$B" --to "@$((B + 660))" --csv | cut -d, -f1-3,8-; }
report "$T/direct" >"$T/report-direct.csv"
report "$T/cached" >"$T/report-cached-before.csv"
# (before the resends: telling a resend from a late reading reads the file,
# which through rrdcached flushes it)
check "through rrdcached, unflushed, the file lacks the readings" \
	sh -c "! cmp -s '$T/report-direct.csv' '$T/report-cached-before.csv'"
# resent: the batch of readings 11..20 and reading 59 alone (11 duplicates)
batch "$E" 11 20 $seq counter kWh
batch "$P" 11 20 $seq gauge W
mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$E" -m "{\"readings\":[$(reading 59)],\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":$((seq + 1))}"
mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$P" -m "{\"readings\":[[$((B + 590)).25,$((200 + 59 % 7))]],\"unit\":\"W\",\"kind\":\"gauge\",\"seq\":$((seq + 1))}"

counted() { grep -q "hq/m1/$2 .*received=71 stored=60 duplicates=11 " "$T/status-$1"; }
for n in direct cached tcp; do
	check "$n: 71 received, 60 stored, 11 duplicates (energy)" wait_for 15 counted $n energy
	check "$n: 71 received, 60 stored, 11 duplicates (power)" wait_for 5 counted $n power
done

report "$T/direct" >"$T/report-direct.csv"
cat "$T/report-direct.csv"
# a rise of 0.5 every 10 s: 24 kWh over the 8 whole minutes [B + 60, B + 540)
amount=$("$BIN/gm-report" -d "$T/direct" --from "@$((B + 60))" --to "@$((B + 540))" --csv |
	awk -F, '$3 == "energy" { print $8 }')
check "direct: 24 kWh used in the 8 minutes the readings cover whole" near "$amount" 24 1e-9
rrdtool flushcached --daemon "unix:$T/rrdcached.sock" "$T"/cached/hq/m1/*.rrd
report "$T/cached" >"$T/report-cached.csv"
# gm-report flushes through the TCP rrdcached itself
"$BIN/gm-report" --rrdcached "127.0.0.1:$TCP_PORT" -d "$T/tcp" --from "@$B" --to "@$((B + 660))" --csv |
	cut -d, -f1-3,8- >"$T/report-tcp.csv"
check "flushed, the unix-socket rrdcached's files report the same" cmp "$T/report-direct.csv" "$T/report-cached.csv"
check "so do the TCP rrdcached's, flushed by gm-report --rrdcached" cmp "$T/report-direct.csv" "$T/report-tcp.csv"
for c in energy power; do
	for n in cached tcp; do
		check "$n: $c rows equal the direct ones, minute by minute" cmp \
			<(rrdtool fetch "$T/direct/hq/m1/$c.rrd" LAST -s "$B" -e "$((B + 660))") \
			<(rrdtool fetch "$T/$n/hq/m1/$c.rrd" LAST -s "$B" -e "$((B + 660))")
	done
done

# gm-dashboard flushes through rrdcached too (common/store/rrdc.c, the readers'
# side): its figures are those gm-report reads from the flushed files.
WEB=$(free_port)
printf '[dashboard]\nlisten = 127.0.0.1:%s\ndata_dir = %s\nrrdcached = unix:%s\nscan = 0.5\nusage_every = 1\n' \
	"$WEB" "$T/cached" "$T/rrdcached.sock" >"$T/dash.conf"
start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"
DASH=$LAST_PID
check "gm-dashboard with rrdcached listens" wait_port "$WEB"
listed() { [ "$(curl -s "http://127.0.0.1:$WEB/api/meters" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["meters"]))')" = 2 ]; }
check "it lists both channels" wait_for 10 listed
check "its figures are gm-report's for the same spans" \
	python3 "$ROOT/tests/figures_agree.py" dash "$BIN" "$T/cached" "http://127.0.0.1:$WEB"
stop "$DASH"

# --- a stale reading in the file's last second -------------------------------
# X.5 is stored; rrdcached and every collector restart, so rrdcached's idea
# of the file is its header's whole second X. Then X.2 (older: a duplicate)
# and X + 60 arrive. rrdcached alone would take X.2, and then fail to write
# it and X + 60 behind it.
X=$((B + 1200))
mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$E" -m "{\"t\":$X.5,\"v\":1100,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":10}"
for n in direct cached tcp; do wait_for 10 grep -q "hq/m1/energy .*stored=61 " "$T/status-$n"; done
stop "$TCP"; stop "$CACHED"; stop "$DIRECT"
stop "$RRDCACHED_PID"
check "rrdcached -F wrote everything at its stop" test "$(rrdtool lastupdate "$T/cached/hq/m1/energy.rrd" | tail -1)" = "$X: 1100 70.5"
start_rrdcached
run_collectors
mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$E" -m "{\"t\":$X.2,\"v\":1099,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":11}"
mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$E" -m "{\"t\":$((X + 60)),\"v\":1101,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":12}"
for n in direct cached tcp; do
	# the counters carry on from before the restart: 72 received, 61 stored, 11 duplicates
	check "$n: X.2 is a duplicate, X + 60 is stored" \
		wait_for 15 grep -q "hq/m1/energy .*received=74 stored=62 duplicates=12 " "$T/status-$n"
done
stop "$TCP"; stop "$CACHED"   # a clean stop flushes what the collector handed over
for n in direct cached tcp; do
	check "$n: the last update is X + 60, 1101 kWh, 1 kWh used" \
		test "$(rrdtool lastupdate "$T/$n/hq/m1/energy.rrd" | tail -1)" = "$((X + 60)): 1101 1"
done
check "rrdcached logged no failed write" sh -c "! grep -q 'rrd_update_r.*failed' '$T'/rrdcached.log '$T'/tcpcached.log"
check "no collector logged an error" sh -c "! grep -h ': error: ' '$T'/direct.log '$T'/cached.log '$T'/tcp.log"
done_testing
