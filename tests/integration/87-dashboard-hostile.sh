#!/bin/bash
# 87-dashboard-hostile: gm-dashboard against clients and files meant to
# stop it (issue 16), real server, real sockets, real files:
# - special files in a report set (a FIFO, a hard link to a file outside,
#   a symbolic link) are refused with 4xx and no worker thread hangs;
# - a NUL in the path or query, raw or as %00, is refused with 400;
# - hundreds and a thousand idle connections (silent, or half a request)
#   from one address and from many leave a normal request answered within
#   1 s, and silent connections are closed after idle_timeout;
# - 10,000 aborted connections write at most a handful of log lines;
# - after all that it answers at once and stops on SIGTERM.
# The figures (time of a normal request under load) are printed as "# ...".
. "$(dirname "$0")/../lib.sh"

FLOOD="python3 $ROOT/tests/conn_flood.py"
mkdir -p "$T/data" "$T/reports/green-test" "$T/outside"
echo '<p>finance report</p>' >"$T/reports/green-test/finance.th.html"
echo 'SECRET outside the reports' >"$T/outside/secret.txt"
mkfifo "$T/reports/green-test/pipe.html"
ln "$T/outside/secret.txt" "$T/reports/green-test/hardlink.html"
ln -s "$T/outside/secret.txt" "$T/reports/green-test/symlink.html"

WEB=$(free_port)
cat >"$T/dash.conf" <<EOF
[dashboard]
listen = 127.0.0.1:$WEB
data_dir = $T/data
reports_dir = $T/reports
idle_timeout = 4
EOF
start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"
DASH_PID=$LAST_PID
check "it listens" wait_port "$WEB"
U=http://127.0.0.1:$WEB
code() { curl -s -o /dev/null -m 10 -w '%{http_code}' "$@"; }
# A normal request from 127.0.0.1: "CODE SECONDS", 000 when none came in 10 s.
timed() { curl -s -o /dev/null -m 10 -w '%{http_code} %{time_total}' "$U${1:-/}"; }
# 200 within a second; the figure is printed.
answers_fast() { # what
	local r
	r=$(timed /reports)
	echo "# normal request $1: $r s"
	[ "${r%% *}" = 200 ] && awk -v t="${r#* }" 'BEGIN { exit !(t < 1.0) }'
}
check "a normal request, unloaded" answers_fast "unloaded"
check "a report file is served" [ "$(code "$U/reports/green-test/finance.th.html")" = 200 ]

# --- special files: refused, and nothing blocks on them ------------------
fifo_curls=""
for i in 1 2 3 4 5 6 7 8; do   # more than the worker threads
	curl -s -o /dev/null -m 5 -w '%{http_code}\n' "$U/reports/green-test/pipe.html" >>"$T/fifo.codes" &
	fifo_curls="$fifo_curls $!"
done
wait $fifo_curls
check "a FIFO in a report set: 404, eight times over" [ "$(grep -c '^404$' "$T/fifo.codes")" = 8 ]
check "no worker hangs on it" answers_fast "after the FIFO"
curl -s -m 5 -o "$T/hl.body" -w '%{http_code}' "$U/reports/green-test/hardlink.html" >"$T/hl.code"
check "a hard link to a file outside: 403" [ "$(cat "$T/hl.code")" = 403 ]
check "its content never sent" sh -c "! grep -q SECRET '$T/hl.body'"
check "the reason is logged" wait_for 5 grep -q 'hardlink.html: .*2 names' "$T/dashboard.log"
check "a symbolic link: 404" [ "$(code "$U/reports/green-test/symlink.html")" = 404 ]
curl -s -m 5 "$U/reports" >"$T/list.html"
check "the reports page lists the report" grep -q 'finance.th.html' "$T/list.html"
check "but none of the three" sh -c "! grep -q 'pipe.html\|hardlink.html\|symlink.html' '$T/list.html'"
check "nor does the API" sh -c "curl -s -m 5 $U/api/reports | grep -q finance.th.html && ! curl -s -m 5 $U/api/reports | grep -q 'pipe\|hardlink\|symlink'"

# --- NUL: raw (curl cannot send one, so a socket does) and encoded ---------
raw() { $FLOOD raw "$WEB" "$1"; }
check "raw NUL in the path: 400" [ "$(raw 'b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n"')" = 400 ]
check "raw NUL before an extension: 400" \
	[ "$(raw 'b"GET /reports/green-test/finance.th.html\x00.txt HTTP/1.1\r\nHost: x\r\n\r\n"')" = 400 ]
check "raw NUL in the query: 400" [ "$(raw 'b"GET /?lang=en\x00x HTTP/1.1\r\nHost: x\r\n\r\n"')" = 400 ]
check "%00 as the path: 400" [ "$(code --path-as-is "$U/%00")" = 400 ]
check "%00 before an extension: 400" [ "$(code --path-as-is "$U/reports/green-test/finance.th.html%00.txt")" = 400 ]
check "%00 in the query: 400" [ "$(code "$U/?lang=en%00")" = 400 ]
check "%00 as a query key: 400" [ "$(code "$U/reports?%00=1")" = 400 ]
check "an encoded slash: 400" [ "$(code "$U/reports%2fgreen-test")" = 400 ]
check "a broken escape: 400" [ "$(code "$U/reports/green-test/a%zz")" = 400 ]
check "a control character, encoded: 400" [ "$(code "$U/reports/a%0ab")" = 400 ]
check "still answering at once" answers_fast "after the NULs"

# --- idle connections -----------------------------------------------------
# flood NAME N HALF SOURCES: N connections held open, HALF of them with half
# a request, from the given source addresses; waits until they are open.
flood() {
	start "$1" $FLOOD idle "$WEB" "$2" --half "$3" --from "$4"
	FLOOD_PID=$LAST_PID
	wait_for 60 grep -q '^ready' "$T/$1.log"
}
spread() { local i s=""; for i in $(seq 1 "$1"); do s="$s,127.0.1.$i"; done; echo "${s#,}"; }
check "200 idle connections from one address are open" flood idle200 200 50 127.0.0.2
check "a normal request answers within 1 s under them" answers_fast "under 200 idle from one address"
stop "$FLOOD_PID"
check "1,000 from one address" flood idle1000 1000 200 127.0.0.3
check "a normal request answers within 1 s under them" answers_fast "under 1,000 idle from one address"
refused_at_once() { tail -1 "$T/idle1000.log" | awk -F'closed=' '{ exit !($2 >= 1000 - 32) }'; }
check "all but max_per_ip (32) of them closed at once" wait_for 3 refused_at_once
stop "$FLOOD_PID"
check "200 from 20 addresses (10 each)" flood spread200 200 50 "$(spread 20)"
check "a normal request answers within 1 s under them" answers_fast "under 200 idle from 20 addresses"
stop "$FLOOD_PID"
check "1,000 from 50 addresses (20 each)" flood spread1000 1000 200 "$(spread 50)"
check "a normal request answers within 1 s under them" answers_fast "under 1,000 idle from 50 addresses"
all_closed() { tail -1 "$T/spread1000.log" | grep -q '^open=0 closed=1000$'; }
check "the silent and the half-sent are closed after idle_timeout (4 s)" wait_for 10 all_closed
stop "$FLOOD_PID"

# --- aborted connections: a handful of log lines, not one each ------------
before=$(wc -l <"$T/dashboard.log")
$FLOOD abort "$WEB" 10000 --from "$(spread 8)" >"$T/abort.out"
check "10,000 connections aborted" grep -q '^aborted=10000$' "$T/abort.out"
sleep 1
lines=$(($(wc -l <"$T/dashboard.log") - before))
echo "# log lines for 10,000 aborted connections: $lines"
check "they wrote at most 5 log lines" [ "$lines" -le 5 ]
check "and it answers at once" answers_fast "after 10,000 aborted connections"

check "still alive" kill -0 "$DASH_PID"
kill "$DASH_PID"
stopped() { ! kill -0 "$DASH_PID" 2>/dev/null; }
check "it stops on SIGTERM within 5 s (no thread stuck)" wait_for 5 stopped
check "no sanitizer report (leak, bad access, undefined behaviour)" \
	sh -c "! grep -q 'Sanitizer\|runtime error' '$T/dashboard.log'"
held() { grep -o 'http: [0-9]* more such lines in the last [0-9]* s not logged' "$T/dashboard.log" | awk '{ n += $2 } END { print n + 0 }'; }
echo "# log lines held back and summed up: $(held)"
check "what was not logged is counted: a summary says so (over 6,000: two thirds of the aborts left half a request)" [ "$(held)" -ge 6000 ]
kill -9 "$DASH_PID" 2>/dev/null
done_testing
