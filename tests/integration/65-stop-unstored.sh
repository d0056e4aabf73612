#!/bin/bash
# 65-stop-unstored: a collector whose rrdcached is away takes the reading
# into its write-ahead log (so the broker may forget it) and keeps trying to
# write it; told to stop meanwhile, it leaves the row in the log, and the
# next start writes it. Nothing is lost at a stop.
. "$(dirname "$0")/../lib.sh"

start_broker
mkdir -p "$T/data" "$T/journal"
collector_conf "$T/data" "$T/status" "$BROKER_PORT" stop-collector >"$T/collector.conf"
SOCK=$T/rrdcached.sock
start collector "$BIN/gm-collector" --rrdcached "unix:$SOCK" -c "$T/collector.conf"
C1=$LAST_PID
wait_for 10 grep -q "subscribed to" "$T/collector.log" || not_ok "the collector subscribes"
T0=$(( $(date +%s) - 120 ))
mosquitto_pub -p "$BROKER_PORT" -q 1 -t greenmeter/v1/stop/m1/energy \
	-m "{\"t\":$T0,\"v\":500.5,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":1}"
check "with rrdcached away the row waits in the write-ahead log" \
	wait_for 10 grep -q 'stop/m1/energy: .* row(s) kept in the write-ahead log, tried again' "$T/collector.log"
check "the log holds it (a first reading counts 0 use)" grep -q "^stop/m1/energy counter kWh $T0 500.5 0\$" "$T"/data/.wal/*.wal
kill -TERM "$C1"
check "told to stop, the collector leaves" wait_for 10 sh -c "! kill -0 $C1 2>/dev/null"
check "saying the row stays in the log for the next start" \
	grep -q 'write-ahead log: 1 row(s) not written; kept for the next start' "$T/collector.log"
check "nothing was counted stored" sh -c "! grep -q 'stored=1 ' '$T/status'"

start rrdcached rrdcached -g -F -j "$T/journal" -B -b "$T/data" -l "unix:$SOCK"
wait_for 10 test -S "$SOCK" || not_ok "rrdcached starts"
start collector "$BIN/gm-collector" --rrdcached "unix:$SOCK" -c "$T/collector.conf"
check "the next start writes it" wait_for 15 grep -q 'stop/m1/energy .* stored=1 ' "$T/status"
check "and says where it came from" grep -q 'write-ahead log: 1 row(s) of an earlier run queued again' "$T/collector.log"
check "gm-report --rrdcached flushes and reads it" \
	sh -c "'$BIN/gm-report' --rrdcached 'unix:$SOCK' -d '$T/data' --from @$((T0 - 60)) --to @$T0 --csv | grep -q '^stop,m1,energy,counter,kWh'"
check "its value is 500.5" test "$(rrdtool lastupdate "$T/data/stop/m1/energy.rrd" | awk -F'[: ]+' 'NR == 3 { print $2 }')" = 500.5
check "the log is empty again" test -z "$(ls "$T"/data/.wal/*.wal 2>/dev/null)"
done_testing
