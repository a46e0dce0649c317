#!/usr/bin/env python3
"""Loads a page of `twin export` in headless Chromium (SwiftShader WebGL) and reports its state.

Usage: web/check-page.py URL OUT.png [--timeout SECONDS] [--size WxH] [--settle SECONDS] [--click-building]

Drives Chromium through the DevTools protocol with the Python standard library only (no
puppeteer): opens URL, waits in real time until the page's #status element says "ready" or
"error" (or the timeout passes), lets it draw for --settle seconds more, saves a screenshot to
OUT.png, and prints one JSON line:
  {"state": "ready", "status": "...", "console_errors": [...], "exceptions": [...], "seconds": 12.3}
With --click-building, once ready it looks for a building on a grid of points (CesiumJS's
scene.pick through the page's window.twinViewer), clicks it with real mouse events, and adds
"clicked": [x, y] and "info": the text of the page's #info box (the building's attributes); the
screenshot is taken after the click.
console_errors lists console.error calls and the browser's error-level log entries (a failed
request, a WebGL error); exceptions lists uncaught script errors.
Exit 0: ready, with no console error and no exception; 1: otherwise; 2: Chromium could not be
started or driven (the message on stderr).
"""
import base64
import hashlib
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


class DevTools:
    """A minimal WebSocket client (RFC 6455) for one DevTools target."""

    def __init__(self, ws_url):
        rest = ws_url[len("ws://"):]
        hostport, path = rest.split("/", 1)
        host, port = hostport.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("DevTools closed the connection during the handshake")
            response += chunk
        header, self.buffer = response.split(b"\r\n\r\n", 1)
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        if b" 101 " not in header.split(b"\r\n")[0] or accept not in header:
            raise RuntimeError("DevTools refused the WebSocket: " + header.split(b"\r\n")[0].decode(errors="replace"))
        self.next_id = 0
        self.events = []

    def _recv_exact(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise RuntimeError("DevTools closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _recv_message(self):
        payload = b""
        while True:
            b0, b1 = self._recv_exact(2)
            length = b1 & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._recv_exact(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._recv_exact(8))[0]
            mask = self._recv_exact(4) if b1 & 0x80 else None
            data = self._recv_exact(length)
            if mask:
                data = bytes(c ^ mask[i % 4] for i, c in enumerate(data))
            opcode = b0 & 0x0F
            if opcode == 8:
                raise RuntimeError("DevTools closed the connection")
            if opcode in (0, 1, 2):
                payload += data
                if b0 & 0x80:
                    return json.loads(payload)

    def _send(self, text):
        data = text.encode()
        header = bytes([0x81])
        if len(data) < 126:
            header += bytes([0x80 | len(data)])
        elif len(data) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(data))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(data))
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(data)))

    def call(self, method, **params):
        self.next_id += 1
        wanted = self.next_id
        self._send(json.dumps({"id": wanted, "method": method, "params": params}))
        while True:
            message = self._recv_message()
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv):
    args = list(argv[1:])
    click = "--click-building" in args
    if click:
        args.remove("--click-building")
    options = {"--timeout": "300", "--size": "1280x800", "--settle": "3"}
    for name in list(options):
        if name in args:
            i = args.index(name)
            options[name] = args[i + 1]
            del args[i:i + 2]
    if len(args) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    url, png = args
    width, height = (int(v) for v in options["--size"].split("x"))
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("check-page: chromium not found (Debian package chromium)", file=sys.stderr)
        return 2
    port = free_port()
    profile = tempfile.mkdtemp(prefix="check-page-")
    browser = subprocess.Popen(
        [chromium, "--headless=new", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
         f"--window-size={width},{height}", "--hide-scrollbars", "--no-first-run", f"--user-data-dir={profile}",
         f"--remote-debugging-port={port}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.time()
    try:
        target = None
        while target is None and time.time() - start < 60:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as r:
                    target = next((t for t in json.load(r) if t.get("type") == "page"), None)
            except OSError:
                pass
            if target is None:
                time.sleep(0.5)
        if target is None:
            print("check-page: Chromium's DevTools did not answer within 60 s", file=sys.stderr)
            return 2
        tools = DevTools(target["webSocketDebuggerUrl"])
        tools.call("Runtime.enable")
        tools.call("Log.enable")
        tools.call("Page.enable")
        # The window's size is not the page's in headless mode: set the viewport itself.
        tools.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                   mobile=False)
        tools.call("Page.navigate", url=url)
        loaded = time.time()
        state, text = "loading", ""
        probe = ("(() => { const s = document.getElementById('status');"
                 " return s ? s.dataset.state + '|' + s.textContent : 'none|'; })()")
        while time.time() - loaded < float(options["--timeout"]):
            result = tools.call("Runtime.evaluate", expression=probe, returnByValue=True)
            state, _, text = str(result.get("result", {}).get("value", "none|")).partition("|")
            if state in ("ready", "error"):
                break
            time.sleep(1)
        if state == "ready":
            time.sleep(float(options["--settle"]))
            result = tools.call("Runtime.evaluate", expression=probe, returnByValue=True)
            state, _, text = str(result.get("result", {}).get("value", "none|")).partition("|")
        extra = {}
        if click and state == "ready":
            finder = ("(() => { const v = window.twinViewer; if (!v) return '';"
                      f" for (let y = 330; y < {height - 40}; y += 50) for (let x = 360; x < {width - 20}; x += 50) {{"
                      "  const p = v.scene.pick(new Cesium.Cartesian2(x, y));"
                      "  if (p instanceof Cesium.Cesium3DTileFeature) return x + ',' + y; } return ''; })()")
            found = tools.call("Runtime.evaluate", expression=finder, returnByValue=True)
            point = str(found.get("result", {}).get("value", ""))
            extra["clicked"] = [int(v) for v in point.split(",")] if point else None
            if point:
                x, y = extra["clicked"]
                for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
                    tools.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)
                time.sleep(2)
                info = tools.call("Runtime.evaluate", expression="document.getElementById('info').innerText",
                                  returnByValue=True)
                extra["info"] = str(info.get("result", {}).get("value", ""))
        shot = tools.call("Page.captureScreenshot", format="png")
        with open(png, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        console_errors, exceptions = [], []
        for event in tools.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                console_errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                entry = params["entry"]
                console_errors.append(entry.get("text", "") + (" " + entry["url"] if entry.get("url") else ""))
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                exceptions.append(details.get("exception", {}).get("description", details.get("text", "")))
        print(json.dumps({"state": state, "status": text, "console_errors": console_errors,
                          "exceptions": exceptions, "seconds": round(time.time() - loaded, 1), **extra},
                         ensure_ascii=False))
        return 0 if state == "ready" and not console_errors and not exceptions else 1
    except (OSError, RuntimeError, ValueError, KeyError) as e:
        print(f"check-page: {e}", file=sys.stderr)
        return 2
    finally:
        browser.terminate()
        try:
            browser.wait(timeout=20)
        except subprocess.TimeoutExpired:
            browser.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
