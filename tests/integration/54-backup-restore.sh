#!/bin/bash
# 54-backup-restore: a backup of a running installation's data directory.
# Four days of history for four channels and a month's entry are stored;
# then, while a stream of readings pours in (rows waiting in the
# write-ahead log, RRD files being updated), `gm-collector --backup` copies
# the data directory. Restored with `gm-collector --restore` into an empty
# directory, and its log replayed by a collector started on it, it gives
# gm-report figures byte-identical to the original's for every closed
# period. A backup refuses a directory that exists; a restore refuses a data
# directory that is not empty, and a backup with one byte changed, writing
# nothing.
. "$(dirname "$0")/../lib.sh"
export TZ=Asia/Bangkok

cat >"$T/sim.conf" <<EOF
[sim]
listen = 127.0.0.1:1
devices = $ROOT/devices
[meter e1]
unit = 1
model = sdm630
seed = 11
load = 20
start_at = 2026-01-01
[meter e2]
unit = 2
model = sdm120
seed = 12
load = 3
start_at = 2026-01-01
[meter w1]
unit = 3
model = water-pulse
seed = 13
load = 1
start_at = 2026-01-01
EOF
CHANS="e1:import_kwh e1:total_kwh e2:import_kwh w1:volume_m3"
start_broker
collector_up backup-collector || not_ok "collector subscribes"

# Readings every $3 s from $1 to $2 (local), for every channel, as an agent
# sends them after an outage: batches of a thousand; with $4 = one, a
# message a reading, as it sends them live, about a thousand a second.
one_each() {
	python3 -c 'import json, sys, time
for line in sys.stdin:
    m = json.loads(line)
    for t, v in m["readings"]:
        seq = int(t)   # one a second: the time numbers them
        print(json.dumps({"t": t, "v": v, "unit": m["unit"], "kind": m["kind"], "seq": seq}),
              flush=True)
        time.sleep(0.001)'
}
send() {
	local mc pids=""
	for mc in $CHANS; do
		"$BIN/gm-sim" -c "$T/sim.conf" --history "${mc%%:*}" "${mc#*:}" "$1" "$2" "$3" |
			if [ "${4:-}" = one ]; then one_each; else cat; fi |
			mosquitto_pub -p "$BROKER_PORT" -q 1 -t "greenmeter/v1/bk/${mc%%:*}/${mc#*:}" -l &
		pids="$pids $!"
	done
	wait $pids   # not the broker's and the collector's
}
TODAY=$(date +%F)
NOW=$(date +%s)
H0=$((NOW - NOW % 300 - 3600))   # the history ends an hour ago
send "$(date -d "$TODAY -4 days" +%F)" "@$H0" 300
# October's reams, entered by hand (a journal, not an RRD file)
mosquitto_pub -p "$BROKER_PORT" -q 1 -t greenmeter/v1/bk/stores/paper_reams -m \
	"{\"t\":$(date -d 2026-11-01 +%s),\"v\":41,\"unit\":\"reams\",\"kind\":\"delta\",\"seq\":1}"
history_stored() { [ "$(grep -c "last_t=$((H0 - 300))" "$T/status")" -ge 4 ]; }
wait_for 60 history_stored
check "four days of history stored for the four channels" history_stored

# --- the backup, while readings stream in -------------------------------------
# the last hour, a reading a second, a message each, the four channels at
# once: some 14,400 messages over four seconds or so
(send "@$H0" "@$NOW" 1 one) &
STREAM=$!
# every channel two minutes into the stream (in its file or in the log):
# on a busy machine the backup once began 52 s in, too early to compare
# a minute of it
past() { # time
	local mc last
	for mc in $CHANS; do
		last=$({
			rrdtool lastupdate "$T/data/bk/${mc%%:*}/${mc#*:}.rrd" 2>/dev/null | awk -F: 'END { print $1 }'
			cat "$T"/data/.wal/*.wal 2>/dev/null | awk -v k="bk/${mc%%:*}/${mc#*:}" '$1 == k { print $4 }'
		} | sort -n | tail -1)
		[ "${last%.*}" -ge "$1" ] 2>/dev/null || return 1
	done
}
wait_for 30 past $((H0 + 120))
# rows of all four channels wait in the log while messages keep coming
# (write_delay)
waiting() { [ "$(cat "$T"/data/.wal/*.wal 2>/dev/null | awk '{ print $1 }' | sort -u | grep -c '^bk/')" -ge 4 ]; }
wait_for 10 waiting
"$BIN/gm-collector" --backup "$T/backup" -c "$T/collector.conf" >"$T/backup.out" 2>&1
check "gm-collector --backup succeeds while readings stream in" test $? = 0
sed 's/^/# /' "$T/backup.out"
check "... and they were still streaming when it ended" kill -0 "$STREAM"
check "the backup holds the write-ahead log's rows waiting then" sh -c \
	"grep -q ' \.wal/[0-9]*\.wal$' '$T/backup/MANIFEST'"
check "... and the month's entries journal" grep -q ' bk/stores/paper_reams.entries$' "$T/backup/MANIFEST"
check "no backup.partial is left" test ! -e "$T/backup.partial"
wait "$STREAM"
"$BIN/gm-collector" --backup "$T/backup" -c "$T/collector.conf" >"$T/again.out" 2>&1
rc=$?
check "a backup never writes into a directory that exists" sh -c \
	"test $rc = 3 && grep -q 'is there already' '$T/again.out'"

# --- restore into an empty directory; its log replayed ------------------------
rconf() { # data_dir client_id
	printf '[collector]\ndata_dir = %s\nsubscribe = greenmeter/v1/nothing-here/#\n' "$1"
	printf '[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = %s\n' "$BROKER_PORT" "$2"
}
rconf "$T/restored" restored >"$T/restored.conf"
mkdir "$T/restored"
"$BIN/gm-collector" --restore "$T/backup" -c "$T/restored.conf" >"$T/restore.out" 2>&1
check "gm-collector --restore into an empty directory" test $? = 0
sed 's/^/# /' "$T/restore.out"
start restored "$BIN/gm-collector" -c "$T/restored.conf"
wait_for 15 grep -q "subscribed to" "$T/restored.log"
stop "$LAST_PID"
check "a collector on the restored directory replays its log and stops cleanly" \
	grep -q "subscribed to" "$T/restored.log"

# --- the same figures for every closed period ---------------------------------
same() { # from to [options]
	"$BIN/gm-report" -d "$T/data" --from "$1" --to "$2" "${@:3}" >"$T/a.out" 2>&1 &&
		"$BIN/gm-report" -d "$T/restored" --from "$1" --to "$2" "${@:3}" >"$T/b.out" 2>&1 &&
		cmp -s "$T/a.out" "$T/b.out" && [ -s "$T/a.out" ]
}
for d in 4 3 2; do
	day=$(date -d "$TODAY -$d days" +%F)
	next=$(date -d "$TODAY -$((d - 1)) days" +%F)
	check "$day: the report from the restored backup is the original's (CSV)" same "$day" "$next" --csv
done
check "the three days, as text" same "$(date -d "$TODAY -4 days" +%F)" "$(date -d "$TODAY -1 days" +%F)"
# The streamed hour: each channel's readings in the backup end at its last
# one, with nothing missing before it (never in neither): up to the
# earliest of those, minute by minute, the restored figures are the
# original's.
HELD=$(for mc in $CHANS; do rrdtool lastupdate "$T/restored/bk/${mc%%:*}/${mc#*:}.rrd" | awk -F: 'END { print $1 }'; done |
	sort -n | head -1)
echo "# the backup holds the stream up to $(date -d "@${HELD:-0}" +%T) (it began at $(date -d "@$H0" +%T))"
check "the backup holds part of the stream" test "${HELD:-0}" -gt "$((H0 + 60))"
check "up to there, minute by minute, the same figures" same "@$H0" "@$((HELD - HELD % 60))" --csv
check "October's entered reams" same 2026-10-01 2026-11-01 --csv
grep -q paper_reams "$T/a.out" || not_ok "the October report has the reams channel"

# --- what a restore refuses ---------------------------------------------------
mkdir "$T/full" && echo x >"$T/full/something"
rconf "$T/full" full >"$T/full.conf"
"$BIN/gm-collector" --restore "$T/backup" -c "$T/full.conf" >"$T/full.out" 2>&1
rc=$?
check "a restore refuses a data directory that is not empty" sh -c \
	"test $rc = 3 && grep -q 'is not empty' '$T/full.out' && test \"\$(ls '$T/full')\" = something"
cp -a "$T/backup" "$T/damaged"
rrd=$(awk '/\.rrd$/ { print $3; exit }' "$T/damaged/MANIFEST")
printf 'X' | dd of="$T/damaged/$rrd" bs=1 seek=4000 conv=notrunc 2>/dev/null
rconf "$T/fresh" fresh >"$T/fresh.conf"
"$BIN/gm-collector" --restore "$T/damaged" -c "$T/fresh.conf" >"$T/damaged.out" 2>&1
rc=$?
check "a restore refuses a backup with one byte changed, naming the file" sh -c \
	"test $rc = 3 && grep -q '$rrd.*the backup is damaged' '$T/damaged.out'"
check "... and writes nothing" sh -c "test ! -e '$T/fresh' && test ! -e '$T/fresh.restoring'"
done_testing
