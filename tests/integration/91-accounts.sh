#!/bin/bash
# 91-accounts: gm-dashboard with accounts ([accounts] database), end to end
# over real sockets with curl:
# - accounts are made from the command line, the password on stdin; an
#   editor with no unit, a short password, a unit the organisation lacks
#   are refused;
# - nothing but the public pages without signing in: a page sends the
#   browser to sign in and back, the API answers 401;
# - the sign-in form carries its own CSRF token; a post without it, or
#   with another, is refused; the session cookie is HttpOnly and
#   SameSite=Strict; signed in, every page opens; a POST to a page that
#   takes none is 405;
# - signing out needs the session's CSRF token, and the cookie is dead
#   after; a session also dies when it expires;
# - ten wrong passwords lock the account against the right one too; too
#   many wrong from one address make that address wait;
# - the passwords are nowhere in clear (database, log, audit); the audit
#   log has the sign-ins and cannot be changed; a backup is whole;
# - kill -9 during saves leaves the database whole, each save whole or
#   absent.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/dashlib.sh"

dash_dataset
touch "$T/fast.stop"
WEB=$(free_port)
{ dash_conf_head; printf 'org = %s/org/organisation.ini\n[accounts]\ndatabase = %s/dash.db\npublic = overview\n' "$T" "$T"; } >"$T/dash.conf"
PW_ADMIN='admin-pass-2569'
PW_MALEE='รหัสผ่าน-มาลี-99'
check "an admin is made from the command line" sh -c "$(declare -f dash_adduser); BIN=$BIN T=$T dash_adduser admin admin '$PW_ADMIN' | grep -q 'added admin (admin)'"
check "an editor of the finance bureau" sh -c "$(declare -f dash_adduser); BIN=$BIN T=$T dash_adduser malee editor '$PW_MALEE' --unit finance-budget --display 'มาลี ใจดี' >/dev/null"
check "a viewer" sh -c "$(declare -f dash_adduser); BIN=$BIN T=$T dash_adduser suda viewer 'suda-password' >/dev/null"
check "an editor of no unit is refused" sh -c "$(declare -f dash_adduser); ! BIN=$BIN T=$T dash_adduser nounit editor 'whatever-99' 2>&1 | grep -q added"
check "a short password is refused" sh -c "$(declare -f dash_adduser); BIN=$BIN T=$T dash_adduser shorty viewer 'short' 2>&1 | grep -q '8 characters'"
check "a unit the organisation lacks is refused" sh -c "$(declare -f dash_adduser); BIN=$BIN T=$T dash_adduser x editor 'whatever-99' --unit nope 2>&1 | grep -q 'no such unit'"
check "--list-users lists them with their units" sh -c "'$BIN/gm-dashboard' -c '$T/dash.conf' --list-users | grep -q '^malee	editor	finance-budget	มาลี ใจดี'"

start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"
check "the dashboard listens" wait_port "$WEB"
U=http://127.0.0.1:$WEB
hdr() { curl -s -o /dev/null -D - "$@" | tr -d '\r'; }
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

check "public: the overview opens without signing in" [ "$(code "$U/")" = 200 ]
check "a unit page sends the browser to sign in and back" \
	sh -c "curl -s -o /dev/null -D - '$U/units' | tr -d '\r' | grep -q '^Location: /signin?next=/units$'"
check "the API answers 401" [ "$(code "$U/api/meters")" = 401 ]

# the sign-in form: its CSRF token in a field and in its own cookie
form() { # jar -> the form's csrf token
	curl -s -c "$1" -b "$1" "$U/signin" | grep -o 'name="csrf" value="[0-9a-f]*"' | grep -o '[0-9a-f]\{64\}'
}
signin() { dash_signin "$1" "$2" "$3" /units ${4+"$4"}; }   # jar name password [token]
check "the form's cookie is HttpOnly and SameSite=Strict" \
	sh -c "curl -s -o /dev/null -D - '$U/signin' | grep -qi '^Set-Cookie: gm_form=[0-9a-f]\{64\}; Path=/signin; Max-Age=3600; HttpOnly; SameSite=Strict'"
form "$T/jar0" >/dev/null
check "the form's token stays while the browser has it (a second tab, an icon's detour)" \
	sh -c "a=\$(curl -s -c '$T/jarT' -b '$T/jarT' '$U/signin' | grep -o '[0-9a-f]\{64\}' | head -1);
		b=\$(curl -s -c '$T/jarT' -b '$T/jarT' '$U/signin' | grep -o '[0-9a-f]\{64\}' | head -1);
		[ -n \"\$a\" ] && [ \"\$a\" = \"\$b\" ]"
check "a browser's icon request is no detour to signing in" [ "$(code "$U/favicon.ico")" = 404 ]
check "a sign-in without the form's token is refused" [ "$(signin "$T/jar0" malee "$PW_MALEE" '')" = 403 ]
check "and with another token" [ "$(signin "$T/jar0" malee "$PW_MALEE" "$(printf 'a%.0s' $(seq 64))")" = 403 ]
st=$(signin "$T/jar1" malee "$PW_MALEE")
check "the right password signs in, back to where it was going" \
	sh -c "[ '$st' = 303 ] && tr -d '\r' <'$T/signin.hdr' | grep -q '^Location: /units$'"
check "the session cookie is HttpOnly, SameSite=Strict, for the whole site" \
	grep -qi '^Set-Cookie: gm_session=[0-9a-f]\{64\}; Path=/; Max-Age=28800; HttpOnly; SameSite=Strict' "$T/signin.hdr"
check "signed in: the units page opens" [ "$(code -b "$T/jar1" "$U/units")" = 200 ]
check "and the API" [ "$(code -b "$T/jar1" "$U/api/meters")" = 200 ]
check "a page links to the account (who, and signing out)" sh -c "curl -s -b '$T/jar1' '$U/units' | grep -q 'href=\"/account\">บัญชีผู้ใช้<' &&
	curl -s -b '$T/jar1' '$U/account' | grep -q 'เข้าสู่ระบบในชื่อ <b>malee</b> (editor)'"
check "the account page without a session: to sign in" sh -c "curl -s -o /dev/null -D - '$U/account' | tr -d '\r' | grep -q '^Location: /signin$'"
check "a POST to a page that takes none: 405" [ "$(code -b "$T/jar1" -d x=1 "$U/units")" = 405 ]
check "a POST that is not a form: 415" [ "$(code -b "$T/jar1" -H 'Content-Type: text/plain' -d x=1 "$U/signout")" = 415 ]
check "a form over 64 KiB: 413" [ "$(head -c 70000 /dev/zero | tr '\0' a | curl -s -o /dev/null -w '%{http_code}' -b "$T/jar1" --data-binary @- "$U/signout")" = 413 ]
check "signing out without the session's token is refused" [ "$(code -b "$T/jar1" -d csrf=x "$U/signout")" = 403 ]
tok=$(curl -s -b "$T/jar1" "$U/signout" | grep -o 'name="csrf" value="[0-9a-f]*"' | grep -o '[0-9a-f]\{64\}')
check "with it, it signs out" [ "$(code -b "$T/jar1" -c "$T/jar1b" -d "csrf=$tok" "$U/signout")" = 303 ]
check "and the old cookie opens nothing" [ "$(code -b "$T/jar1" "$U/units")" = 303 ]

# ten wrong passwords lock the account, against the right one too
for i in $(seq 10); do signin "$T/jar2" malee "wrong-$i" >/dev/null; done
st=$(signin "$T/jar2" malee "$PW_MALEE")
check "ten wrong passwords: locked, the right one refused, no session" \
	sh -c "[ '$st' = 200 ] && grep -q 'ถูกระงับชั่วคราว' '$T/signin.html' && ! grep -qi 'gm_session=[0-9a-f]' '$T/signin.hdr'"
check "another account still signs in" [ "$(signin "$T/jar3" admin "$PW_ADMIN")" = 303 ]

check "the audit log on the web, for the admin" sh -c "curl -s -b '$T/jar3' '$U/audit' | grep -q '<td>malee</td><td>127.0.0.1</td><td>ระงับบัญชีชั่วคราว (ใส่รหัสผ่านผิดหลายครั้ง)</td>'"
st=$(signin "$T/jar8" suda suda-password)
check "not for a viewer: 403" sh -c "[ '$st' = 303 ] && [ \"\$(curl -s -o /dev/null -w '%{http_code}' -b '$T/jar8' '$U/audit')\" = 403 ]"
check "nor without signing in, whatever is public" sh -c "curl -s -o /dev/null -D - '$U/audit' | tr -d '\r' | grep -q '^Location: /signin?next=/audit$'"
check "no password in clear in the database" sh -c "! grep -c -a -F -e '$PW_MALEE' -e '$PW_ADMIN' '$T'/dash.db* >/dev/null"
check "nor in the log" sh -c "! grep -q -F -e '$PW_MALEE' -e '$PW_ADMIN' -e 'wrong-3' '$T/dashboard.log'"
check "the audit log has the sign-ins, sign-out and refusals" sh -c "
	sqlite3 '$T/dash.db' 'select who, what from audit' > '$T/audit.txt'
	grep -q '^malee|sign in$' '$T/audit.txt' && grep -q '^malee|sign out$' '$T/audit.txt' &&
	[ \"\$(grep -c '^malee|sign-in refused: wrong password$' '$T/audit.txt')\" = 10 ] &&
	[ \"\$(grep -c '^malee|account locked$' '$T/audit.txt')\" = 1 ] &&
	grep -q '^command line|add user$' '$T/audit.txt'"
check "a graph behind a sign-in is for the browser's cache alone" \
	sh -c "curl -s -o /dev/null -D - -b '$T/jar3' '$U/graph/hq/fin-power/import_kwh/24h.png' | grep -qi '^Cache-Control: private, max-age=60'"
check "a backup onto the database itself is refused, the database untouched" \
	sh -c "! '$BIN/gm-dashboard' -c '$T/dash.conf' --backup '$T/dash.db' 2>'$T/self.err' &&
		grep -q 'that is the database itself' '$T/self.err' &&
		[ \"\$(sqlite3 '$T/dash.db' 'select count(*) from users')\" = 3 ]"
check "a redirect after sign-in stays on this site (a tab, a backslash)" sh -c "
	for n in '/%09/evil.example' '/%5Cevil.example' '//evil.example' 'https://evil.example'; do
		tok=\$(curl -s -c '$T/jar6' -b '$T/jar6' '$U/signin' | grep -o '[0-9a-f]\{64\}' | head -1)
		loc=\$(curl -s -o /dev/null -D - -c '$T/jar6' -b '$T/jar6' --data-urlencode csrf=\$tok \
			--data-urlencode name=admin --data-urlencode password='$PW_ADMIN' --data \"next=\$n\" \
			'$U/signin' | tr -d '\r' | sed -n 's/^Location: //p')
		[ \"\$loc\" = / ] || exit 1
	done"
check "the audit log cannot be changed" sh -c "! sqlite3 '$T/dash.db' \"update audit set who = 'x'\" 2>/dev/null"
check "a backup is whole" sh -c "'$BIN/gm-dashboard' -c '$T/dash.conf' --backup '$T/backup.db' >/dev/null &&
	[ \"\$(sqlite3 '$T/backup.db' 'pragma integrity_check; select count(*) from users')\" = \"ok
3\" ]"

# a second dashboard on the same database, over HTTPS (a self-signed
# certificate): short sessions, few tries an address
WEB2=$(free_port)
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 1 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
sed "s/^listen = .*/listen = 127.0.0.1:$WEB2/; s#^\[accounts\]#tls_cert = $T/cert.pem\ntls_key = $T/key.pem\n[accounts]#" \
	"$T/dash.conf" >"$T/dash2.conf"
printf 'session_hours = 0.001\naddress_failures = 3\n' >>"$T/dash2.conf"
start dashboard2 "$BIN/gm-dashboard" -c "$T/dash2.conf"
wait_port "$WEB2" || not_ok "the second dashboard listens"
U=https://127.0.0.1:$WEB2
export CURL_CA_BUNDLE=$T/cert.pem
check "HTTPS: the overview, the certificate checked" [ "$(code "$U/")" = 200 ]
check "plain HTTP to it is no answer" sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$WEB2/)\" != 200 ]"
check "a short session signs in" [ "$(signin "$T/jar4" admin "$PW_ADMIN")" = 303 ]
check "under HTTPS its cookie is Secure" grep -qi '^Set-Cookie: gm_session=[0-9a-f]\{64\}; Path=/; Max-Age=4; HttpOnly; SameSite=Strict; Secure' "$T/signin.hdr"
check "and opens pages" [ "$(code -b "$T/jar4" "$U/units")" = 200 ]
sleep 5
check "until it expires" [ "$(code -b "$T/jar4" "$U/units")" = 303 ]
for i in 1 2 3; do signin "$T/jar5" admin "nope-$i" >/dev/null; done
check "three wrong from one address: it waits, the right password too" [ "$(signin "$T/jar5" admin "$PW_ADMIN")" = 429 ]
# kill -9 during saves: the file stays whole, each account whole or absent
for i in $(seq 40); do
	printf 'kill-test-pw-%s\n' "$i" | "$BIN/gm-dashboard" -c "$T/dash.conf" --add-user "k$i" --role editor \
		--unit finance-budget --unit legal >/dev/null 2>&1 &
	pid=$!
	sleep "0.$((RANDOM % 25))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done
check "killed during saves: integrity_check ok" [ "$(sqlite3 "$T/dash.db" 'pragma integrity_check')" = ok ]
check "each account made whole (its two units) or not at all" \
	[ "$(sqlite3 "$T/dash.db" "select count(*) from users u where name like 'k%' and (select count(*) from user_units where user_id = u.id) != 2")" = 0 ]
check "some were made and some not (the kills fell in the saves)" sh -c "n=\$(sqlite3 '$T/dash.db' \"select count(*) from users where name like 'k%'\"); echo \"# \$n of 40 made\"; [ \$n -gt 0 ] && [ \$n -lt 40 ]"
U=http://127.0.0.1:$WEB
check "and the dashboard still signs people in" [ "$(signin "$T/jar7" admin "$PW_ADMIN")" = 303 ]
done_testing
