#!/usr/bin/env python3
"""formfill.py PAGE FORM_ID [name=value ...]: a form of an HTML page filled
as a browser would send it, urlencoded on stdout: every input (hidden,
text, ...) with its value, every select with its selected option (else the
first), a checkbox only when checked, each name=value argument put in place of the page's. A name the
form does not have is an error, so a test cannot fill a field that is not
there."""
import sys
import urllib.parse
from html.parser import HTMLParser


class Form(HTMLParser):
    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields, self.boxes = form_id, False, {}, set()
        self.select, self.first = None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        elif not self.inside:
            return
        elif tag == "input" and a.get("type") in ("checkbox", "radio") and "name" in a:
            self.boxes.add(a["name"])   # sent only when checked
            if "checked" in a:
                self.fields[a["name"]] = a.get("value", "on")
        elif tag == "input" and "name" in a and a.get("type") not in ("file", "submit"):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select, self.first = a["name"], None
        elif tag == "option" and self.select:
            self.pending = a

    def handle_data(self, data):
        a = getattr(self, "pending", None)
        if a is None or not self.select:
            return
        value = a.get("value", data)
        if self.first is None:
            self.first = value
            self.fields.setdefault(self.select, value)
        if "selected" in a:
            self.fields[self.select] = value
        self.pending = None

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


def main():
    page, form_id = sys.argv[1], sys.argv[2]
    f = Form(form_id)
    f.feed(open(page, encoding="utf-8").read())
    if not f.fields:
        sys.exit(f"formfill: no form #{form_id} in {page}")
    for arg in sys.argv[3:]:
        name, _, value = arg.partition("=")
        if name not in f.fields and name not in f.boxes:
            sys.exit(f"formfill: form #{form_id} has no field {name}")
        f.fields[name] = value
    sys.stdout.write(urllib.parse.urlencode(list(f.fields.items())))


main()
