"""dashboard_e2e.py - gm-dashboard in headless Chromium, as facilities staff
see it: the overview lists the expected meters with their values, a click
opens a meter's page, whose graphs load. Screenshots go to the artifacts
directory. Prints TAP lines ("ok - ...", "not ok - ...").

    python3 dashboard_e2e.py DRIVER_URL DASHBOARD_URL ARTIFACTS_DIR"""
import sys

import tap
from tap import check, wait
from webdriver import Browser

driver, site, artifacts = sys.argv[1:4]

b = Browser(driver)
try:
    b.go(site + "/?lang=en")
    check("overview: the title", b.title().startswith("Meters"))
    rows = {b.attr(r, "data-channel"): r for r in b.find_all("#meters tr[data-channel]")}
    check("overview: the three meters", sorted(rows) == [
        "hq/fast/power_w", "hq/fin-power/import_kwh", "hq/stores/finance-reams"])
    row = rows.get("hq/fin-power/import_kwh")
    check("overview: the counter's last value shows",
          row is not None and "1,060.5 kWh" in b.text(row))
    check("overview: the counter is ok", row is not None and "ok" in b.text(row))
    check("overview: the counts add up",
          b.text(b.find_all("#n-meters")[0]) == "3")
    b.screenshot(artifacts + "/dashboard-overview.png")
    links = b.find_all('a[href^="/meter/hq/fin-power/import_kwh"]')
    check("overview: the meter is a link", len(links) == 1)
    if links:
        b.click(links[0])
    check("a click opens the meter page",
          wait(lambda: "/meter/hq/fin-power/import_kwh" in b.url()))
    check("meter page: the last value",
          wait(lambda: "1,060.5" in b.text(b.find_all("#last")[0])))
    graphs_loaded = ("const g = [...document.querySelectorAll('img.graph')];"
                     "return g.length == 4 && g.every(i => i.complete && i.naturalWidth > 400);")
    check("meter page: the four graphs load", wait(lambda: b.script(graphs_loaded), 20))
    check("meter page: the data-quality counters",
          b.text(b.find_all("#q-received")[0]) == "13")
    b.screenshot(artifacts + "/dashboard-meter.png")
    b.go(site + "/")
    check("Thai: the overview's heading", wait(lambda: b.text(b.find_all("h1")[0]) == "ภาพรวมมิเตอร์"))
    thai_font = ("return document.fonts.check('16px Loma', 'ภาพ') || "
                 "document.fonts.check('16px Garuda', 'ภาพ');")
    check("Thai: a Thai font is there to draw it", b.script(thai_font))
    b.screenshot(artifacts + "/dashboard-overview.th.png")
    # a person looks for the finance meter by its Thai name and opens it
    box = b.find_all("#q")
    check("Thai: a search box", len(box) == 1)
    if box:
        b.type(box[0], "การคลัง")
    visible = ("return [...document.querySelectorAll('#meters tbody.meter')]"
               ".filter(b => !b.hidden).map(b => b.dataset.meter);")
    shown = wait(lambda: b.script(visible) == ["hq/fin-power"])
    check("typing the Thai name leaves that meter alone", shown)
    if not shown:
        print("# shown: %r, typed: %r" % (b.script(visible),
              b.script("return document.getElementById('q').value;")), flush=True)
    links = b.find_all('tbody[data-meter="hq/fin-power"] a[href^="/meter/hq/fin-power/import_kwh"]')
    if links:
        b.click(links[0])
    check("and a click opens it",
          wait(lambda: "/meter/hq/fin-power/import_kwh" in b.url()))
finally:
    b.quit()
sys.exit(tap.exit_code())
