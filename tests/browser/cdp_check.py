#!/usr/bin/env python3
"""Loads a local HTML file in headless Chromium and reports what the browser saw.

Usage: cdp_check.py CHROMIUM PAGE.html [SCREENSHOT.png [MAX_HEIGHT]]

Talks to Chromium over the DevTools protocol (a WebSocket client written here
on the standard library alone, since CI installs no Python package) and prints
one JSON object on stdout:

  console_errors   console.error/warn calls, uncaught exceptions, and browser
                   log entries of level error or warning (CSP refusals, failed
                   loads)
  requests         every request the page made after its own file was loaded
                   (Network.requestWillBeSent), blocked or not
  dom              what the rendered DOM holds: each svg.chart (columns,
                   rects, polylines), counts of elements that could run code
                   or load something, attributes named on*, the title

Exit status 0 when the page was loaded and inspected, 2 when Chromium could
not be started or did not answer (the caller decides what the page's figures
mean; a missing browser must fail a test, never skip it).
"""
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

TIMEOUT = 60


class WebSocket:
    """The client side of RFC 6455, enough for the DevTools protocol."""

    def __init__(self, url):
        assert url.startswith("ws://")
        hostport, path = url[5:].split("/", 1)
        host, port = hostport.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=TIMEOUT)
        key = base64.b64encode(os.urandom(16)).decode()
        req = (f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(req.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise ConnectionError("WebSocket handshake: connection closed")
            head += chunk
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError("WebSocket handshake refused: " + head.decode(errors="replace"))
        self.buf = b""

    def send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        n = len(data)
        if n < 126:
            hdr = struct.pack("!BB", 0x81, 0x80 | n)
        elif n < 65536:
            hdr = struct.pack("!BBH", 0x81, 0x80 | 126, n)
        else:
            hdr = struct.pack("!BBQ", 0x81, 0x80 | 127, n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(hdr + mask + masked)

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("WebSocket closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        """The next whole text message (continuation frames joined)."""
        parts = []
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            if b1 & 0x80:
                mask = self._read(4)
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self._read(n)))
            else:
                payload = self._read(n)
            op = b0 & 0x0F
            if op == 0x8:
                raise ConnectionError("WebSocket closed by the browser")
            if op in (0x9, 0xA):        # ping, pong
                continue
            parts.append(payload)
            if b0 & 0x80:
                return b"".join(parts).decode()


class Page:
    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        mid = self.next_id
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params}))
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == mid:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)
        raise TimeoutError(method)

    def wait_for(self, method, seconds):
        """Collects events for `seconds`, or until `method` arrives."""
        self.ws.sock.settimeout(0.2)
        deadline = time.time() + seconds
        try:
            while time.time() < deadline:
                try:
                    msg = json.loads(self.ws.recv())
                except socket.timeout:
                    continue
                if "method" in msg:
                    self.events.append(msg)
                    if msg["method"] == method:
                        return True
            return False
        finally:
            self.ws.sock.settimeout(TIMEOUT)


# What the DOM holds, computed in the page.
DOM_PROBE = r"""
(() => {
  const charts = [...document.querySelectorAll('svg.chart')].map(s => ({
    id: s.id,
    columns: s.querySelectorAll('g.col').length,
    rects: s.querySelectorAll('rect').length,
    polylines: s.querySelectorAll('polyline').length,
    width: s.getBoundingClientRect().width,
  }));
  const onattrs = [];
  for (const el of document.querySelectorAll('*'))
    for (const a of el.attributes)
      if (/^on/i.test(a.name)) onattrs.push(el.tagName + '.' + a.name);
  const count = sel => document.querySelectorAll(sel).length;
  return JSON.stringify({
    title: document.title,
    charts,
    scripts: count('script'), imgs: count('img'), iframes: count('iframe'),
    objects: count('object,embed'), links: count('link'), styles: count('style'),
    anchors_with_href: count('a[href]'), with_src: count('[src]'),
    onattrs,
    findings: count('#diagnosis article.finding'),
    text_length: document.body ? document.body.innerText.length : 0,
  });
})()
"""


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    chromium, page_path = sys.argv[1], os.path.abspath(sys.argv[2])
    shot = sys.argv[3] if len(sys.argv) > 3 else None
    max_height = int(sys.argv[4]) if len(sys.argv) > 4 else 4000
    if not shutil.which(chromium):
        print(f"cdp_check: {chromium}: not found", file=sys.stderr)
        return 2
    profile = tempfile.mkdtemp(prefix="hz-chromium-")
    proc = subprocess.Popen(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
         f"--user-data-dir={profile}", "--window-size=1200,900", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.time() + TIMEOUT
        while not (os.path.exists(port_file) and open(port_file).read().count("\n") >= 1):
            if proc.poll() is not None or time.time() > deadline:
                print("cdp_check: chromium did not start its DevTools endpoint", file=sys.stderr)
                return 2
            time.sleep(0.1)
        port = int(open(port_file).read().split("\n")[0])
        targets = []
        while not targets and time.time() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
                targets = [t for t in json.load(r) if t.get("type") == "page"]
            if not targets:
                time.sleep(0.1)
        page = Page(WebSocket(targets[0]["webSocketDebuggerUrl"]))
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.call(domain + ".enable")
        url = "file://" + page_path
        page.call("Page.navigate", url=url)
        loaded = page.wait_for("Page.loadEventFired", 30)
        page.wait_for("never", 1.0)     # late console messages and requests
        dom = json.loads(page.call("Runtime.evaluate", expression=DOM_PROBE, returnByValue=True)["result"]["value"])
        if shot:
            metrics = page.call("Page.getLayoutMetrics")
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            data = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                             clip={"x": 0, "y": 0, "width": 1200, "height": min(size["height"], max_height), "scale": 1})
            with open(shot, "wb") as f:
                f.write(base64.b64decode(data["data"]))
        errors, requests = [], []
        for e in page.events:
            m, p = e["method"], e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
                errors.append("console." + p["type"] + ": " + " ".join(str(a.get("value", a.get("description", "")))
                                                                        for a in p.get("args", [])))
            elif m == "Runtime.exceptionThrown":
                errors.append("exception: " + p["exceptionDetails"].get("text", ""))
            elif m == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
                errors.append("log: " + p["entry"].get("text", ""))
            elif m == "Network.requestWillBeSent" and p["request"]["url"] != url:
                requests.append(p["request"]["url"])
        print(json.dumps({"loaded": loaded, "console_errors": errors, "requests": requests, "dom": dom}, indent=1))
        return 0
    except (OSError, ConnectionError, RuntimeError, TimeoutError, KeyError, ValueError) as e:
        print(f"cdp_check: {e!r}", file=sys.stderr)
        return 2
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
