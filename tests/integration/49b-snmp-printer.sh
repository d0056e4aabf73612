#!/bin/bash
# 49b-snmp-printer: printers read over SNMP by gm-agent, against a real
# snmpd (Debian's, on a free loopback UDP port, with its own config and no
# system one). Its `pass` script serves a growing prtMarkerLifeCount (every
# GET adds 3, and the value is written to served.log) with its unit, and
# a vendor's private counters, one of them a string, others missing.
# - v2c (standard Printer MIB) and v3 authPriv (SHA-256, AES; a vendor
#   profile): the page count published is the one snmpd served, in "pages";
#   a marker that counts sheets is published in "sheets";
# - a string where a counter should be, and a missing OID
#   (noSuchInstance), are logged with printer, host, channel and OID, and
#   not published; the printer's other channels are;
# - a counter that goes back (the printer reset) is published and logged;
# - a wrong community says "no answer (wrong community or host down?)", a
#   wrong v3 passphrase says so, each naming printer and host, once;
# - snmpd stopped (SIGSTOP): "no answer" logged once, attempts after 0.9,
#   1.8, 2.7 s (the Modbus gateways' back-off, capped by the interval), the
#   channels turn stale in the collector's status file (no change there:
#   staleness is time since the last reading); snmpd back: "back after".
# - gm-agent --check -v lists the printers and their channels; a v3
#   passphrase file others may read is refused.
. "$(dirname "$0")/../lib.sh"

# A UDP port free too (free_port looks at TCP).
udp_port() {
	local p
	while :; do
		p=$(free_port)
		ss -Huan "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }
	done
}

start_broker
collector_up snmp-collector || not_ok "the collector subscribed"
PORT=$(udp_port)
LIFE=.1.3.6.1.2.1.43.10.2.1.4.1     # prtMarkerLifeCount.1.<marker>
UNIT=.1.3.6.1.2.1.43.10.2.1.3.1     # prtMarkerCounterUnit.1.<marker>
KYO=.1.3.6.1.4.1.1347.42.3.1.2.1.1  # Kyocera: .<function>.<colour mode>

# snmpd's pass script: "-g OID" answers OID, type and value on three lines.
cat >"$T/pass.sh" <<SH
#!/bin/sh
[ "\$1" = -g ] || exit 0
grow() { n=\$(cat "$T/\$1" 2>/dev/null || echo \$2); n=\$((n + \$3)); echo \$n >"$T/\$1"; }
case "\$2" in
$LIFE.1) grow count 120000 3; echo "\$(date +%s.%N) \$n" >>"$T/served.log"
	printf '%s\ncounter\n%s\n' "\$2" "\$n" ;;
$UNIT.1) printf '%s\ninteger\n7\n' "\$2" ;;
$LIFE.2) grow sheets 70000 2
	[ -e "$T/reset" ] && n=\$((n - 69990))     # the printer was reset
	printf '%s\ncounter\n%s\n' "\$2" "\$n" ;;
$UNIT.2) printf '%s\ninteger\n8\n' "\$2" ;;
$KYO.1.1) grow mono 500 1; printf '%s\ncounter\n%s\n' "\$2" "\$n" ;;
$KYO.1.3) printf '%s\nstring\nhello\n' "\$2" ;;
esac
SH
mkdir -p "$T/snmp"
cat >"$T/snmpd.conf" <<CONF
agentaddress udp:127.0.0.1:$PORT
rocommunity gmtest 127.0.0.1
createUser gmuser SHA-256 "authpass123" AES "privpass123"
rouser gmuser priv
createUser gmbad SHA-256 "authpass999" AES "privpass999"
rouser gmbad priv
pass .1.3.6.1.2.1.43.10.2.1 /bin/sh $T/pass.sh
pass .1.3.6.1.4.1.1347 /bin/sh $T/pass.sh
[snmp] persistentDir $T/snmp
CONF
start snmpd env MIBS= SNMP_PERSISTENT_DIR="$T/snmp" snmpd -f -Lo -C -c "$T/snmpd.conf"
SNMPD=$LAST_PID
# a stopped snmpd would not end on SIGTERM: let it go on first, however we end
trap 'kill -CONT $SNMPD 2>/dev/null; cleanup' EXIT
answers() { snmpget -v2c -c gmtest -t 0.3 -r 0 "127.0.0.1:$PORT" $UNIT.1 >/dev/null 2>&1; }
check "snmpd answers on 127.0.0.1:$PORT (udp)" wait_for 10 answers
: >"$T/served.log"

# The profiles: the shipped ones, and one for marker 2, which counts sheets.
mkdir -p "$T/devices"
cp "$ROOT"/devices/*.conf "$T/devices/"
printf '[printer]\ndescription = marker 2\n[channel sheets]\noid = %s\nunit_oid = %s\n' \
	"${LIFE#.}.2" "${UNIT#.}.2" >"$T/devices/marker2.conf"
printf 'authpass123\n' >"$T/auth.pw"
chmod 600 "$T/auth.pw"
printer() { # id interval timeout retries [key = value lines]
	printf '[printer %s]\nhost = 127.0.0.1:%s\ninterval = %s\ntimeout = %s\nretries = %s\n' \
		"$1" "$PORT" "$2" "$3" "$4"
	shift 4
	printf '%s\n' "$@"
}
{
	printf '[agent]\nsite = lab\ndevices = %s/devices\nspool_dir = %s/spool\n' "$T" "$T"
	printf '[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = snmp-agent\n' "$BROKER_PORT"
	printer v2 3 0.3 1 'community = gmtest'
	printer v3 1 0.3 1 'profile = kyocera-color' 'version = 3' 'user = gmuser' \
		'auth_protocol = SHA-256' "auth_pass_file = $T/auth.pw" 'priv_protocol = AES' \
		'priv_pass = privpass123'
	printer sheets 1 0.3 1 'profile = marker2' 'community_file = '"$T/auth.pw"
	printer badcomm 2 0.2 0 'community = wrong'
	printer badpass 2 0.2 0 'version = 3' 'user = gmbad' 'auth_protocol = SHA-256' \
		'auth_pass = authpass000' 'priv_pass = privpass999'
} >"$T/agent.conf"
# marker 2's community is the same file's line, for a community_file
printf 'gmtest\n' >"$T/auth.pw.c"
chmod 600 "$T/auth.pw.c"
sed -i "s|community_file = $T/auth.pw\$|community_file = $T/auth.pw.c|" "$T/agent.conf"

# --- --check ---------------------------------------------------------------
"$BIN/gm-agent" --check "$T/agent.conf" -v >"$T/check.txt" 2>&1
check "--check: the configuration is OK, with 5 printers" \
	grep -q 'configuration OK (0 Modbus meters, 0 MQTT meters, 5 printers)' "$T/check.txt"
check "--check -v lists each printer with its profile, host and version" \
	grep -q "^printer v3: profile kyocera-color at 127.0.0.1:$PORT, SNMP v3 authPriv, every 1.0 s: pages (pages or sheets, counter) print_mono (pages, counter)" "$T/check.txt"
sed 's|^auth_pass_file = .*|auth_pass_file = '"$T/open.pw"'|' "$T/agent.conf" >"$T/open.conf"
printf 'authpass123\n' >"$T/open.pw"
chmod 644 "$T/open.pw"
"$BIN/gm-agent" --check "$T/open.conf" >"$T/open.txt" 2>&1
check "a passphrase file others may read is refused, by file and line" \
	grep -q "open.conf:[0-9]*: auth_pass_file = \"$T/open.pw\": others may read it (mode 644)" "$T/open.txt"

# --- readings --------------------------------------------------------------
timeout 60 mosquitto_sub -p "$BROKER_PORT" -q 1 -t 'greenmeter/v1/lab/#' -v >"$T/sub.txt" &
SUB=$!
sleep 0.5
start agent "$BIN/gm-agent" -v -c "$T/agent.conf"
AGENT=$LAST_PID
values() { sub_readings "$T/sub.txt" "/lab/$1\$" | awk '{ print $3 }'; }
enough() { [ "$(values v2/pages | wc -l)" -ge 3 ] && [ "$(values v3/pages | wc -l)" -ge 4 ]; }
check "v2c and v3 printers are read (3 and 4 readings)" wait_for 15 enough
# the last count snmpd served is published: wait for a moment when it is
last_published() { values 'v[23]/pages' | grep -qx "$(tail -1 "$T/served.log" | awk '{ print $2 }')"; }
check "the last page count snmpd served is the last published" wait_for 5 last_published
# what was published first, then what was served: every count is served
# before it can be published, so the second holds the first
values 'v[23]/pages' | sort -u >"$T/published.v"
awk '{ print $2 }' "$T/served.log" | sort -u >"$T/served.v"
notserved() { comm -23 "$T/published.v" "$T/served.v" | wc -l; }
echo "# v2c: $(values v2/pages | tr '\n' ' ')"
echo "# v3:  $(values v3/pages | tr '\n' ' ')"
echo "# snmpd served $(wc -l <"$T/served.v") counts, $(head -1 "$T/served.v")..$(tail -1 "$T/served.v")"
check "every published page count (v2c and v3) is one snmpd served" test "$(notserved)" -eq 0
check "v2c pages: unit pages, kind counter, every 3, wrap 2^32" \
	grep -q '/lab/v2/pages {.*"unit":"pages","kind":"counter".*"wrap":4294967296.*"every":3' "$T/sub.txt"
check "marker 2 counts sheets: published in sheets" grep -q '/lab/sheets/sheets {.*"unit":"sheets"' "$T/sub.txt"
check "the vendor's mono counter is published (v3)" test "$(values v3/print_mono | wc -l)" -ge 2
check "a string where a counter should be: logged with printer, host, channel and OID" \
	grep -q "printer v3 (127.0.0.1:$PORT) print_colour (1.3.6.1.4.1.1347.42.3.1.2.1.1.1.3): is an OCTET STRING, not a number: not published" "$T/agent.log"
check "... and never published" test "$(values v3/print_colour | wc -l)" -eq 0
check "a missing OID (noSuchInstance) is logged, not published" \
	grep -q "printer v3 (127.0.0.1:$PORT) copy_mono (1.3.6.1.4.1.1347.42.3.1.2.1.1.2.1): the printer has no such instance (noSuchInstance)" "$T/agent.log"
check "a bad channel is logged once, not every poll" \
	test "$(grep -c 'print_colour (' "$T/agent.log")" -eq 1
check "a wrong community: no answer (wrong community or host down?), naming printer and host" \
	grep -q "warning: printer badcomm (127.0.0.1:$PORT): no answer (wrong community or host down?): 1 attempt of 200 ms; retrying" "$T/agent.log"
check "a wrong v3 passphrase says so, naming printer, host and user" \
	grep -q "warning: printer badpass (127.0.0.1:$PORT): SNMPv3 user \"gmbad\": wrong auth_pass or auth_protocol SHA-256 (Authentication failure" "$T/agent.log"
check "each failing printer is logged once" \
	test "$(grep -c 'printer badcomm (.*no answer' "$T/agent.log")" -eq 1 -a "$(grep -c 'printer badpass (.*SNMPv3' "$T/agent.log")" -eq 1

# --- a counter that goes back ----------------------------------------------
touch "$T/reset"
fell() { grep -q "printer sheets (127.0.0.1:$PORT) sheets: the counter went back from 7[0-9]* to [0-9]* (printer reset or replaced?); published" "$T/agent.log"; }
check "a counter that goes back is logged" wait_for 5 fell
small() { values sheets/sheets | awk '$1 < 1000 { n++ } END { exit !n }'; }
check "... and published (the collector flags the fall)" wait_for 5 small

# --- snmpd stops answering -------------------------------------------------
state() { grep "^lab/$1 " "$T/status" | grep -q " status=$2 "; }
check "v3 pages is ok in the collector's status" wait_for 10 state v3/pages ok
# the dashboard, as facilities staff see the printers
WEB=$(free_port)
printf '[dashboard]\nlisten = 127.0.0.1:%s\ndata_dir = %s/data\nstatus_file = %s/status\nscan = 0.5\n' \
	"$WEB" "$T" "$T" >"$T/dashboard.conf"
start dashboard "$BIN/gm-dashboard" -c "$T/dashboard.conf"
wait_port "$WEB" || not_ok "the dashboard listens"
on_dashboard() { # channel status
	curl -s "http://127.0.0.1:$WEB/api/meters" | python3 -c "
import json, sys
d = json.load(sys.stdin)
rows = d['meters'] if isinstance(d, dict) else d
sys.exit(0 if [m for m in rows if m.get('channel') == 'lab/$1' and m.get('status') == '$2'] else 1)"
}
check "the dashboard shows v3 pages ok" wait_for 10 on_dashboard v3/pages ok
kill -STOP "$SNMPD"
STOPPED=$(date +%s)
check "no answer: logged with printer and host" \
	wait_for 8 grep -q "warning: printer v2 (127.0.0.1:$PORT): no answer (wrong community or host down?): 2 attempts of 300 ms; retrying" "$T/agent.log"
check "v3 pages turns stale in the status file" wait_for 15 state v3/pages stale
check "v2 pages turns stale too" wait_for 10 state v2/pages stale
both_stale() { on_dashboard v3/pages stale && on_dashboard v2/pages stale; }
check "the dashboard shows the printers' pages stale" wait_for 10 both_stale
echo "# stale after $(( $(date +%s) - STOPPED )) s"
waits() { sed -n "s/.*debug: printer v2 (127.0.0.1:$PORT): next attempt in \([0-9]*\) ms/\1/p" "$T/agent.log" | tr '\n' ' '; }
echo "# v2 back-off (interval 3 s): $(waits)"
check "retries back off: 900, 1800, 2700 ms (1, 2, 3 s less a tenth; the interval caps)" \
	sh -c "echo '$(waits)' | grep -q '^900 1800 2700 '"
check "the outage is logged once" test "$(grep -c 'printer v2 (.*no answer' "$T/agent.log")" -eq 1
kill -CONT "$SNMPD"
check "snmpd back: 'back after' logged" wait_for 8 grep -q "info: printer v2 (127.0.0.1:$PORT): back after" "$T/agent.log"
check "v3 pages is ok again" wait_for 10 state v3/pages ok
stop "$AGENT"
kill "$SUB" 2>/dev/null
check "nothing crashed in the agent" sh -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$T/agent.log'"
done_testing
