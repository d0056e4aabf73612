#!/bin/bash
# 12-man: the manual pages in docs/man are mandoc-lint clean, name every
# option each program takes (its --help and its getopt tables) and every
# config key its parsers accept (strcmp(key, "...") in the parser sources),
# and refer in SEE ALSO only to pages that exist. Without mandoc it fails.
. "$(dirname "$0")/../lib.sh"
MAN=$ROOT/docs/man

have_mandoc() { command -v mandoc >/dev/null; }
check "mandoc is installed (apt-get install mandoc)" have_mandoc

# 1. mandoc -T lint -W warning says nothing about any page
lint() { local out; out=$(mandoc -T lint -W warning "$1" 2>&1) || true
	[ -z "$out" ] || { printf '# %s\n' "$out"; return 1; }; }
for page in "$MAN"/*.[1-8]; do
	if command -v mandoc >/dev/null; then
		check "$(basename "$page"): mandoc -T lint -W warning is silent" lint "$page"
	else
		not_ok "$(basename "$page"): mandoc -T lint (no mandoc)"
	fi
done

# 2. every option of --help and of the program's option tables is in its
# page as "Fl x" or "Fl -name"
options() { # program page sources...
	local prog=$1 page=$2; shift 2
	"$BIN/$prog" --help >"$T/help.$prog" 2>&1
	python3 - "$T/help.$prog" "$MAN/$page" "$@" <<'PY'
import re, sys
helptext, page, srcs = open(sys.argv[1]).read(), open(sys.argv[2]).read(), sys.argv[3:]
opts = set(re.findall(r'(?<![\w-])(--?[A-Za-z][\w-]*)', helptext))
nhelp = len(opts)
for f in srcs:
    s = open(f).read()
    opts |= {'--' + n for n in re.findall(r'\{\s*"([a-z][a-z0-9-]*)",\s*(?:no|required|optional)_argument', s)}
    for g in re.findall(r'getopt_long\(\s*argc,\s*argv,\s*"([^"]*)"', s):
        opts |= {'-' + ch for ch in g if ch.isalnum()}
missing = sorted(o for o in opts if not re.search(r'(^|\s)Fl\s+' + re.escape(o[1:]) + r'(?=\s|$)', page, re.M))
print('# %s: %d options (%d in --help), %d missing: %s' % (sys.argv[2].split('/')[-1], len(opts), nhelp, len(missing), ' '.join(missing)))
sys.exit(1 if missing or len(opts) < 3 else 0)
PY
}
check "gm-agent.8 names every option of gm-agent" options gm-agent gm-agent.8 "$ROOT/agent/main.c"
check "gm-collector.8 names every option of gm-collector" options gm-collector gm-collector.8 "$ROOT/collector/main.c"
check "gm-report.1 names every option of gm-report" options gm-report gm-report.1 "$ROOT/dashboards/report/report_opts.c"
check "gm-dashboard.8 names every option of gm-dashboard" options gm-dashboard gm-dashboard.8 \
	"$ROOT/dashboards/dash/main.c" "$ROOT/dashboards/dash/account_cli.c"
check "gm-sim.1 names every option of gm-sim" options gm-sim gm-sim.1 "$ROOT/devices/sim/main.c"

# 3. every key a parser compares with (strcmp(key, "..."), a prefix with
# strncmp, the words of "headcount <fy>", the sign-off roles) is in its
# page as "Cm key", and every section it takes as "[name"; at least MIN keys
keys() { # page min sources...
	local page=$1 min=$2; shift 2
	python3 - "$MAN/$page" "$min" "$@" <<'PY'
import re, sys
page, least, srcs = open(sys.argv[1]).read(), int(sys.argv[2]), sys.argv[3:]
keys, sections = set(), set()
for f in srcs:
    s = open(f).read()
    if 'struct conf *c' not in s:
        continue   # not a config parser
    keys |= set(re.findall(r'strn?cmp\(\s*(?:key|w\[0\]),\s*"([^"]+)"', s))
    for body in re.findall(r'roles\[[A-Z_]*\]\s*=\s*\{([^}]*)\}', s):
        keys |= set(re.findall(r'"([^"]+)"', body))
    sections |= set(re.findall(r'strcmp\(\s*(?:type|section),\s*"([a-z_]+)"\)', s))
    sections |= set(re.findall(r'\{\s*"([a-z_]+)",\s*SEC_[A-Z_]+\s*\}', s))
missing = sorted(k for k in keys if not re.search(r'(^|\s)Cm\s+' + re.escape(k) + r'(?=\s|$)', page, re.M))
missing += sorted('[' + n for n in sections if '[' + n not in page)
print('# %s: %d keys, %d sections, %d missing: %s' % (sys.argv[1].split('/')[-1], len(keys), len(sections), len(missing), ' '.join(missing)))
if len(keys) < least:
    print('# only %d keys found in %s: fewer than %d, the extraction is broken' % (len(keys), ' '.join(srcs), least))
sys.exit(1 if missing or len(keys) < least else 0)
PY
}
R=$ROOT
# a printer profile's keys are greenmeter-device.5's, not the agent config's
agent_srcs=()
for f in "$R"/agent/*.c; do
	[ "$(basename "$f")" = printer_profile.c ] || agent_srcs+=("$f")
done
check "gm-agent.conf.5 names every key gm-agent's parsers take" keys gm-agent.conf.5 40 \
	"${agent_srcs[@]}" "$R/common/mqtt_opts.c"
check "gm-collector.conf.5 names every key gm-collector's parser takes" keys gm-collector.conf.5 18 \
	"$R/collector/collector_config.c" "$R/common/mqtt_opts.c"
check "gm-dashboard.conf.5 names every key gm-dashboard's parsers take" keys gm-dashboard.conf.5 50 \
	"$R"/dashboards/dash/*.c "$R/common/mqtt_opts.c"
check "gm-sim.conf.5 names every key gm-sim's parser takes" keys gm-sim.conf.5 20 "$R"/devices/sim/*.c
check "greenmeter-device.5 names every key of a meter model" keys greenmeter-device.5 12 "$R/common/devmap.c"
check "greenmeter-device.5 names every key of a printer profile" keys greenmeter-device.5 5 \
	"$R/agent/printer_profile.c"
check "greenmeter-organisation.5 names every key of the Green Office files" keys greenmeter-organisation.5 40 \
	"$R"/dashboards/green/*.c

# 4. SEE ALSO names pages of docs/man, or of the system (man -w)
see_also() { # page
	local bad=0 name sec
	while read -r name sec; do
		[ -f "$MAN/$name.$sec" ] || man -w "$sec" "$name" >/dev/null 2>&1 ||
			{ echo "# $(basename "$1"): SEE ALSO $name($sec) does not exist"; bad=1; }
	done < <(awk '/^\.Sh /{ on = ($2 == "SEE") } on && /^\.Xr /{ print $2, $3 }' "$1")
	return $bad
}
for page in "$MAN"/*.[1-8]; do
	check "$(basename "$page"): SEE ALSO names existing pages" see_also "$page"
done
done_testing
