#!/bin/bash
# 63-status: the collector's meter registry as facilities staff meet it.
# One simulated SDM630 polled every second: its channels are ok; the meter
# stops answering (gm-sim plays dead) and after 3 intervals they turn stale,
# in the status file and in `gm-collector --status` (exit 4); it answers
# again and they are ok. A reading in the wrong unit makes its channel
# "fault" with the reason, until the next clean reading. A restarted
# collector carries its counters on.
. "$(dirname "$0")/../lib.sh"

start_broker
SIM_PORT=$(free_port)
one_meter_sim "$SIM_PORT" 5 30 >"$T/sim.conf"
one_meter_agent st status-agent "$SIM_PORT" 1 0.3 >"$T/agent.conf"
# A refused message shows as fault for fault_hold seconds (default 600).
collector_conf "$T/data" "$T/status" "$BROKER_PORT" status-collector |
	sed 's/^\[collector\]$/[collector]\nfault_hold = 8/' >"$T/collector.conf"
start sim "$BIN/gm-sim" -c "$T/sim.conf"
SIM_PID=$LAST_PID
start_collector
wait_port "$SIM_PORT"
start agent "$BIN/gm-agent" -c "$T/agent.conf"

line() { grep "^st/m1/$1 " "$T/status"; }
state() { line "$1" | grep -q " status=$2 "; }
show() { "$BIN/gm-collector" --status -c "$T/collector.conf" >"$T/show.txt" 2>&1; echo $? >"$T/show.rc"; }

interval() { line "$1" | sed -n 's/.* interval=\([0-9.]*\) .*/\1/p'; }
near_interval() { near "$(interval import_kwh)" 1 0.1; }
# A channel is ok from its first reading on, but its interval takes two: a
# status file written between them shows interval=0.000 (unknown, taken as
# a minute), and a meter silenced then would not turn stale for 3 minutes.
learnt() { [ "$(grep -c '^st/m1/.* status=ok ' "$T/status")" -eq 5 ] &&
	! grep -q '^st/m1/.* interval=0\.000 ' "$T/status"; }
check "import_kwh is ok while the meter answers" wait_for 20 state import_kwh ok
check "every channel is ok, with an interval learnt from two readings" wait_for 20 learnt
# Each is the time between its last two readings, as polled; one poll
# answered late on a busy machine is made up by the next status file.
check "its interval is learnt (1 s)" wait_for 15 near_interval
echo "# $(line import_kwh)"
show
check "--status: all ok, exit 0" test "$(cat "$T/show.rc")" = 0
check "--status lists import_kwh as ok" grep -q '^st/m1/import_kwh *ok ' "$T/show.txt"

kill -USR1 "$SIM_PID"   # the meter stops answering
check "after 3 intervals without a reading: stale" wait_for 15 state import_kwh stale
# (each channel by its own interval: they may turn in consecutive status files)
check "every channel of the silent meter is stale" \
	wait_for 6 sh -c "[ \$(grep -c '^st/m1/.* status=stale ' '$T/status') -eq 5 ]"
show
check "--status exits 4 when a channel is stale" test "$(cat "$T/show.rc")" = 4
check "--status shows stale channels first" sh -c "sed -n 2p '$T/show.txt' | grep -q ' stale '"
check "--status counts them" grep -q '5 channel(s): 0 ok, 5 stale or fault' "$T/show.txt"
kill -USR2 "$SIM_PID"   # back
check "answering again: ok" wait_for 20 state import_kwh ok

# A reading in W on the kWh channel: refused, and the channel shows why.
mosquitto_pub -p "$BROKER_PORT" -q 1 -t greenmeter/v1/st/m1/import_kwh \
	-m "{\"t\":$(date +%s),\"v\":1,\"unit\":\"W\",\"kind\":\"counter\",\"seq\":1}"
check "the refused reading makes the channel fault" wait_for 10 state import_kwh fault
check "with the reason in the status line" sh -c "grep '^st/m1/import_kwh ' '$T/status' | grep -q 'problem=rejected:_a_reading_of_another_unit'"
show
check "--status shows the fault and its reason" grep -q '^st/m1/import_kwh *fault .*rejected:_a_reading_of_another_unit' "$T/show.txt"
check "clean readings after it clear it once fault_hold (8 s) has passed" wait_for 20 state import_kwh ok

# Counters carry on across a restart of the collector.
before=$(line import_kwh | sed 's/.* received=\([0-9]*\) .*/\1/')
stop "$COLLECTOR_PID"
start_collector
check "the restarted collector takes up the counters" wait_for 10 grep -q 'counters of 5 channel(s) carry on' "$T/collector.log"
check "received carries on from $before" wait_for 15 sh -c "[ \$(grep '^st/m1/import_kwh ' '$T/status' | sed 's/.* received=\([0-9]*\) .*/\1/') -gt $before ]"
check "no message counted lost across the restart" sh -c "line() { grep '^st/m1/import_kwh ' '$T/status'; }; line | grep -q ' lost=0 '"
check "--status without a status_file is a configuration error" \
	sh -c "printf '[collector]\ndata_dir = %s\n[mqtt]\nbroker = 127.0.0.1:1\nclient_id = x\n' '$T/d2' >'$T/c2.conf'; '$BIN/gm-collector' --status -c '$T/c2.conf'; [ \$? -eq 1 ]"
done_testing
