"""A small Chrome DevTools Protocol client over --remote-debugging-pipe (fd 3: commands in, fd 4: replies out,
each message JSON ended by a NUL byte), so the page checks need nothing beyond Python's standard library and
Debian's chromium package. Every wait is bounded by a deadline."""

import base64
import fcntl
import json
import os
import select
import subprocess
import time


class CDPError(Exception):
    pass


class Browser:
    def __init__(self, chromium, profile_dir, timeout=20.0):
        self.timeout = timeout
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()
        # The child must see the pipes as fds 3 and 4. Moved above 10 first so the shell's redirections
        # cannot overwrite one with the other, then renumbered by the shell that execs chromium.
        child_in, child_out = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10), fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.process = subprocess.Popen(
            ["bash", "-c", f'exec "$0" "$@" 3<&{child_in} 4>&{child_out} {child_in}<&- {child_out}>&-', chromium,
             "--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
             "--disable-background-networking", "--disable-component-update", "--mute-audio",
             "--hide-scrollbars", "--force-color-profile=srgb", "--font-render-hinting=none",
             f"--user-data-dir={profile_dir}", "about:blank"],
            pass_fds=(child_in, child_out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        to_browser_r, from_browser_w = child_in, child_out
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.write_fd = to_browser_w
        self.read_fd = from_browser_r
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def close(self):
        try:
            self.call("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        for fd in (self.write_fd, self.read_fd):
            try:
                os.close(fd)
            except OSError:
                pass

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CDPError("chromium did not answer in time")
            ready, _, _ = select.select([self.read_fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.read_fd, 1 << 20)
            if not chunk:
                raise CDPError("chromium closed its debugging pipe (exited with %s)" % self.process.poll())
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def call(self, method, params=None, session=True, timeout=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise CDPError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method, predicate=lambda e: True, timeout=None):
        """The first event named `method` (received since the events were last cleared, or arriving before the
        deadline) that matches."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for event in self.events:
                if event["method"] == method and predicate(event.get("params", {})):
                    return event["params"]
            reply = self._read_message(deadline)
            if "method" in reply:
                self.events.append(reply)

    def open_tab(self):
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.call("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True},
                             session=False)
        self.session = attached["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.call(f"{domain}.enable")

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise CDPError(f"page script failed: {result['exceptionDetails'].get('text')}: {expression[:80]}")
        return result["result"].get("value")

    def navigate(self, url):
        """Loads `url`; answers the main document's HTTP status, its source text and the console errors."""
        self.events.clear()
        frame = self.call("Page.navigate", {"url": url})
        if frame.get("errorText"):
            raise CDPError(f"{url}: {frame['errorText']}")
        return self._document_loaded(url)

    def _document_loaded(self, what):
        self.wait_for("Page.loadEventFired")
        responses = [e["params"] for e in self.events
                     if e["method"] == "Network.responseReceived" and e["params"].get("type") == "Document"]
        if not responses:
            raise CDPError(f"{what}: no document response was seen")
        response = responses[-1]
        body = self.call("Network.getResponseBody", {"requestId": response["requestId"]})
        errors = [e["params"]["entry"]["text"] for e in self.events
                  if e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"]
        errors += [e["params"]["exceptionDetails"].get("text", "exception") for e in self.events
                   if e["method"] == "Runtime.exceptionThrown"]
        return response["response"]["status"], response["response"]["url"], body.get("body", ""), errors

    def submit(self, script):
        """Runs `script` (which fills in and submits a form) and waits for the page it leads to."""
        self.events.clear()
        self.evaluate(script)
        return self._document_loaded("form submission")

    def viewport(self, width, height):
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def screenshot(self, path):
        shot = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, timeout=30)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as out:
            out.write(base64.b64decode(shot["data"]))

    def press_tab(self):
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", {"type": kind, "key": "Tab", "code": "Tab",
                                                  "windowsVirtualKeyCode": 9, "nativeVirtualKeyCode": 9})

    def accessibility_tree(self):
        return self.call("Accessibility.getFullAXTree")["nodes"]
