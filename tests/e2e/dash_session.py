"""dash_session.py - what the dashboard's browser tests do as a person:
sign in through the form, sign out from the account page, read a page's
text while it may be being replaced."""
from tap import wait


def page_text(b):
    """The page's text, or "" while it is being replaced."""
    try:
        found = b.find_all("body")
        return b.text(found[0]) if found else ""
    except Exception:   # the element went with the page it was on
        return ""


def sign_in(b, name, password):
    """Fill and send the sign-in form on the page shown: False if none."""
    fields = {e: b.find_all('form.signin input[name="%s"]' % e) for e in ("name", "password")}
    if not all(fields.values()):
        return False
    b.type(fields["name"][0], name)
    b.type(fields["password"][0], password)
    b.click(b.find_all("form.signin button")[0])
    return True


def sign_in_at(b, site, name, password):
    """Open the sign-in page, sign in, and wait to be let in."""
    b.go(site + "/signin")
    wait(lambda: b.find_all("form.signin"))
    return sign_in(b, name, password) and wait(lambda: "/signin" not in b.url())


def sign_out(b, site):
    """The account page's button, then wait for the sign-in page."""
    b.go(site + "/account")
    out = b.find_all("main form button")
    if out:
        b.click(out[0])
    return wait(lambda: "/signin" in b.url())
