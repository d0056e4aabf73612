#!/bin/bash
# 92-ldap: gm-dashboard signs people in against a real directory: Debian's
# slapd, started here on a free port with STARTTLS (a self-signed
# certificate) and one person, somchai. An account made with --directory
# has no password of its own:
# - the directory's password signs in; a wrong one does not (and counts
#   toward the lock); an empty one is refused before the directory is
#   asked (an empty simple bind is an anonymous bind, which it accepts);
# - a person the directory knows but the dashboard does not: refused;
# - a directory whose certificate is not trusted, or that is down: the
#   page says the accounts are out of order (503), and nothing counts.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/dashlib.sh"

LDAP_PORT=$(free_port)
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 1 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
mkdir -p "$T/ldapdb"
cat >"$T/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile $T/slapd.pid
TLSCertificateFile $T/cert.pem
TLSCertificateKeyFile $T/key.pem
database mdb
maxsize 10485760
suffix "dc=senate,dc=example"
rootdn "cn=admin,dc=senate,dc=example"
rootpw admin-secret-92
directory $T/ldapdb
CONF
person() { # uid password
	printf 'dn: uid=%s,ou=people,dc=senate,dc=example\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s\nsn: %s\nuserPassword: %s\n\n' \
		"$1" "$1" "$1" "$1" "$(slappasswd -s "$2")"
}
{
	printf 'dn: dc=senate,dc=example\nobjectClass: dcObject\nobjectClass: organization\ndc: senate\no: Senate\n\n'
	printf 'dn: ou=people,dc=senate,dc=example\nobjectClass: organizationalUnit\nou: people\n\n'
	person somchai 'directory-pass-92'
	person stranger 'stranger-pass-92'
} >"$T/people.ldif"
check "the directory is loaded" slapadd -f "$T/slapd.conf" -l "$T/people.ldif"
start slapd slapd -f "$T/slapd.conf" -h "ldap://127.0.0.1:$LDAP_PORT/" -d 0
SLAPD=$LAST_PID
check "slapd listens" wait_port "$LDAP_PORT"

dash_dataset
touch "$T/fast.stop"
WEB=$(free_port)
{ dash_conf_head; cat <<CONF; } >"$T/dash.conf"
[accounts]
database = $T/dash.db
[ldap]
uri = ldap://127.0.0.1:$LDAP_PORT
user_dn = uid=%s,ou=people,dc=senate,dc=example
starttls = yes
ca_file = $T/cert.pem
timeout = 3
CONF
printf '[dashboard]\ndata_dir = %s\n[ldap]\nuri = http://dc1\nuser_dn = uid=%%s,ou=%%x\n' "$T" >"$T/bad.conf"
"$BIN/gm-dashboard" -n -c "$T/bad.conf" >"$T/bad.err" 2>&1
check "a bad [ldap] section is refused, by line" sh -c "
	grep -q 'bad.conf:4: uri: \"http://dc1\" is not an ldap:// or ldaps:// address' '$T/bad.err' &&
	grep -q 'bad.conf:5: user_dn: .* needs one %s' '$T/bad.err'"
check "a directory account is made without a password" \
	sh -c "'$BIN/gm-dashboard' -c '$T/dash.conf' --add-user somchai --role viewer --directory </dev/null | grep -q 'added somchai (viewer, directory)'"
start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"
check "the dashboard listens" wait_port "$WEB"
U=http://127.0.0.1:$WEB
signin() { dash_signin "$1" "$2" "$3"; }   # jar name password
check "the directory's password signs in" [ "$(signin "$T/j1" somchai directory-pass-92)" = 303 ]
check "and the session opens pages" [ "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/j1" "$U/")" = 200 ]
st=$(signin "$T/j2" somchai wrong-92)
check "a wrong password is refused" sh -c "[ '$st' = 200 ] && grep -q 'ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง' '$T/signin.html'"
check "and counted toward the lock" [ "$(sqlite3 "$T/dash.db" "select failures from users where name = 'somchai'")" = 1 ]
check "an empty password is refused, never an anonymous bind" [ "$(signin "$T/j3" somchai '')" = 200 ]
failures=$(sqlite3 "$T/dash.db" "select failures from users where name = 'somchai'")
check "someone the directory knows, the dashboard does not: refused" [ "$(signin "$T/j4" stranger stranger-pass-92)" = 200 ]

# a directory whose certificate is not the one trusted
second_dashboard 's#^ca_file = .*#ca_file = /etc/ssl/certs/ca-certificates.crt#'
check "an untrusted directory certificate: out of order (503), no bind in clear" \
	sh -c "[ '$(signin "$T/j5" somchai directory-pass-92)' = 503 ] && grep -q 'ระบบบัญชีผู้ใช้ขัดข้อง' '$T/signin.html'"
U=http://127.0.0.1:$WEB
stop "$SLAPD"
check "the directory down: out of order (503)" [ "$(signin "$T/j6" somchai directory-pass-92)" = 503 ]
check "and nothing counted against the account" [ "$(sqlite3 "$T/dash.db" "select failures from users where name = 'somchai'")" = "$failures" ]
check "the log says why" grep -q 'sign in: directory' "$T/dashboard.log"
done_testing
