"""accounts_e2e.py - signing in to gm-dashboard in headless Chromium, as a
person does: a page asks to sign in, the form is filled and sent, the page
asked for opens, the account page names who is signed in and signs out.
An admin reads the audit log; a viewer is refused it; a bureau's editor
enters last month's reams and sees them stored. Screenshots go to
the artifacts directory. Prints TAP lines.

    python3 accounts_e2e.py DRIVER_URL DASHBOARD_URL ARTIFACTS_DIR"""
import sys

import tap
from dash_session import page_text, sign_in
from tap import check, wait
from webdriver import Browser

driver, site, artifacts = sys.argv[1:4]


b = Browser(driver)
try:
    b.go(site + "/units")
    check("a page asks to sign in first", wait(lambda: "/signin" in b.url()))
    b.screenshot(artifacts + "/dashboard-signin.png")
    check("the form is there", sign_in(b, "admin", "admin-pass-93"))
    opened = wait(lambda: b.url().endswith("/units") and "หน่วยงาน" in b.title())
    check("signed in, the page asked for opens", opened)
    if not opened:
        print("# at %s: %s" % (b.url(), b.text(b.find_all("body")[0])[:300].replace("\n", " ")),
              flush=True)
    b.go(site + "/audit")
    rows = wait(lambda: any("เข้าสู่ระบบ" in b.text(r) for r in b.find_all("#audit tr")))
    check("the admin reads the audit log: the sign-in is in it", rows)
    b.screenshot(artifacts + "/dashboard-audit.png")
    b.go(site + "/account")
    check("the account page names who is signed in",
          wait(lambda: "admin" in b.text(b.find_all("main")[0])))
    buttons = b.find_all("main form button")
    if buttons:
        b.click(buttons[0])
    check("signing out goes back to the sign-in page", wait(lambda: "/signin" in b.url()))
    b.go(site + "/units")
    check("and the pages ask again", wait(lambda: "/signin" in b.url()))
    sign_in(b, "suda", "viewer-pass-93")
    wait(lambda: "/signin" not in b.url())
    b.go(site + "/audit")
    check("a viewer is refused the audit log",
          wait(lambda: "coordinators and administrators" in page_text(b)))
    # a bureau's editor enters last month's reams, and sees them stored
    b.go(site + "/account")
    out = b.find_all("main form button")
    if out:
        b.click(out[0])
    wait(lambda: "/signin" in b.url())
    sign_in(b, "malee", "editor-pass-93")
    wait(lambda: "/signin" not in b.url())
    b.go(site + "/entries")
    box = b.find_all('form.entries input[name="a0"]')
    check("the editor's form has the unit's reams", len(box) == 1)
    if box:
        b.type(box[0], "37")
        b.click(b.find_all("form.entries button")[0])
    check("saved and sent, it says",
          wait(lambda: "ส่งเข้าระบบเก็บข้อมูลแล้ว" in page_text(b)))

    def stored():
        b.go(b.url())
        return "37 รีม" in page_text(b)
    check("and the form shows them stored", wait(stored, 20))
    b.screenshot(artifacts + "/dashboard-entries.png")
    b.go(site + "/signin")
    sign_in(b, "suda", "a wrong one")
    check("a wrong password says so, in Thai",
          wait(lambda: "ไม่ถูกต้อง" in b.text(b.find_all("#say")[0]) if b.find_all("#say") else False))
finally:
    b.quit()
sys.exit(tap.exit_code())
