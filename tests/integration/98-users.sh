#!/bin/bash
# 98-users: administrators keep the accounts on the web (/users).
# - an administrator adds a bureau editor; the editor signs in and has her
#   unit's entries form;
# - her role is changed to viewer: at her next page she has no form;
# - a new password ends her sessions: the old cookie is sent to sign in;
# - 10 wrong passwords lock her; an administrator lets her in again;
# - an administrator cannot take away their own role; an editor gets 403;
#   a form without its token is 403; every change is in the audit log.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/dashlib.sh"

mkdir -p "$T/data"
cp -r "$ROOT/dashboards/org/senate" "$T/org"
WEB=$(free_port)
{ dash_conf_head; printf 'org = %s/org/organisation.ini\n[accounts]\ndatabase = %s/dash.db\nmax_failures = 10\nlock_minutes = 60\n' "$T" "$T"; } >"$T/dash.conf"
check "an administrator" sh -c "$(declare -f dash_adduser); BIN=$BIN T=$T; dash_adduser root admin 'root-pass-98' >/dev/null"
start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"
check "the dashboard listens" wait_port "$WEB"
U=http://127.0.0.1:$WEB
dash_signin "$T/root" root root-pass-98 >/dev/null
tok() { curl -s -b "$1" "$U/${2:-users}" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{64\}'; }
post() { # jar field=value ... -> status; the answer in $T/post.html
	local jar=$1 args=()
	shift
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	curl -s -o "$T/post.html" -w '%{http_code}' -b "$jar" --data-urlencode "csrf=$(tok "$jar")" "${args[@]}" "$U/users"
}

check "the account page links the administrators' pages" sh -c "curl -s -b '$T/root' '$U/account' | grep -q 'href=\"/users\"'"
check "the administrator adds an editor of finance-budget" [ "$(post "$T/root" action=add name=malee \
	display='มาลี ใจดี' role=editor unit=finance-budget password=malee-pass-98)" = 303 ]
check "she is listed, with her unit" sh -c "curl -s -b '$T/root' '$U/users' > '$T/users.html'; grep -q 'id=\"user-malee\"' '$T/users.html' &&
	grep -A3 'id=\"user-malee\"' '$T/users.html' | grep -q 'value=\"finance-budget\" checked'"
check "she signs in and has her unit's entries form" sh -c "$(declare -f dash_signin); U=$U T=$T;
	[ \"\$(dash_signin '$T/malee' malee malee-pass-98)\" = 303 ] &&
	[ \"\$(curl -s -o /dev/null -w '%{http_code}' -b '$T/malee' '$U/entries?unit=finance-budget')\" = 200 ]"
check "an editor without a unit is refused" bash -c "[ \"\$($(declare -f post tok); U=$U T=$T post '$T/root' action=add name=nobody role=editor password=nobody-pass-98)\" = 400 ] &&
	grep -q 'อย่างน้อยหนึ่งหน่วย' '$T/post.html'"
check "a short password is refused" [ "$(post "$T/root" action=add name=short role=viewer password=abc)" = 400 ]
check "a taken name is refused" [ "$(post "$T/root" action=add name=malee role=viewer password=another-pass)" = 400 ]
check "her role becomes viewer" [ "$(post "$T/root" action=role name=malee role=viewer)" = 303 ]
check "and at her next page she has no form" [ "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/malee" "$U/entries?unit=finance-budget")" = 403 ]
check "she cannot open the accounts page" [ "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/malee" "$U/users")" = 403 ]
check "a new password ends her sessions" bash -c "[ \"\$($(declare -f post tok); U=$U T=$T post '$T/root' action=password name=malee password=malee-new-98)\" = 303 ] &&
	[ \"\$(curl -s -o /dev/null -w '%{http_code}' -b '$T/malee' '$U/units')\" = 303 ]"
for i in $(seq 10); do dash_signin "$T/x" malee "wrong-$i" >/dev/null; done
check "10 wrong passwords lock her" sh -c "[ \"\$($(declare -f dash_signin); U=$U T=$T dash_signin '$T/malee' malee malee-new-98)\" != 303 ]"
check "the accounts page says so" sh -c "curl -s -b '$T/root' '$U/users' | grep -A8 'id=\"user-malee\"' | grep -q 'name=\"action\" value=\"unlock\"'"
check "the administrator lets her in again" [ "$(post "$T/root" action=unlock name=malee)" = 303 ]
check "and she signs in" sh -c "[ \"\$($(declare -f dash_signin); U=$U T=$T dash_signin '$T/malee' malee malee-new-98)\" = 303 ]"
check "an administrator cannot take away their own role" bash -c "[ \"\$($(declare -f post tok); U=$U T=$T post '$T/root' action=role name=root role=viewer)\" = 400 ] &&
	[ \"\$(sqlite3 '$T/dash.db' \"select role from users where name = 'root'\")\" = admin ]"
check "a form without its token: 403" [ "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/root" --data 'action=add&name=x&role=viewer&password=xxxxxxxxxx' "$U/users")" = 403 ]
check "the audit log has each change, and no password" sh -c "
	sqlite3 '$T/dash.db' \"select who || '|' || what || '|' || ifnull(old, '-') || '|' || ifnull(new, '-') from audit\" > '$T/audit.txt'
	grep -qx 'root|add user|-|malee (editor: finance-budget)' '$T/audit.txt' &&
	grep -qx 'root|set role|editor: finance-budget|viewer' '$T/audit.txt' &&
	grep -qx 'root|set password|-|malee' '$T/audit.txt' && grep -qx 'root|unlock|-|malee' '$T/audit.txt' &&
	! grep -q 'malee-pass-98\|malee-new-98' '$T/audit.txt' '$T/dashboard.log'" || sed 's/^/# /' "$T/audit.txt"
check "no password is in the database in clear" sh -c "! grep -aq 'malee-new-98\|malee-pass-98' '$T/dash.db' '$T/dash.db-wal' 2>/dev/null"
done_testing
