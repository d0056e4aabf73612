"""bureau_e2e.py - issue 21's acceptance, in headless Chromium as the people
would do it: a bureau's editor enters October's reams for her unit, and her
unit's paper reduction on the dashboard and in the report set she has made
again changes to the hand-computed value; another unit's form is refused
her; she scores an indicator of her checklist; a coordinator locks the
month, and her form is gone from it. Screenshots go to the artifacts
directory. Prints TAP lines.

    python3 bureau_e2e.py DRIVER_URL DASHBOARD_URL ARTIFACTS_DIR MONTH FY PCT
MONTH is October as YYYY-MM, FY the fiscal year it opens (B.E.), PCT the
paper reduction to expect (the test computes it by hand)."""
import json
import sys

import tap
from dash_session import page_text, sign_in_at, sign_out
from tap import check, wait
from webdriver import Browser

driver, site, artifacts, month, fy, pct = sys.argv[1:7]
pct = float(pct)


def json_at(b, url):
    """A JSON document the browser opens, or None."""
    b.go(url)
    try:
        return json.loads(page_text(b))
    except ValueError:
        return None


def dashboard_pct(b):
    u = json_at(b, site + "/api/units/finance-budget")
    p = u and u["unit"]["paper_fy"]["reduction_pct"]
    return p is not None and abs(p - pct) < 1e-9


def report_pct(b):
    r = json_at(b, "%s/reports/green-fy%s/report.json" % (site, fy))
    units = [x for x in (r or {}).get("units", []) if x["id"] == "finance-budget"]
    p = units[0].get("paper_reduction_pct") if units else None
    return p is not None and abs(p - pct) < 1e-9


b = Browser(driver)
try:
    check("the editor signs in", sign_in_at(b, site, "malee", "malee-pass-96"))
    check("the report set made before has another figure", not report_pct(b))
    b.go("%s/entries?month=%s" % (site, month))
    box = b.find_all('form.entries input[name="a0"]')
    check("October's form has the unit's reams", len(box) == 1)
    if box:
        b.type(box[0], "44")
        b.click(b.find_all("form.entries button")[0])
    check("saved and sent, it says", wait(lambda: "ส่งเข้าระบบเก็บข้อมูลแล้ว" in page_text(b)))
    b.screenshot(artifacts + "/dashboard-entries-october.png")
    check("the dashboard's paper reduction becomes the hand-computed one",
          wait(lambda: dashboard_pct(b), 60))
    b.go("%s/unit/finance-budget" % site)
    b.screenshot(artifacts + "/dashboard-unit-after-entry.png")

    b.go("%s/entries?unit=legal&month=%s" % (site, month))
    check("another unit's form is refused her",
          wait(lambda: "บัญชีนี้บันทึกข้อมูลของหน่วยงานนี้ไม่ได้" in page_text(b)))

    b.go(site + "/checklist")
    score = b.find_all('select[name="s1.1.1"] option')
    check("her checklist lists the edition's indicators", len(score) >= 3)
    if len(score) >= 3:
        b.click(score[2])   # "not scored", 0, 0.5, ...: 0.5
        b.click(b.find_all("form#checklist button:not(.rm)")[0])
    check("a score is saved from the checklist page",
          wait(lambda: "ปรับปรุงไฟล์แบบประเมิน" in page_text(b)))
    b.screenshot(artifacts + "/dashboard-checklist.png")

    b.go(site + "/report-run")
    run = b.find_all("form#run button")
    check("she asks for the report set to be made again", len(run) == 1)
    if run:
        b.click(run[0])
        # the form's answer first: a page opened while it is on its way
        # cancels it, and the run is never asked for (it failed so once)
        wait(lambda: b.find_all("#run-state"), 30)

    def run_done():
        b.go(site + "/report-run")
        st = b.find_all("#run-state")
        return st and b.attr(st[0], "data-running") == "0"
    check("the run ends", wait(run_done, 240))
    st = b.find_all("#run-state")
    check("and it went well", st and b.attr(st[0], "data-status") == "0")
    b.screenshot(artifacts + "/dashboard-report-run.png")
    check("the report set made again has the hand-computed paper reduction", report_pct(b))
    check("signs out", sign_out(b, site))

    check("the coordinator signs in", sign_in_at(b, site, "pim", "pim-pass-96"))
    b.go("%s/entries?unit=finance-budget&month=%s" % (site, month))
    lock = [e for e in b.find_all("main form button") if "ปิดรับข้อมูล" in b.text(e)]
    check("and locks October", len(lock) == 1)
    if lock:
        b.click(lock[0])
    check("the month says it is locked", wait(lambda: b.find_all("#locked")))
    sign_out(b, site)
    sign_in_at(b, site, "malee", "malee-pass-96")
    b.go("%s/entries?month=%s" % (site, month))
    check("the editor's form is gone from the locked month",
          wait(lambda: b.find_all("#locked")) and not b.find_all("form.entries"))
    b.screenshot(artifacts + "/dashboard-entries-locked.png")
finally:
    b.quit()
sys.exit(tap.exit_code())
