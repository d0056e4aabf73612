#!/usr/bin/env python3
"""figures_agree.py - the same figure is the same wherever it is shown.

Asks gm-report (plain, per channel) for every figure the dashboard's JSON
API and a Green Office report set show, over exactly their spans, and says
where they differ:

  figures_agree.py dash BIN DATADIR URL
      each channel of URL/api/meters: today's and the month's use and
      coverage over [from, to), and to_review over (from, flags_to], against
      gm-report --from @from --to @to (the month of an RRD channel is two
      pieces, before today and today, as docs/dashboard.md says)
  figures_agree.py green BIN DATADIR SETDIR
      each unit's resource in SETDIR/report.json: every closed month's
      amount and completeness, and the period's to_review, against the
      share-weighted plain figures of its sources

One line per check ("ok - ..." or "not ok - ..."); exit 1 if any differ.
"""
import csv
import io
import json
import math
import subprocess
import sys
import urllib.request
from datetime import datetime, timedelta, timezone

BKK = timezone(timedelta(hours=7))
failed = 0
checked = 0


def report(bin_dir, datadir, chan, start, end):
    """gm-report's CSV row for one channel over [start, end)."""
    site, meter, channel = chan.split("/")
    out = subprocess.run(
        [bin_dir + "/gm-report", "-d", datadir, "--from", "@%d" % start,
         "--to", "@%d" % end, "--csv", "--site", site, "--meter", meter],
        check=True, capture_output=True, text=True).stdout.lstrip("\ufeff")
    for row in csv.DictReader(io.StringIO(out)):
        if row["channel"] == channel:
            return row
    raise SystemExit("gm-report has no row for %s in %d..%d" % (chan, start, end))


def num(s):
    return float("nan") if s in ("", "nan", None) else float(s)


def flagged(row):
    return int(row["resets_flagged"]) + int(row["late_readings"]) > 0


def same(a, b, tol=1e-9):
    if a is None:
        a = float("nan")
    if b is None:
        b = float("nan")
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def check(ok, what):
    global failed, checked
    checked += 1
    if not ok:
        failed += 1
        print("not ok - " + what)


def pieces_sum(rows):
    """Amount and coverage of adjacent pieces [(start, end, row)]."""
    amount, covered, length = float("nan"), 0.0, 0.0
    for start, end, row in rows:
        a = num(row["amount"])
        if not math.isnan(a):
            amount = a if math.isnan(amount) else amount + a
        covered += (end - start) * num(row["coverage"])
        length += end - start
    return amount, covered / length if length else 0.0


def dash(bin_dir, datadir, url):
    with urllib.request.urlopen(url.rstrip("/") + "/api/meters", timeout=30) as r:
        meters = json.load(r)["meters"]
    for m in meters:
        chan = m["channel"]
        today, month = m.get("today") or {}, m.get("month") or {}
        if "from" not in today:
            continue
        journal = m.get("kind") == "delta"
        for name, fig in (("today", today), ("month", month)):
            if "from" not in fig:
                continue
            a, b = int(fig["from"]), int(fig["to"])
            if name == "month" and not journal and a < int(today["from"]) < b:
                cut = int(today["from"])
                amount, cov = pieces_sum([(a, cut, report(bin_dir, datadir, chan, a, cut)),
                                          (cut, b, report(bin_dir, datadir, chan, cut, b))])
            else:
                amount, cov = pieces_sum([(a, b, report(bin_dir, datadir, chan, a, b))])
            check(same(fig["amount"], amount),
                  "%s %s [%d, %d): dashboard %s, gm-report %r" % (chan, name, a, b,
                                                                 fig["amount"], amount))
            check(same(fig["coverage"], cov),
                  "%s %s [%d, %d): coverage dashboard %s, gm-report %r" % (
                      chan, name, a, b, fig["coverage"], cov))
            ft = int(fig["flags_to"])
            flag = flagged(report(bin_dir, datadir, chan, a, ft)) if ft > a else False
            check(fig["to_review"] == flag,
                  "%s %s (%d, %d]: to_review dashboard %s, gm-report %s" % (
                      chan, name, a, ft, fig["to_review"], flag))


def local(s):
    """'YYYY-MM-DD HH:MM[:SS]' or 'YYYY-MM-DD' local to unix seconds."""
    for f in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return int(datetime.strptime(s, f).replace(tzinfo=BKK).timestamp())
        except ValueError:
            pass
    raise SystemExit("not a time: %r" % s)


def month_span(label, lo, hi):
    y, m = (int(x) for x in label.split("-")[:2])
    if y > 2400:            # a Buddhist Era year
        y -= 543
    a = datetime(y, m, 1, tzinfo=BKK)
    b = datetime(y + (m == 12), m % 12 + 1, 1, tzinfo=BKK)
    return max(int(a.timestamp()), lo), min(int(b.timestamp()), hi)


def green(bin_dir, datadir, setdir):
    r = json.load(open(setdir + "/report.json"))
    # the period's days, the last one whole; months still under way are
    # not compared (docs/reports.md: they are shown as in progress)
    lo, hi = local(r["from"]), local(r["to"]) + 86400
    hi = min(hi, int(datetime.now(BKK).replace(day=1, hour=0, minute=0, second=0,
                                                 microsecond=0).timestamp()))
    cache = {}

    def plain(chan, a, b):
        if (chan, a, b) not in cache:
            cache[(chan, a, b)] = report(bin_dir, datadir, chan, a, b)
        return cache[(chan, a, b)]

    for u in r["units"] + [r["whole"]]:
        uid = u.get("id", "whole")
        for res, fig in u.get("resources", {}).items():
            src = fig.get("sources") or []
            if not src or any(s["share_changed_in_year"] for s in src) or \
                    fig.get("source_count", len(src)) > len(src):
                continue   # a mapping changed, or the list names only the first
            for mo in fig["months"]:
                a, b = month_span(mo["month"], lo, hi)
                if b <= a:
                    continue
                amount, covered, expected = float("nan"), 0.0, 0.0
                for s in src:
                    row = plain(s["channel"], a, b)
                    x = num(row["amount"])
                    if not math.isnan(x):
                        amount = (0 if math.isnan(amount) else amount) + s["share"] * x
                    covered += s["share"] * (b - a) * num(row["coverage"])
                    expected += s["share"] * (b - a)
                check(same(mo.get("amount"), amount),
                      "%s %s %s: report.json %s, gm-report %r" % (uid, res, mo["month"],
                                                                 mo.get("amount"), amount))
                check(same(mo.get("completeness"), covered / expected if expected else 0),
                      "%s %s %s: completeness report.json %s, gm-report %r" % (
                          uid, res, mo["month"], mo.get("completeness"),
                          covered / expected if expected else 0))
            flag = any(flagged(plain(s["channel"], lo, local(r["to"]) + 86400)) for s in src)
            check(fig["to_review"] == flag, "%s %s: to_review report.json %s, gm-report %s" % (
                uid, res, fig["to_review"], flag))


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("dash", "green"):
        raise SystemExit(__doc__)
    (dash if sys.argv[1] == "dash" else green)(*sys.argv[2:])
    print("%s - %d figures checked, %d differ" % ("not ok" if failed else "ok", checked, failed))
    sys.exit(1 if failed else 0)


main()
