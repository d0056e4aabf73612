#!/bin/bash
# 51-connack-refused: a broker that refuses us for good (a wrong password;
# connack.h) is logged once, plainly, with what to fix, and tried again only
# every refused_retry seconds, not in a tight loop and not silently. The
# agent polls and spools meanwhile; once the broker's password file is
# mended (and mosquitto reloads it) it is let in, says so, and what it polled
# while refused reaches the collector. MQTT v5's reason code (135) likewise.
. "$(dirname "$0")/../lib.sh"

BROKER_PORT=$(free_port)
SIM_PORT=$(free_port)
mkdir -p "$T/mosq"
: >"$T/passwd"
for u in collector:cpass agent:apass c5:c5pass; do
	mosquitto_passwd -b "$T/passwd" "${u%%:*}" "${u#*:}"
done
cat >"$T/mosquitto.conf" <<CONF
listener $BROKER_PORT 127.0.0.1
allow_anonymous false
password_file $T/passwd
persistence true
persistence_location $T/mosq/
user $(id -un)
CONF
start mosquitto mosquitto -c "$T/mosquitto.conf"
BROKER_PID=$LAST_PID
wait_port "$BROKER_PORT" || not_ok "mosquitto starts"
printf 'cpass\n' >"$T/collector.pw"
printf 'wrong\n' >"$T/wrong.pw"

collector_conf "$T/data" "$T/status" "$BROKER_PORT" cr-collector >"$T/collector.conf"
printf 'username = collector\npassword_file = %s\n' "$T/collector.pw" >>"$T/collector.conf"
printf '[collector]\ndata_dir = %s/d5\n[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = c5-collector\n' \
	"$T" "$BROKER_PORT" >"$T/c5.conf"
printf 'username = c5\npassword_file = %s\nprotocol = 5\nrefused_retry = 6\n' "$T/wrong.pw" \
	>>"$T/c5.conf"
one_meter_sim "$SIM_PORT" 3 20 >"$T/sim.conf"
one_meter_agent cr cr-agent "$SIM_PORT" 0.5 0.4 |
	sed "s|^client_id = cr-agent\$|&\nusername = agent\npassword_file = $T/wrong.pw\nrefused_retry = 6|" \
	>"$T/agent.conf"

start sim "$BIN/gm-sim" -c "$T/sim.conf"
wait_port "$SIM_PORT" || not_ok "gm-sim listens"
start collector "$BIN/gm-collector" -c "$T/collector.conf"
start c5 "$BIN/gm-collector" -v -c "$T/c5.conf"
start agent "$BIN/gm-agent" -v -c "$T/agent.conf"
check "the collector with the right password subscribes" \
	wait_for 10 grep -q "subscribed to" "$T/collector.log"

FIX="check username, password and client_id in \\[mqtt\\] against the broker's access rules"
check "agent: the refusal is an error naming broker, client id, user, CONNACK 5 and what to fix" \
	wait_for 10 grep -q "error: broker tcp://127.0.0.1:$BROKER_PORT refused client id \"cr-agent\" (user \"agent\"): CONNACK 5, not authorised; $FIX.* Trying again every 6 s" "$T/agent.log"
check "MQTT v5: the reason code, 135 not authorized, likewise" \
	wait_for 10 grep -q "error: broker tcp://127.0.0.1:$BROKER_PORT refused client id \"c5-collector\" (user \"c5\"): CONNACK 135, not authorized; $FIX" "$T/c5.log"
sleep 9
attempts() { echo $((1 + $(grep -c "refused client id \"$1\" .* again: CONNACK" "$T/$2.log"))); }
n=$(attempts cr-agent agent)
# refused_retry 6: at 0 and 6 s; the old back-off tried at 0, 1, 3 and 7 s
check "agent: tried again after 6 s, not sooner ($n attempts in 9 s)" test "$n" -eq 2
n=$(attempts c5-collector c5)
check "v5 collector: tried again after 6 s, not sooner ($n attempts in 9 s)" test "$n" -eq 2
for s in agent c5; do
	check "$s: one error line in all, not one per attempt" \
		test "$(grep -c ': error: ' "$T/$s.log")" -eq 1
	check "$s: never connected" eval "! grep -q 'connected to broker' '$T/$s.log'"
done
check "the agent polls and spools while refused" \
	test -n "$(find "$T/spool" -type f -size +0 2>/dev/null)"

# Mend the broker: the agent's password is now "wrong". mosquitto reads its
# password file again on SIGHUP.
mosquitto_passwd -b "$T/passwd" agent wrong
kill -HUP "$BROKER_PID"
check "the agent is let in at its next attempt, and says so" \
	wait_for 10 grep -q "broker tcp://127.0.0.1:$BROKER_PORT let client id \"cr-agent\" in after refusing it for 0 min (2 refused attempts)" "$T/agent.log"
received() { awk '$1 == "cr/m1/import_kwh" { for (i = 2; i <= NF; i++) if ($i ~ /^received=/) { split($i, a, "="); print a[2] } }' "$T/status" 2>/dev/null; }
received_ge() { [ "$(received)" -ge "$1" ] 2>/dev/null; }
# 0.5 s polls: some 20 while refused (the status file is written every 5 s)
check "what it polled while refused reaches the collector (>= 20 readings of import_kwh)" \
	wait_for 20 received_ge 20
echo "# import_kwh received=$(received)"
check "the v5 collector, still refused, still logged one error" \
	test "$(grep -c ': error: ' "$T/c5.log")" -eq 1
done_testing
