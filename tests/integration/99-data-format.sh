#!/bin/bash
# 99-data-format: the data directory says its format (.greenmeter-format,
# docs/storage.md), and a greenmeter older than the data refuses it before
# touching anything:
# - gm-collector writes "greenmeter-data 2" into a new data directory;
# - with a newer number there, gm-collector, gm-report and gm-dashboard each
#   stop with a message naming the file and both numbers, and no file of the
#   directory changes.
. "$(dirname "$0")/../lib.sh"

start_broker
collector_conf "$T/data" "$T/status" "$BROKER_PORT" df-collector >"$T/collector.conf"
start_collector
check "the collector subscribes" collector_subscribed 20
check "and has written the data directory's format" sh -c "[ \"\$(cat '$T/data/.greenmeter-format')\" = 'greenmeter-data 2' ]"
stop "$COLLECTOR_PID"
printf 'greenmeter-data 3\n' >"$T/data/.greenmeter-format"
listing() { (cd "$T/data" && find . -type f -exec sha256sum {} + | sort); }
listing >"$T/before"
timeout 20 "$BIN/gm-collector" -c "$T/collector.conf" >"$T/newer.log" 2>&1
check "gm-collector refuses data of a newer format" [ $? -ne 0 ] 
check "and says so, naming the file and both formats" grep -q "data/.greenmeter-format: the data directory is of format 3, newer than this greenmeter's 2" "$T/newer.log"
"$BIN/gm-report" -d "$T/data" --from 2026-01-01 --to 2026-02-01 >"$T/report.out" 2>"$T/report.err"
check "gm-report refuses it: exit 1, said" sh -c "[ $? = 1 ] && grep -q 'newer than this greenmeter' '$T/report.err'"
WEB=$(free_port)
printf '[dashboard]\nlisten = 127.0.0.1:%s\ndata_dir = %s/data\n' "$WEB" "$T" >"$T/dash.conf"
timeout 20 "$BIN/gm-dashboard" -c "$T/dash.conf" >"$T/dash.log" 2>&1
check "gm-dashboard refuses it: exit 1, said" sh -c "[ $? = 1 ] && grep -q 'newer than this greenmeter' '$T/dash.log'"
listing >"$T/after"
check "no file of the data directory changed" cmp "$T/before" "$T/after"
done_testing
