#!/bin/bash
# 50-tls-auth: gm-agent and gm-collector reach a real mosquitto over TLS, with
# the broker's certificate verified against our CA, a username and password,
# and a client certificate. The certificates are made here with openssl: a
# test CA, a server certificate for 127.0.0.1 and localhost, a client
# certificate, and a second ("foreign") CA that signed nothing of ours.
#
# The broker has three TLS listeners (per_listener_settings): CERT_PORT wants
# a client certificate and a password, PW_PORT a password only, NAME_PORT
# (password only) shows a certificate our CA signed for another host name.
# Each agent publishes under its own site id, so the collector's data shows
# who got through:
#   tls-cert    ssl:// URI, CA, client certificate, password    stored
#   tls-pw      host:port + CA (turns TLS on), password          stored
#   neg-pw      as tls-cert with a wrong password                refused, nothing stored
#   neg-ca      a CA that did not sign the broker's certificate  refused, nothing stored
#   neg-name    the broker's certificate names another host      refused, nothing stored
#   neg-tcp     plain tcp:// to a TLS listener                   fails, nothing stored
#   neg-nocert  no client certificate where one is required      refused, nothing stored
. "$(dirname "$0")/../lib.sh"

# --- certificates (EC P-256: fast) -------------------------------------------
P=$T/pki
mkdir -p "$P"
cat >"$P/openssl.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[othername_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:broker.invalid
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
ossl() { openssl "$@" >>"$P/openssl.log" 2>&1; }
newkey() { ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$P/$1.key"; }
make_ca() { # name CN
	newkey "$1" && ossl req -x509 -new -config "$P/openssl.cnf" -extensions ca_ext \
		-key "$P/$1.key" -subj "/CN=$2" -days 2 -out "$P/$1.crt"
}
make_signed() { # name CN extensions-section
	newkey "$1" &&
		ossl req -new -config "$P/openssl.cnf" -key "$P/$1.key" -subj "/CN=$2" -out "$P/$1.csr" &&
		ossl x509 -req -in "$P/$1.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" -CAcreateserial \
			-days 2 -extfile "$P/openssl.cnf" -extensions "$3" -out "$P/$1.crt"
}
make_pki() {
	make_ca ca "greenmeter test CA" &&
		make_signed server 127.0.0.1 server_ext &&
		make_signed client gm-test-client client_ext &&
		make_signed othername broker.invalid othername_ext &&
		make_ca foreign "greenmeter foreign CA"
}
verifies() { openssl verify -CAfile "$1" "$2" 2>/dev/null | grep -q ': OK$'; }
check "openssl makes the CA, server, client, other-name and foreign CA certificates" make_pki ||
	{ cat "$P/openssl.log"; done_testing; }
check "the server certificate verifies against the CA" verifies "$P/ca.crt" "$P/server.crt"
check "the client certificate verifies against the CA" verifies "$P/ca.crt" "$P/client.crt"
check "the server certificate does not verify against the foreign CA" \
	eval '! verifies "$P/foreign.crt" "$P/server.crt"'
check "the other-name certificate verifies against the CA (only its name is wrong)" \
	verifies "$P/ca.crt" "$P/othername.crt"

# --- the broker ----------------------------------------------------------------
CERT_PORT=$(free_port)
PW_PORT=$(free_port)
while [ "$PW_PORT" = "$CERT_PORT" ]; do PW_PORT=$(free_port); done
NAME_PORT=$(free_port)
while [ "$NAME_PORT" = "$CERT_PORT" ] || [ "$NAME_PORT" = "$PW_PORT" ]; do NAME_PORT=$(free_port); done
PASSWORD="s3cret-$RANDOM$RANDOM"
: >"$T/passwd"
check "mosquitto_passwd -b writes the password file" \
	mosquitto_passwd -b "$T/passwd" greenmeter "$PASSWORD"
printf '%s\n' "$PASSWORD" >"$T/good.pw"
printf '%s\n' "not-$PASSWORD" >"$T/bad.pw"
chmod 600 "$T/passwd" "$T/good.pw" "$T/bad.pw" "$P"/*.key
mkdir -p "$T/mosq"
tls_listener() { # port require_certificate [server-certificate-name]
	cat <<CONF
listener $1 127.0.0.1
cafile $P/ca.crt
certfile $P/${3:-server}.crt
keyfile $P/${3:-server}.key
require_certificate $2
use_identity_as_username false
allow_anonymous false
password_file $T/passwd
CONF
}
{
	echo "per_listener_settings true"
	echo "persistence true"
	echo "persistence_location $T/mosq/"
	echo "user $(id -un)"
	echo "log_dest stderr"
	tls_listener "$CERT_PORT" true
	tls_listener "$PW_PORT" false
	tls_listener "$NAME_PORT" false othername
} >"$T/mosquitto.conf"
start mosquitto mosquitto -c "$T/mosquitto.conf"
BROKER_PID=$LAST_PID
wait_port "$CERT_PORT" && wait_port "$PW_PORT" && wait_port "$NAME_PORT" ||
	{ not_ok "mosquitto starts with three TLS listeners"; cat "$T/mosquitto.log"; done_testing; }

# A third-party TLS client agrees the listeners are set up as described.
sub() { timeout 5 mosquitto_sub -h 127.0.0.1 --cafile "$P/ca.crt" -u greenmeter "$@" -t probe -W 1 -C 1 >/dev/null 2>&1; [ $? -eq 27 ]; }
check "mosquitto_sub connects to the certificate listener with certificate and password" \
	sub -p "$CERT_PORT" -P "$PASSWORD" --cert "$P/client.crt" --key "$P/client.key"
check "mosquitto_sub connects to the password listener with the password alone" \
	sub -p "$PW_PORT" -P "$PASSWORD"
check "mosquitto_sub is refused a wrong password" eval '! sub -p "$PW_PORT" -P wrong'
check "mosquitto_sub is refused without a client certificate where one is required" \
	eval '! sub -p "$CERT_PORT" -P "$PASSWORD"'
check "mosquitto_sub connects to the other-name listener only with --insecure (no name check)" \
	eval '! sub -p "$NAME_PORT" -P "$PASSWORD" && sub -p "$NAME_PORT" -P "$PASSWORD" --insecure'

# --- meters, collector, agents -----------------------------------------------
SIM_PORT=$(free_port)
one_meter_sim "$SIM_PORT" 5 30 >"$T/sim.conf"

cat >"$T/collector.conf" <<CONF
[collector]
data_dir = $T/data
status_file = $T/status
[mqtt]
broker = ssl://127.0.0.1:$CERT_PORT
client_id = tls-collector
username = greenmeter
password_file = $T/good.pw
ca_file = $P/ca.crt
cert_file = $P/client.crt
key_file = $P/client.key
CONF

agent_conf() { # site, then [mqtt] lines
	local site=$1; shift
	printf '[agent]\nsite = %s\ndevices = %s/devices\nspool_dir = %s/spool-%s\n' \
		"$site" "$ROOT" "$T" "$site"
	printf '[mqtt]\nclient_id = agent-%s\nusername = greenmeter\n' "$site"
	printf '%s\n' "$@"
	printf '[meter m1]\nmodel = sdm630\nhost = 127.0.0.1:%s\nunit = 1\ninterval = 1\ntimeout = 0.5\n' \
		"$SIM_PORT"
}
CERTS=("ca_file = $P/ca.crt" "cert_file = $P/client.crt" "key_file = $P/client.key")
agent_conf tls-cert "broker = ssl://127.0.0.1:$CERT_PORT" "password_file = $T/good.pw" \
	"${CERTS[@]}" >"$T/tls-cert.conf"
agent_conf tls-pw "broker = 127.0.0.1:$PW_PORT" "password_file = $T/good.pw" \
	"ca_file = $P/ca.crt" >"$T/tls-pw.conf"
agent_conf neg-pw "broker = ssl://127.0.0.1:$CERT_PORT" "password_file = $T/bad.pw" \
	"${CERTS[@]}" >"$T/neg-pw.conf"
agent_conf neg-ca "broker = ssl://127.0.0.1:$CERT_PORT" "password_file = $T/good.pw" \
	"ca_file = $P/foreign.crt" "cert_file = $P/client.crt" "key_file = $P/client.key" >"$T/neg-ca.conf"
agent_conf neg-name "broker = ssl://127.0.0.1:$NAME_PORT" "password_file = $T/good.pw" \
	"ca_file = $P/ca.crt" >"$T/neg-name.conf"
agent_conf neg-tcp "broker = tcp://127.0.0.1:$PW_PORT" "password_file = $T/good.pw" >"$T/neg-tcp.conf"
agent_conf neg-nocert "broker = ssl://127.0.0.1:$CERT_PORT" "password_file = $T/good.pw" \
	"ca_file = $P/ca.crt" >"$T/neg-nocert.conf"

SITES="tls-cert tls-pw neg-pw neg-ca neg-name neg-tcp neg-nocert"
check "gm-collector accepts its TLS config" "$BIN/gm-collector" -n -c "$T/collector.conf"
for s in $SITES; do
	check "gm-agent accepts the $s config" "$BIN/gm-agent" -n -c "$T/$s.conf"
done

start collector "$BIN/gm-collector" -c "$T/collector.conf"
COLLECTOR=$LAST_PID
check "gm-collector connects over TLS with certificate and password and subscribes" \
	wait_for 10 grep -q "subscribed to" "$T/collector.log"
check "gm-collector names the ssl:// broker it connected to" \
	grep -qF "connected to broker ssl://127.0.0.1:$CERT_PORT" "$T/collector.log"
start sim "$BIN/gm-sim" -c "$T/sim.conf"
wait_port "$SIM_PORT" || not_ok "gm-sim listens"
# Listen on the password listener for what the certificate agent publishes:
# both listeners are one broker.
timeout 15 mosquitto_sub -h 127.0.0.1 -p "$PW_PORT" --cafile "$P/ca.crt" -u greenmeter \
	-P "$PASSWORD" -t 'greenmeter/v1/tls-cert/#' -v -C 3 >"$T/sub.txt" 2>"$T/sub.err" &
SUB=$!
PIDS="$PIDS $SUB"
sleep 0.5
declare -A AGENT
for s in $SITES; do
	start "$s" "$BIN/gm-agent" -c "$T/$s.conf"
	AGENT[$s]=$LAST_PID
done
STARTED=$(date +%s)

# --- what must get through ---------------------------------------------------
check "readings of tls-cert (client certificate + password) reach an RRD file" \
	wait_for 15 test -f "$T/data/tls-cert/m1/total_kwh.rrd"
check "readings of tls-pw (password over TLS) reach an RRD file" \
	wait_for 15 test -f "$T/data/tls-pw/m1/total_kwh.rrd"
wait "$SUB"
check "mosquitto_sub on the other listener saw 3 tls-cert readings" \
	test "$(grep -c '^greenmeter/v1/tls-cert/m1/' "$T/sub.txt")" -eq 3
for s in tls-cert tls-pw; do
	check "gm-agent $s logs its connection to the TLS broker" \
		grep -q "connected to broker ssl://127.0.0.1:" "$T/$s.log"
done

# --- what must not -----------------------------------------------------------
# Give the refused agents a few seconds of 1 s polls and retries.
while [ "$(date +%s)" -lt $((STARTED + 6)) ]; do sleep 0.2; done
for s in $SITES; do stop "${AGENT[$s]}"; done
stop "$COLLECTOR"     # writes its final status file
cat "$T/status"

refused() { # site port [more of the line]  (its log names the broker it could not reach)
	grep -qE "cannot connect to broker (ssl|tcp)://127\.0\.0\.1:$2: .*${3:-}" "$T/$1.log"
}
never_connected() { ! grep -q "connected to broker" "$T/$1.log"; }
nothing_stored() { [ ! -e "$T/data/$1" ] && ! grep -q "^$1/" "$T/status"; }
stored() { awk -v s="$1/" 'index($1, s) == 1 { for (i = 2; i <= NF; i++) if ($i ~ /^stored=/) { split($i, a, "="); n += a[2] } } END { exit !(n > 0) }' "$T/status"; }

for s in tls-cert tls-pw; do
	check "collector status shows stored > 0 for $s" stored "$s"
done
check "neg-pw: the wrong password is logged once as refused (CONNACK 5) naming the broker" \
	eval "grep -q 'error: broker ssl://127.0.0.1:$CERT_PORT refused client id \"agent-neg-pw\" (user \"greenmeter\"): CONNACK 5, not authorised' '$T/neg-pw.log' && [ \$(grep -c ': error: ' '$T/neg-pw.log') -eq 1 ]"
check "neg-ca: the foreign CA's verification failure is logged naming the broker" \
	refused neg-ca "$CERT_PORT"
check "neg-ca: the log gives OpenSSL's reason, certificate verify failed" \
	refused neg-ca "$CERT_PORT" "certificate verify failed"
check "neg-name: a certificate for another host name is refused, naming the broker" \
	refused neg-name "$NAME_PORT"
check "neg-tcp: plain tcp:// to a TLS listener is logged as a failure naming the broker" \
	refused neg-tcp "$PW_PORT"
check "neg-nocert: the missing client certificate is logged naming the broker" \
	refused neg-nocert "$CERT_PORT"
for s in neg-pw neg-ca neg-name neg-tcp neg-nocert; do
	grep -hE "cannot connect|lost broker|refused client id" "$T/$s.log" | head -1 | sed "s/^/# $s: /"
	check "$s never reported a connection" never_connected "$s"
	check "$s: the collector stored nothing from it" nothing_stored "$s"
done
check "the broker logged the wrong password" grep -q "not authorised" "$T/mosquitto.log"
check "nothing was logged as an error by the collector or the accepted agents" \
	eval '! grep -h ": error: " "$T/collector.log" "$T/tls-cert.log" "$T/tls-pw.log"'
done_testing
