"""Helpers shared by steady.py and detect.py (python3 standard library only).

Every process is started as `timeout -k 5 TTL PROGRAM ...`, so it ends by itself even if the
benchmark dies; its PIDs (the wrapper's and the program's) are recorded and it is stopped only
through them. Nothing is ever signalled by name.
"""
import os
import re
import signal
import sqlite3
import subprocess
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


class Proc:
    """A program under a `timeout` wrapper: .wrapper is the wrapper's PID, .pid the program's."""

    def __init__(self, argv, ttl, log_path, pidfile=None):
        self.log = open(log_path, "wb")
        self.popen = subprocess.Popen(["timeout", "-k", "5", str(int(ttl))] + argv, stdin=subprocess.DEVNULL,
                                      stdout=self.log, stderr=subprocess.STDOUT)
        self.wrapper = self.popen.pid
        if pidfile:
            with open(pidfile, "a") as f:
                f.write(f"{self.wrapper}\n")
        self.pid = None
        for _ in range(100):                         # at most 5 s for the program to be exec'd
            try:
                with open(f"/proc/{self.wrapper}/task/{self.wrapper}/children") as f:
                    kids = f.read().split()
            except OSError:
                kids = []
            if kids:
                self.pid = int(kids[0])
                break
            if self.popen.poll() is not None:
                break
            time.sleep(0.05)
        if self.pid is None:
            self.stop()
            raise RuntimeError(f"{argv[0]} did not start (see {log_path})")
        # wait until the child has exec'd the program (comm is no longer 'timeout')
        for _ in range(100):
            if comm(self.pid) not in (None, "timeout"):
                break
            time.sleep(0.02)

    def alive(self):
        return self.popen.poll() is None and comm(self.pid) is not None

    def kill_program(self, sig=signal.SIGKILL):
        """Signal the program itself (not the wrapper), by its recorded PID."""
        if self.popen.poll() is None and comm(self.pid) not in (None, "timeout"):
            os.kill(self.pid, sig)

    def stop(self, grace=15.0):
        """SIGTERM the wrapper (it forwards to the program), wait up to `grace` s, then SIGKILL both.
        Returns the wrapper's exit status (the program's, or 124/137 when timeout ended it)."""
        if self.popen.poll() is None:
            try:
                os.kill(self.wrapper, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                if self.pid and comm(self.pid) not in (None, "timeout"):
                    try:
                        os.kill(self.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                try:
                    os.kill(self.wrapper, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.popen.wait(timeout=10)
        self.log.close()
        return self.popen.returncode


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return None


def cpu_rss(pid):
    """(utime+stime seconds, VmRSS KiB, VmHWM KiB, threads) of a running process, or None if gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/status") as f:
            status = f.read()
    except OSError:
        return None
    cpu = (int(fields[11]) + int(fields[12])) / CLK_TCK

    def kib(key):
        m = re.search(rf"^{key}:\s+(\d+)", status, re.M)
        return int(m.group(1)) if m else 0
    return cpu, kib("VmRSS"), kib("VmHWM"), kib("Threads")


def rss_breakdown(pid):
    """(RssAnon KiB, RssFile KiB): heap and anonymous memory vs file-backed pages (mostly shared libraries)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            status = f.read()
    except OSError:
        return None

    def kib(key):
        m = re.search(rf"^{key}:\s+(\d+)", status, re.M)
        return int(m.group(1)) if m else 0
    return kib("RssAnon"), kib("RssFile")


def open_ro(db_path):
    """A read-only connection to the failure log (safe while the daemon writes)."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
    con.execute("PRAGMA busy_timeout = 5000")
    return con


def write_site(config_dir, site_id, name):
    os.makedirs(config_dir, exist_ok=True)
    with open(os.path.join(config_dir, "site.conf"), "w") as f:
        f.write(f"[Site]\nID={site_id}\nName={name}\nTimeZone=UTC\n")


LOOP_RE = re.compile(r"probe loop: (\d+) runs in the last (\S+), worst start delay (-?\d+) ms(?:.*?health=(\S+))?")


def probe_section(pid, kind, target, interval, timeout, retry, failures, successes):
    """One [Probe] section for a fleet line (KIND URL_OR_HOST:PORT)."""
    lines = ["[Probe]", f"ID={pid}", f"Kind={kind}"]
    if kind == "http":
        lines += [f"URL={target}", "ExpectStatus=200-299"]
        if target.startswith("https://"):
            lines.append("VerifyTLS=no")              # the fleet's self-signed certificate
    elif kind == "tcp":
        lines.append(f"URL={target if '://' in target else 'tcp://' + target}")
    elif kind == "smtp":
        lines += [f"URL={target if '://' in target else 'smtp://' + target}", "RequireTLS=no"]
    else:
        raise ValueError(f"unknown kind {kind}")
    lines += [f"Interval={interval}", f"Timeout={timeout}", f"RetryInterval={retry}",
              f"FailuresToDown={failures}", f"SuccessesToUp={successes}"]
    return "\n".join(lines) + "\n"
