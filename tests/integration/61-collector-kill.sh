#!/bin/bash
# 61-collector-kill: readings stream in while things are killed with -9, and
# at the end every reading is in the RRD files exactly once. Three collectors
# take the same stream (one broker, each its own persistent session):
#   direct   librrd; the collector is killed -9 four times and restarted
#   cached   through rrdcached; the collector is killed -9 four times,
#            rrdcached keeps running
#   crashed  through another rrdcached, which is killed -9 three times and
#            restarted (its journal replays; what the journal had not yet
#            written out, the collector sends again); the collector keeps
#            running
# The stream: N numbered readings of a counter (1000 + 0.25 i kWh) and of a
# gauge (200 + i mod 7 W), one a minute on the time axis (B + 60 i + 0.25,
# hours ago), published as fast as mosquitto_pub -l takes them.
# The check is on the files: the minute row of each reading holds that
# reading's value, the last update is the last reading, and the consumption
# over the whole minutes they cover is exactly 0.25 kWh a reading.
. "$(dirname "$0")/../lib.sh"

N=400
B=$(( ($(date +%s) - 60 * N - 3600) / 60 * 60 ))
E=greenmeter/v1/kill/m1/energy
P=greenmeter/v1/kill/m1/power

start_rrdcached() { # name
	mkdir -p "$T/$1" "$T/journal-$1"
	start "rrdcached-$1" rrdcached -g -F -V LOG_NOTICE -j "$T/journal-$1" -b "$T/$1" -B \
		-p "$T/rrdcached-$1.pid" -l "unix:$T/$1.sock"
	eval "RRDCACHED_$1=$LAST_PID"
	wait_for 10 test -S "$T/$1.sock" || echo "# rrdcached for $1 did not start"
}
start_named_collector() { # name [options]
	local n=$1; shift
	start "$n" "$BIN/gm-collector" "$@" -c "$T/$n.conf"
	eval "COLLECTOR_$n=$LAST_PID"
}
kill9() { kill -9 "$1" 2>/dev/null; wait "$1" 2>/dev/null; true; }

start_broker
start_rrdcached cached
start_rrdcached crashed
for n in direct cached crashed; do
	collector_conf "$T/$n" "$T/status-$n" "$BROKER_PORT" "kill-$n" >"$T/$n.conf"
done
start_named_collector direct
start_named_collector cached --rrdcached "unix:$T/cached.sock"
start_named_collector crashed --rrdcached "unix:$T/crashed.sock"
for n in direct cached crashed; do
	wait_for 10 grep -q "subscribed to" "$T/$n.log" || not_ok "$n collector subscribes"
done

feed() { # topic kind unit
	awk -v n=$N -v b=$B -v kind="$2" -v unit="$3" 'BEGIN {
		for (i = 0; i < n; i++) {
			v = kind == "counter" ? sprintf("%.2f", 1000 + 0.25 * i) : 200 + i % 7
			printf "{\"t\":%d.25,\"v\":%s,\"unit\":\"%s\",\"kind\":\"%s\",\"seq\":%d}\n", \
				b + 60 * i, v, unit, kind, i + 1
			fflush()
			system("sleep 0.03")
		}
	}' | mosquitto_pub -p "$BROKER_PORT" -q 1 -l -t "$1"
}
start=$(date +%s)
feed "$E" counter kWh &
FEED_E=$!
feed "$P" gauge W &
FEED_P=$!

# kill -9 and restart while the stream flows
for k in 1 2 3 4; do
	sleep 2
	echo "# kill -9: the direct and the cached collector ($k of 4)"
	kill9 "$COLLECTOR_direct"; start_named_collector direct
	kill9 "$COLLECTOR_cached"; start_named_collector cached --rrdcached "unix:$T/cached.sock"
	if [ $k -le 3 ]; then
		sleep 1
		echo "# kill -9: the crashed collector's rrdcached ($k of 3); back 1 s later"
		kill9 "$RRDCACHED_crashed"
		sleep 1
		start_rrdcached crashed
	fi
done
wait $FEED_E $FEED_P
echo "# the stream of $N readings a channel took $(( $(date +%s) - start )) s"

last=$((B + 60 * (N - 1)))
# the status file starts afresh with each collector run: ask the file (through
# rrdcached, which flushes it first)
done_all() { # name channel
	local d=
	[ "$1" != direct ] && d="--daemon unix:$T/$1.sock"
	rrdtool lastupdate $d "$T/$1/kill/m1/$2.rrd" | tail -1 | grep -q "^$last:"
}
for n in direct cached crashed; do
	check "$n: the last reading reached the file" wait_for 30 done_all $n energy
	wait_for 10 done_all $n power
done
for n in direct cached crashed; do
	eval "stop \$COLLECTOR_$n"     # a clean stop: the files get what was handed over
	echo "# $n: $(grep -c 'stopped:' "$T/$n.log") clean stop(s), status of the last run:"
	cat "$T/status-$n"
done
stop "$RRDCACHED_cached"; stop "$RRDCACHED_crashed"
echo "# crashed: $(grep -c "had not written" "$T/crashed.log") file(s) given again what rrdcached had lost"
grep "had not written" "$T/crashed.log" | head -5

rows_ok() { # file kind -> "matching/expected"; row i ends at B + 60 i
	rrdtool fetch "$1" LAST -s "$B" -e "$last" | awk -v b=$B -v n=$N -v kind="$2" '
		$1 ~ /:$/ { t = substr($1, 1, length($1) - 1) + 0; i = (t - b) / 60
			if (i < 1 || i > n - 1) next
			want = kind == "counter" ? 1000 + 0.25 * i : 200 + i % 7
			d = $2 - want; if (d < 0) d = -d
			if ($2 != "nan" && $2 !~ /nan/ && d < 0.05) ok++ }
		END { printf "%d/%d", ok, n - 1 }'
}
for n in direct cached crashed; do
	got=$(rows_ok "$T/$n/kill/m1/energy.rrd" counter)
	check "$n: every energy reading holds its own minute ($got)" test "$got" = "$((N - 1))/$((N - 1))"
	got=$(rows_ok "$T/$n/kill/m1/power.rrd" gauge)
	check "$n: every power reading holds its own minute ($got)" test "$got" = "$((N - 1))/$((N - 1))"
	check "$n: the last update is the last reading" \
		test "$(rrdtool lastupdate "$T/$n/kill/m1/energy.rrd" | tail -1)" = "$last: $(awk -v n=$N 'BEGIN { printf "%.2f", 1000 + 0.25 * (n - 1) }' | sed 's/0*$//; s/\.$//') 0.25"
	amount=$("$BIN/gm-report" -d "$T/$n" --from "@$((B + 60))" --to "@$last" --csv |
		awk -F, '$3 == "energy" { print $8 }')
	check "$n: consumption over the $((N - 2)) whole minutes is 0.25 kWh each ($amount)" \
		near "$amount" "$(awk -v n=$N 'BEGIN { print 0.25 * (n - 2) }')" 1e-6
done
check "no collector counted a counter reset (a reading out of place)" \
	sh -c "! grep -h 'counter fell' '$T'/direct.log '$T'/cached.log '$T'/crashed.log"
check "rrdcached never failed a write" sh -c "! grep -h 'rrd_update_r.*failed' '$T'/rrdcached-*.log"
done_testing
