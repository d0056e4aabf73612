"""webdriver.py - the little of the W3C WebDriver protocol the browser tests
need, over plain HTTP to chromedriver (Debian's chromium-driver), so the
tests need nothing beyond python3's standard library."""
import base64
import json
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


class Browser:
    def __init__(self, driver_url, binary="/usr/bin/chromium", size="1280,1000"):
        self.base = driver_url.rstrip("/")
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": binary, "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--window-size=" + size]}}}}
        self.sid = self._call("POST", "/session", caps)["sessionId"]

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.load(r)["value"]

    def _s(self, method, path, body=None):
        return self._call(method, "/session/%s%s" % (self.sid, path), body)

    def go(self, url):
        self._s("POST", "/url", {"url": url})

    def url(self):
        return self._s("GET", "/url")

    def title(self):
        return self._s("GET", "/title")

    def find_all(self, css):
        return [e[ELEMENT] for e in
                self._s("POST", "/elements", {"using": "css selector", "value": css})]

    def text(self, el):
        return self._s("GET", "/element/%s/text" % el)

    def attr(self, el, name):
        return self._s("GET", "/element/%s/attribute/%s" % (el, name))

    def click(self, el):
        self._s("POST", "/element/%s/click" % el, {})

    def type(self, el, text):
        """Keys into an input, as a person types them (input events fire)."""
        self._s("POST", "/element/%s/value" % el, {"text": text})

    def script(self, js, *args):
        return self._s("POST", "/execute/sync", {"script": js, "args": list(args)})

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self._s("GET", "/screenshot")))

    def quit(self):
        self._call("DELETE", "/session/" + self.sid)
