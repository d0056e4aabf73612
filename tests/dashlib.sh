# dashlib.sh - the known dataset the dashboard tests (85, 86) look at,
# stored through a real broker and gm-collector (sourced after lib.sh):
#   hq/fin-power/import_kwh  counter, 13 readings 5 min apart, 1000.5 .. 1060.5 kWh,
#                            the last 2-3 min ago (T0 is the first one's time)
#   hq/stores/finance-reams  delta, one entry of 12 reams a day ago
#   hq/fast/power_w          gauge, read every second by `fast` (pid $FAST)
#                            until $T/fast.stop exists
# and the shipped organisation in $T/org with the counter shared 60/40.

# The [dashboard] lines every test's gm-dashboard starts from: on port
# $WEB, the data in $T/data, the collector's status in $T/status, a scan
# every half second; a test adds its own lines after them.
dash_conf_head() {
	printf '[dashboard]\nlisten = 127.0.0.1:%s\ndata_dir = %s/data\nstatus_file = %s/status\nscan = 0.5\n' \
		"$WEB" "$T" "$T"
}

pub() { mosquitto_pub -p "$BROKER_PORT" -q 1 -t "greenmeter/v1/$1" -m "$2"; }

fast() { local s=1; while [ ! -e "$T/fast.stop" ]; do
	pub hq/fast/power_w "{\"t\":$(date +%s.%N),\"v\":$((100 + s % 7)),\"unit\":\"W\",\"kind\":\"gauge\",\"seq\":$s}"
	s=$((s + 1)); sleep 1; done; }

dash_dataset() {
	local i
	start_broker
	collector_up dash-collector 20 || not_ok "collector subscribed"
	NOW=$(date +%s)
	T0=$((NOW - NOW % 60 - 3720))
	for i in $(seq 0 12); do
		pub hq/fin-power/import_kwh "{\"t\":$((T0 + 300 * i)),\"v\":$((1000 + 5 * i)).5,\"unit\":\"kWh\",\"kind\":\"counter\",\"seq\":$((i + 1))}"
	done
	pub hq/stores/finance-reams "{\"t\":$((NOW - 86400)),\"v\":12,\"unit\":\"reams\",\"kind\":\"delta\",\"seq\":1}"
	fast &
	FAST=$!
	PIDS="$PIDS $FAST"
	wait_for 30 grep -q "fin-power/import_kwh .*received=13 " "$T/status" || not_ok "13 readings stored"
	wait_for 30 grep -q "hq/fast/power_w .*status=ok" "$T/status" || not_ok "the gauge is ok"
	cp -r "$ROOT/dashboards/org/senate" "$T/org"
	printf '\n[meters]\nhq/fin-power/import_kwh = electricity from 2024-10-01 finance-budget 60 central-admin 40\n' \
		>>"$T/org/organisation.ini"
	# two of the three meters as people know them; the stores' has no section
	cat >>"$T/org/organisation.ini" <<'ORG'
[meter hq/fin-power]
th = มิเตอร์ไฟฟ้าสำนักการคลัง
en = Finance power meter
building = อาคารรัฐสภา | Parliament House
floor = 4
room = ตู้ไฟฟ้า 4-01 | Electrical cabinet 4-01
model = sdm630
gateway = gw-4
[meter hq/fast]
th = มิเตอร์กำลังไฟฟ้าห้องเครื่อง
en = Machine room power meter
building = อาคารสำนักงาน | Office building
ORG
}

# The notifiers' stand-ins (tests/standin/): an HTTPS server for the LINE
# Messaging API and a webhook on $HTTPS (what it answers LINE: $T/mode; its
# log: $T/https.log) and a mail server taking mail after STARTTLS on $SMTP
# (into $T/mail), both with a self-signed certificate, $T/cert.pem; the
# LINE channel access token $1 in $T/line.token (0600). PY is Debian's
# python3, which has aiosmtpd.
PY=/usr/bin/python3
notify_standins() {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 1 \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
	HTTPS=$(free_port)
	SMTP=$(free_port)
	mkdir -p "$T/mail"
	echo ok >"$T/mode"
	start https $PY "$ROOT/tests/standin/https_standin.py" "$HTTPS" "$T/cert.pem" "$T/key.pem" \
		"$T/https.log" "$T/mode"
	start smtp $PY "$ROOT/tests/standin/smtp_standin.py" "$SMTP" "$T/cert.pem" "$T/key.pem" "$T/mail"
	wait_port "$HTTPS" && wait_port "$SMTP" || not_ok "the stand-ins listen"
	printf '%s\n' "$1" >"$T/line.token"
	chmod 600 "$T/line.token"
}

# The [line], [mail] and [webhook] sections sending to them; $1: the LINE
# recipients.
notify_conf() {
	cat <<CONF
[line]
token_file = $T/line.token
to = $1
api = https://127.0.0.1:$HTTPS
ca_file = $T/cert.pem
timeout = 2
[mail]
url = smtp://127.0.0.1:$SMTP
from = greenmeter@senate.example
to = facilities@senate.example
ca_file = $T/cert.pem
[webhook]
url = https://127.0.0.1:$HTTPS/hook
ca_file = $T/cert.pem
CONF
}

# Run a browser test, tests/e2e/$1 (a python WebDriver script printing TAP),
# against the dashboard on $WEB in headless Chromium through a chromedriver
# started here; its screenshots go to $ART (build/artifacts). Its lines are
# this test's lines.
browser_test() {
	local driver
	driver=$(free_port)
	start chromedriver chromedriver --port="$driver"
	check "chromedriver listens" wait_port "$driver" 200
	ART=$ROOT/build/artifacts
	mkdir -p "$ART"
	python3 "$ROOT/tests/e2e/$1" "http://127.0.0.1:$driver" "http://127.0.0.1:$WEB" "$ART" \
		"${@:2}" 2>"$T/e2e.err"
	check "the browser run ended cleanly" [ $? = 0 ]
	[ -s "$T/e2e.err" ] && sed 's/^/# /' "$T/e2e.err"
}

# An account of the dashboard in $T/dash.conf: name role password [args]
# (--unit ID ..., --display TEXT); the password on stdin as a person gives it.
dash_adduser() {
	local name=$1 role=$2 pw=$3
	shift 3
	printf '%s\n' "$pw" | "$BIN/gm-dashboard" -c "$T/dash.conf" --add-user "$name" --role "$role" "$@"
}

# Sign in to the dashboard at $U as a browser does: the form's token from
# /signin, then the form. jar name password [next] [token] (an empty or
# another token: a forged form). Prints the status; the answer is in
# $T/signin.html, its headers in $T/signin.hdr.
dash_signin() {
	local tok
	tok=${5-$(curl -s -c "$1" -b "$1" "$U/signin" | grep -o 'name="csrf" value="[0-9a-f]*"' |
		grep -o '[0-9a-f]\{64\}')}
	curl -s -o "$T/signin.html" -D "$T/signin.hdr" -w '%{http_code}' -c "$1" -b "$1" \
		--data-urlencode "csrf=$tok" --data-urlencode "name=$2" --data-urlencode "password=$3" \
		--data-urlencode "next=${4:-/}" "$U/signin"
}

# A second gm-dashboard on $T/dash.conf changed by the sed script $1 (its
# own port, $WEB2, set here), started and listening; $U points at it.
second_dashboard() {
	WEB2=$(free_port)
	sed "s/^listen = .*/listen = 127.0.0.1:$WEB2/; $1" "$T/dash.conf" >"$T/dash2.conf"
	start dashboard2 "$BIN/gm-dashboard" -c "$T/dash2.conf"
	wait_port "$WEB2" || not_ok "the second dashboard listens"
	U=http://127.0.0.1:$WEB2
}
