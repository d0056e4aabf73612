#!/bin/bash
# 65-stop-unstored: a collector told to stop while it cannot store (its
# rrdcached is away) does not acknowledge the message in hand; the broker
# keeps it, and the next start stores it. Nothing is lost at a stop.
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
check "with rrdcached away the message is kept for another try" \
	wait_for 10 grep -q 'message kept for another try' "$T/collector.log"
kill -TERM "$C1"
check "told to stop, the collector leaves" wait_for 10 sh -c "! kill -0 $C1 2>/dev/null"
check "saying the message stays with the broker" \
	grep -q 'stopping with this message not stored; the broker keeps it' "$T/collector.log"

start rrdcached rrdcached -g -F -j "$T/journal" -B -b "$T/data" -l "unix:$SOCK"
wait_for 10 test -S "$SOCK" || not_ok "rrdcached starts"
start collector "$BIN/gm-collector" --rrdcached "unix:$SOCK" -c "$T/collector.conf"
check "the next start stores it" wait_for 15 grep -q 'stop/m1/energy .* stored=1 ' "$T/status"
check "gm-report --rrdcached flushes and reads it" \
	sh -c "'$BIN/gm-report' --rrdcached 'unix:$SOCK' -d '$T/data' --from @$((T0 - 60)) --to @$T0 --csv | grep -q '^stop,m1,energy,counter,kWh'"
check "its value is 500.5" test "$(rrdtool lastupdate "$T/data/stop/m1/energy.rrd" | awk -F'[: ]+' 'NR == 3 { print $2 }')" = 500.5
done_testing
