# lib.sh - helpers for greenmeter's integration tests (sourced by bash).
#
# Real parts only: a real mosquitto on a free loopback port, real gm-sim
# Modbus TCP servers, real RRD files. Everything a test starts is recorded
# and stopped by pid when the test exits, however it exits.

set -u
BIN=${BIN:?BIN must point at the programs}
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
. "$ROOT/tools/runlib.sh"
T=$(mktemp -d /tmp/gm-test.XXXXXX)
# start, stop and start_broker (tools/runlib.sh) keep their logs, the
# broker's config and its database in $T.
LOG_DIR=$T
PIDS=""
FAILS=0
CHECKS=0

cleanup() {
	stop_pids $PIDS
	if [ "$FAILS" -eq 0 ] && [ -z "${KEEP:-}" ]; then rm -rf "$T"; else echo "# files kept in $T"; fi
}
trap cleanup EXIT

ok() { CHECKS=$((CHECKS + 1)); echo "ok - $*"; }
not_ok() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "not ok - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
done_testing() { [ "$FAILS" -eq 0 ]; exit $?; }

# gm-sim config: one gateway on port $1 with one SDM630 "m1" (seed $2, load $3).
one_meter_sim() {
	printf '[sim]\nlisten = 127.0.0.1:%s\ndevices = %s/devices\n' "$1" "$ROOT"
	printf '[meter m1]\nunit = 1\nmodel = sdm630\nseed = %s\nload = %s\n' "$2" "$3"
}

# gm-agent config: site $1, client id $2, polling one_meter_sim's "m1" on
# port $3 every $4 s with timeout $5, spooling in $T/spool.
one_meter_agent() {
	printf '[agent]\nsite = %s\ndevices = %s/devices\nspool_dir = %s/spool\n' "$1" "$ROOT" "$T"
	printf '[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = %s\n' "$BROKER_PORT" "$2"
	printf '[meter m1]\nmodel = sdm630\nhost = 127.0.0.1:%s\nunit = 1\ninterval = %s\ntimeout = %s\n' \
		"$3" "$4" "$5"
}

# gm-collector on $T/collector.conf, logging to $T/collector.log, pid in
# COLLECTOR_PID; also for starting it again on the same config.
start_collector() { start collector "$BIN/gm-collector" -c "$T/collector.conf"; COLLECTOR_PID=$LAST_PID; }

# The collector has subscribed within $1 s (default 10): only from then on
# does the broker keep what is published for it.
collector_subscribed() { wait_for "${1:-10}" grep -q "subscribed to" "$T/collector.log"; }

# The usual collector: client id $1, storing in $T/data with its status in
# $T/status, started and subscribed within $2 s (default 10), or returns 1.
collector_up() { # client_id [limit]
	collector_conf "$T/data" "$T/status" "$BROKER_PORT" "$1" >"$T/collector.conf"
	start_collector
	collector_subscribed "${2:-10}"
}

# An agent config in $T/agent.conf only for `gm-agent --import` (site
# senate, client id $1, spool in $T/spool): no meters to poll.
importer_conf() { # client_id
	printf '[agent]\nsite = senate\nspool_dir = %s/spool\n[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = %s\n' \
		"$T" "$BROKER_PORT" "$1" >"$T/agent.conf"
}

# Import one CSV file with that config, its output appended to
# $T/import.log; returns gm-agent's exit code, which the tests check.
imp() { "$BIN/gm-agent" -c "$T/agent.conf" --import "$1" >>"$T/import.log" 2>&1; }

# The hostile Modbus fixture has served each of the NKINDS kinds of bad
# answer in $T/served.log at least once, and its last answer was the good
# one after them, so whatever the agent makes of them is published by now.
served_all() { test "$(awk '$2 != "good" { print $2 }' "$T/served.log" | sort -u | wc -l)" -ge "$NKINDS" &&
	test "$(tail -1 "$T/served.log" | awk '{ print $2 }')" = good; }

# What the collector keeps beside the channels: its write-ahead log, the
# quarantine of messages it could not store and the format line (an
# extended regular expression for find's output, "./..." relative to the
# data directory).
OWN_PATHS='^\./\.wal(/(lock|[0-9]{16}\.wal))?$|^\./\.quarantine(/(journal|aside))?$|^\./\.greenmeter-format$'

# The readings in mosquitto_sub -v output ($1), one a line: "topic t v",
# only topics matching the extended regex $2 if given. A message may be a
# batch (the wire contract's "readings": the agent sends one whenever
# several readings of a topic are waiting, as on a busy machine when a late
# poll and the next one come close together): each of its readings is a line. A line that
# is no reading of the contract is an error (exit 1), never skipped.
# (The program is given with -c, so that $1 may be /dev/stdin.)
sub_readings() {
	python3 -c '
import json, re, sys
want = re.compile(sys.argv[2]) if len(sys.argv) > 2 else None
for line in open(sys.argv[1]):
    topic, payload = line.rstrip("\n").split(" ", 1)
    if want and not want.search(topic):
        continue
    d = json.loads(payload)
    for t, v in d["readings"] if "readings" in d else [[d["t"], d["v"]]]:
        print(topic, repr(t), repr(v))
' "$@"
}

# |a - b| <= tol, with awk doing the arithmetic.
# Both must be numbers: an empty or broken figure is a failure, not 0.
near() { awk -v a="$1" -v b="$2" -v t="$3" 'function num(x) { return x ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
	BEGIN { if (!num(a) || !num(b)) exit 1; d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }

# float32 spacing at x: 2^(floor(log2 |x|) - 23).
f32_ulp() { awk -v x="$1" 'BEGIN { if (x < 0) x = -x; if (x < 1e-30) x = 1e-30; e = int(log(x) / log(2)); if (2^e > x) e--; printf "%.17g\n", 2^(e - 23) }'; }

# gm-report's text table in file $1 lines up: the columns of line 2 (the
# header; columns are two or more spaces apart) and of every row, counted
# in terminal columns with Python's own Unicode data (a combining mark, as
# Thai vowels and tone marks above and below the line, takes none). Text
# columns (site, meter, channel, unit) start where their header starts;
# numbers (amount, coverage, gaps) end where theirs ends. A row without a
# figure (its words instead) lines up its first three. Indented lines are
# notes under a row. Says which line is off, and exits 1.
table_aligned() {
	python3 -c '
import re, sys, unicodedata
def width(s):
    return sum(unicodedata.category(c) != "Mn" for c in s)
def fields(line):   # (start, end of its first word) in terminal columns
    return [(width(line[:m.start()]), width(line[:m.start()]) + width(m.group().split(" ")[0]),
             width(line[:m.end()]))
            for m in re.finditer(r"\S+(?: \S+)*", line)]
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
head = fields(lines[1])
if len(head) != 7:
    sys.exit("header has %d columns, not 7: %r" % (len(head), lines[1]))
rows = 0
for n, line in enumerate(lines[2:], 3):
    if line == "" or line.startswith("    "):
        continue
    f = fields(line)
    if len(f) not in (4, 7):
        sys.exit("line %d has %d columns: %r" % (n, len(f), line))
    cols = range(7) if len(f) == 7 else range(3)
    for c in cols:
        want, got = (head[c][2], f[c][1]) if c in (3, 5, 6) else (head[c][0], f[c][0])
        if want != got:
            sys.exit("line %d, column %d at %d, header at %d: %r" % (n, c + 1, got, want, line))
    rows += 1
if rows == 0:
    sys.exit("no rows")
' "$1"
}
