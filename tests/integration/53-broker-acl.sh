#!/bin/bash
# 53-broker-acl: the shipped broker configuration trusts no one by default.
# A mosquitto set up as docs/install.md says -- Debian's mosquitto.conf with
# service/mosquitto/greenmeter.conf in its conf.d and greenmeter.acl beside
# it, only the paths and the port moved into the test's folder -- and two
# agents' credentials, agent-parliament and agent-annex (the second agent's
# block as `gm-agent --acl` prints it from its config):
#   - each agent's readings of its own site are stored;
#   - agent-parliament's name publishing for site annex (a misconfigured or
#     stolen agent) is refused by the broker, and nothing reaches annex's
#     files; `gm-agent --check` warns that its name may not publish there;
#   - the collector's name cannot publish a reading, the dashboard's only
#     its alerts; no one connects without a password.
. "$(dirname "$0")/../lib.sh"

# --- the broker, as installed --------------------------------------------------
MAIN=/etc/mosquitto/mosquitto.conf
[ -r "$MAIN" ] || { not_ok "Debian's $MAIN is there to start from"; done_testing; }
BROKER_PORT=$(free_port)
mkdir -p "$T/mosquitto/conf.d" "$T/mosq"
sed -e "s|/etc/mosquitto/conf.d|$T/mosquitto/conf.d|; s|/run/mosquitto/|$T/mosq/|" \
	-e "s|/var/lib/mosquitto/|$T/mosq/|; s|^log_dest .*|log_dest stderr|" "$MAIN" >"$T/mosquitto/mosquitto.conf"
sed -e "s|^listener 1883 127.0.0.1|listener $BROKER_PORT 127.0.0.1|" \
	-e "s|/etc/mosquitto/|$T/mosquitto/|g" "$ROOT/service/mosquitto/greenmeter.conf" \
	>"$T/mosquitto/conf.d/greenmeter.conf"
# a root mosquitto would switch to the mosquitto user, who cannot write here;
# every publish it refuses is logged
printf 'user %s\nlog_type all\n' "$(id -un)" >"$T/mosquitto/conf.d/test.conf"
cp "$ROOT/service/mosquitto/greenmeter.acl" "$T/mosquitto/greenmeter.acl"
chmod 700 "$T/mosquitto"
: >"$T/mosquitto/passwd"
for u in gm-collector gm-dashboard agent-parliament agent-annex; do
	echo "pw-$u" >"$T/$u.pw"
	mosquitto_passwd -b "$T/mosquitto/passwd" "$u" "pw-$u" || not_ok "mosquitto_passwd $u"
done
start mosquitto mosquitto -c "$T/mosquitto/mosquitto.conf"
BROKER_PID=$LAST_PID
wait_port "$BROKER_PORT" || { not_ok "mosquitto starts on the shipped configuration"; sed 's/^/# /' "$T/mosquitto.log"; done_testing; }
ok "mosquitto starts on Debian's mosquitto.conf with greenmeter.conf in conf.d"

mqtt_auth() { # user
	printf '[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = %s\nusername = %s\npassword_file = %s\n' \
		"$BROKER_PORT" "$2" "$1" "$T/$1.pw"
}
{
	printf '[collector]\ndata_dir = %s\nstatus_file = %s\n' "$T/data" "$T/status"
	mqtt_auth gm-collector gm-collector
} >"$T/collector.conf"
start_collector
collector_subscribed || not_ok "the collector subscribes with its own name"

MODBUS=$(free_port)
one_meter_sim "$MODBUS" 3 20 >"$T/sim.conf"
start sim "$BIN/gm-sim" -c "$T/sim.conf"
wait_port "$MODBUS" || not_ok "gm-sim listens"
agent_conf() { # file site user client_id
	{
		printf '[agent]\nsite = %s\ndevices = %s/devices\nspool_dir = %s/spool-%s\n' "$2" "$ROOT" "$T" "$4"
		mqtt_auth "$3" "$4"
		printf '[meter m1]\nmodel = sdm630\nchannels = total_kwh\nhost = 127.0.0.1:%s\nunit = 1\ninterval = 1\ntimeout = 0.5\n' "$MODBUS"
	} >"$1"
}
agent_conf "$T/parliament.conf" parliament agent-parliament agent-parliament
agent_conf "$T/annex.conf" annex agent-annex agent-annex
# the stolen name: agent-parliament's credentials, configured for annex
agent_conf "$T/stolen.conf" annex agent-parliament agent-stolen
# the second agent's rights, as an administrator adds them
"$BIN/gm-agent" --acl "$T/annex.conf" >>"$T/mosquitto/greenmeter.acl" 2>"$T/acl.err"
check "gm-agent --acl prints an agent's block from its config" \
	grep -qx 'topic write greenmeter/v1/annex/m1/#' "$T/mosquitto/greenmeter.acl"
kill -HUP "$BROKER_PID"   # mosquitto reads its ACL again
sleep 0.5

PARL=$T/data/parliament/m1/total_kwh.rrd
ANNEX=$T/data/annex/m1/total_kwh.rrd
start stolen "$BIN/gm-agent" -c "$T/stolen.conf"
start parliament "$BIN/gm-agent" -c "$T/parliament.conf"
wait_for 20 test -s "$PARL"
check "agent-parliament's readings of its own site are stored" test -s "$PARL"
denied() { grep -q "Denied PUBLISH from agent-stolen .*'greenmeter/v1/annex/m1/total_kwh'" "$T/mosquitto.log"; }
wait_for 10 denied
check "the broker refuses agent-parliament's name publishing for annex (its log)" denied
# the stolen agent has been publishing all along; let the stored site get ahead
sleep 3
check "nothing of the stolen agent's reaches annex's files" test ! -e "$T/data/annex"
check "... nor the collector's status" sh -c "! grep -q '^annex/' '$T/status'"

start annex "$BIN/gm-agent" -c "$T/annex.conf"
wait_for 20 test -s "$ANNEX"
check "agent-annex, with the block gm-agent --acl printed, stores annex's readings" test -s "$ANNEX"

"$BIN/gm-agent" --check "$T/stolen.conf" >"$T/check-stolen.out" 2>&1
grep -i 'warn' "$T/check-stolen.out" | sed 's/^/# /'
check "gm-agent --check warns that its name may not publish for its site" \
	grep -q "warning: .*the broker does not let user \"agent-parliament\" publish for annex/m1 (not authorised" "$T/check-stolen.out"
"$BIN/gm-agent" --check "$T/parliament.conf" >"$T/check-parl.out" 2>&1
check "... and does not when it may" sh -c "! grep -qi 'warning' '$T/check-parl.out'"
sleep 0.5
check "the collector took the access check in silence (nothing rejected, no channel made)" sh -c \
	"! grep -q 'greenmeter/v1/parliament/m1:' '$T/collector.log' && ! grep -q '^parliament/m1 ' '$T/status'"

# --- the collector's and the dashboard's names --------------------------------
pub() { # user topic message
	mosquitto_pub -p "$BROKER_PORT" -u "$1" -P "pw-$1" -i "pub-$1-$$" -q 1 -t "$2" -m "$3"
}
NOW=$(date +%s)
pub gm-collector greenmeter/v1/forged/m/c "{\"t\":$NOW,\"v\":1,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":1}"
pub gm-dashboard greenmeter/v1/forged/m/c "{\"t\":$NOW,\"v\":1,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":2}"
pub gm-dashboard greenmeter/alerts/parliament/m1/total_kwh '{"event":"test"}'
wait_for 5 grep -q "Denied PUBLISH from pub-gm-dashboard-$$" "$T/mosquitto.log"
check "the collector's name may not publish a reading" \
	grep -q "Denied PUBLISH from pub-gm-collector-$$ .*'greenmeter/v1/forged/m/c'" "$T/mosquitto.log"
check "the dashboard's name may not publish a reading" \
	grep -q "Denied PUBLISH from pub-gm-dashboard-$$ .*'greenmeter/v1/forged/m/c'" "$T/mosquitto.log"
check "... but may publish its alerts" sh -c \
	"! grep -q \"Denied PUBLISH from pub-gm-dashboard-$$ .*'greenmeter/alerts/\" '$T/mosquitto.log'"
sleep 1
check "nothing forged was stored" test ! -e "$T/data/forged"
timeout 5 mosquitto_pub -p "$BROKER_PORT" -i anon-$$ -q 1 -t greenmeter/v1/anon/m/c -m x 2>"$T/anon.err"
check "a client without a password is refused" test $? -ne 0
sed 's/^/# /' "$T/anon.err"
done_testing
