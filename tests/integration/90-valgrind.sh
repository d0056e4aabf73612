#!/bin/bash
# 90-valgrind: a short real run of every program under valgrind (release
# build): no invalid memory access and no definite leak, including on the
# error paths (a bad config) and after SIGTERM.
. "$(dirname "$0")/../lib.sh"

VG="valgrind -q --error-exitcode=99 --suppressions=$ROOT/tests/valgrind.supp --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite"
start_broker
SIM_PORT=$(free_port)
one_meter_sim "$SIM_PORT" 1 20 >"$T/sim.conf"
one_meter_agent vg vg-agent "$SIM_PORT" 0.5 0.4 >"$T/agent.conf"
collector_conf "$T/data" "$T/status" "$BROKER_PORT" vg-collector >"$T/collector.conf"
printf '[agent]\nsitee = x\n[meter Bad]\nhost = nowhere:99999\n' >"$T/bad.conf"

# Run under valgrind for a while, stop with SIGTERM, report its exit code.
vg_run() { # name seconds command...
	local name=$1 secs=$2; shift 2
	$VG "$@" >"$T/$name.log" 2>&1 &
	local pid=$!
	sleep "$secs"
	kill -TERM "$pid"
	# a program that does not stop on SIGTERM fails here instead of hanging
	for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then
		echo "# $name did not stop within 30 s of SIGTERM"
		kill -KILL "$pid"
		wait "$pid"
		return 98
	fi
	wait "$pid"
}

$VG "$BIN/gm-agent" -n -c "$T/bad.conf" >"$T/bad.log" 2>&1
check "gm-agent rejects a bad config with exit 1, cleanly" test $? -eq 1
$VG "$BIN/gm-sim" -c "$T/sim.conf" -n >"$T/simcheck.log" 2>&1
check "gm-sim -n is clean" test $? -eq 0
$VG "$BIN/gm-sim" -c "$T/sim.conf" --truth m1 total_kwh @1763700000 >"$T/truth.log" 2>&1
check "gm-sim --truth is clean" test $? -eq 0

vg_run collector 12 "$BIN/gm-collector" -c "$T/collector.conf" &
C=$!
vg_run sim 10 "$BIN/gm-sim" -c "$T/sim.conf" &
S=$!
sleep 2
vg_run agent 6 "$BIN/gm-agent" -c "$T/agent.conf"
check "gm-agent: a polling run ends without leaks or errors" test $? -eq 0
wait $S
check "gm-sim: a serving run ends without leaks or errors" test $? -eq 0
wait $C
check "gm-collector: a storing run ends without leaks or errors" test $? -eq 0
check "the run stored readings" test -f "$T/data/vg/m1/total_kwh.rrd"

NOW=$(date +%s)
$VG "$BIN/gm-report" -d "$T/data" --from "@$((NOW - 600))" --to "@$NOW" >"$T/report.log" 2>&1
check "gm-report is clean" test $? -eq 0
cp -r "$ROOT/dashboards/org/senate" "$T/org"
printf '[meters]\nvg/m1/total_kwh = electricity from 2024-10-01 finance-budget 60 legal 40\n' >>"$T/org/organisation.ini"
# the Thai set with its PDFs: Pango, cairo and the shaper's threads too
$VG "$BIN/gm-report" -d "$T/data" --org "$T/org/organisation.ini" --fy 2570 --lang th --pdf \
	--out "$T/green" >"$T/green.log" 2>&1
check "gm-report's Green Office set with PDFs is clean" test $? -eq 0
check "and written" test -s "$T/green/summary.th.html" -a -s "$T/green/summary.th.pdf"
WEB=$(free_port)
printf '[dashboard]\nlisten = 127.0.0.1:%s\ndata_dir = %s\nstatus_file = %s\norg = %s\nreports_dir = %s\nscan = 1\nalert_command = true\n' \
	"$WEB" "$T/data" "$T/status" "$T/org/organisation.ini" "$T" >"$T/dash.conf"
# with accounts: the database, argon2id, sessions, the audit log
printf '[accounts]\ndatabase = %s/dash.db\npublic = overview units meters reports api metrics\n' "$T" \
	>>"$T/dash.conf"
printf 'vg-password-1\n' | $VG "$BIN/gm-dashboard" -c "$T/dash.conf" --add-user vg --role admin \
	>"$T/adduser.log" 2>&1
check "gm-dashboard --add-user is clean" test $? -eq 0
$VG "$BIN/gm-dashboard" -c "$T/dash.conf" --backup "$T/dash-copy.db" >"$T/backup.log" 2>&1
check "gm-dashboard --backup is clean" test $? -eq 0
vg_run dashboard 55 "$BIN/gm-dashboard" -c "$T/dash.conf" &
D=$!
wait_port "$WEB" 150
for p in / /?lang=en /units /unit/finance-budget /meter/vg/m1/total_kwh /graph/vg/m1/total_kwh/24h.png \
	/api/meters /api/meters/vg/m1/total_kwh /api/units /api/reports /metrics /reports /reports/green/summary.th.html \
	/nope /meter/vg/m1/nope /reports/../x; do
	curl -s -o /dev/null "http://127.0.0.1:$WEB$p"
done
curl -s -o /dev/null -X POST "http://127.0.0.1:$WEB/"
U=http://127.0.0.1:$WEB
for pw in wrong-one vg-password-1; do   # a refusal, then a session
	tok=$(curl -s -c "$T/jar" -b "$T/jar" "$U/signin" | grep -o '[0-9a-f]\{64\}' | head -1)
	curl -s -o /dev/null -c "$T/jar" -b "$T/jar" --data-urlencode "csrf=$tok" --data-urlencode name=vg \
		--data-urlencode "password=$pw" "$U/signin"
done
curl -s -o "$T/audit.html" -b "$T/jar" "$U/audit"
check "gm-dashboard under valgrind signs in and shows the audit log" grep -q 'เข้าสู่ระบบ' "$T/audit.html"
# the forms: a checklist saved and a file attached and read back, the plan
# saved, the accounts page, a dial and entries page
curl -s -b "$T/jar" "$U/checklist?unit=finance-budget" >"$T/check.html"
python3 "$ROOT/tests/formfill.py" "$T/check.html" checklist s1.1.1=1 e1.1.1=vg >"$T/check.txt" &&
	curl -s -o /dev/null -b "$T/jar" --data @"$T/check.txt" "$U/checklist"
printf '%%PDF-1.4\n%% vg\n' >"$T/vg.pdf"
tok=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$T/check.html" | head -1 | grep -o '[0-9a-f]\{64\}')
curl -s -o /dev/null -b "$T/jar" -F "csrf=$tok" -F unit=finance-budget -F "fy=$(sed -n 's/.*name="fy" value="\([0-9]*\)".*/\1/p' "$T/check.html" | head -1)" \
	-F code=1.1.1 -F "file=@$T/vg.pdf" "$U/checklist/evidence"
curl -s -o "$T/vg-back.pdf" -b "$T/jar" "$U/evidence/1"
curl -s -b "$T/jar" "$U/plan" >"$T/plan.html"
python3 "$ROOT/tests/formfill.py" "$T/plan.html" plan en=vg >"$T/plan.txt" &&
	curl -s -o /dev/null -b "$T/jar" --data @"$T/plan.txt" "$U/plan"
for p in /users /entries /report-run; do curl -s -o /dev/null -b "$T/jar" "$U$p"; done
check "gm-dashboard under valgrind saves a checklist and gives its evidence back" sh -c "
	grep -q '^evidence = vg$' '$T/org/checklists/'*/finance-budget.ini && cmp -s '$T/vg.pdf' '$T/vg-back.pdf'"
tok=$(curl -s -b "$T/jar" "$U/account" | grep -o '[0-9a-f]\{64\}' | head -1)
curl -s -o /dev/null -b "$T/jar" --data-urlencode "csrf=$tok" "$U/signout"
wait $D
check "gm-dashboard: a serving run ends without leaks or errors" test $? -eq 0
printf '[dashboard]\nthreads = many\n' >"$T/dash-bad.conf"
$VG "$BIN/gm-dashboard" -n -c "$T/dash-bad.conf" >"$T/dash-bad.log" 2>&1
check "gm-dashboard refuses a bad config with exit 1, cleanly" test $? -eq 1
printf '[unit x]\nheadcount 2570 = many\n' >>"$T/org/organisation.ini"
$VG "$BIN/gm-report" -d "$T/data" --org "$T/org/organisation.ini" --fy 2570 --out "$T/green2" \
	>"$T/green2.log" 2>&1
check "gm-report refuses a broken organisation file with exit 1, cleanly" test $? -eq 1
for f in "$T"/*.log; do grep -q '==[0-9]*==' "$f" && { echo "# $f:"; cat "$f"; }; done
done_testing
