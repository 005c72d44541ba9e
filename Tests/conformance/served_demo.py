"""A `tribelog serve` on a demo data folder, on 127.0.0.1 and a free port, as a user starts it.

The address comes from the one line serve prints once it listens ("tribelog serving
http://127.0.0.1:PORT"); its log goes to a file beside the data folder, since a pipe left
unread would stall it. Only loopback is ever addressed.
"""

import json
import os
import select
import signal
import subprocess
import time
import urllib.request


class ServedDemo:
    def __init__(self, tribelog, folder, tribes=5, members=60, partups=20, seed=1):
        self.tribelog = tribelog
        self.data = os.path.join(folder, "data")
        self.log_path = os.path.join(folder, "serve.log")
        self._run("demo", "--data", self.data, "--tribes", str(tribes), "--members", str(members),
                  "--partups", str(partups), "--seed", str(seed))
        self.process = None
        self.base = None

    def _run(self, *arguments):
        done = subprocess.run([self.tribelog, *arguments], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"tribelog {' '.join(arguments)} exited {done.returncode}: {done.stderr[-2000:]}")
        return done.stdout

    def token(self, member):
        return self._run("token", "--member", member, "--data", self.data).strip()

    def start(self, timeout=60):
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([self.tribelog, "serve", "--data", self.data, "--port", "0", "--host", "127.0.0.1"],
                                        stdout=subprocess.PIPE, stderr=log)
        printed = b""
        deadline = time.monotonic() + timeout
        while b"\n" not in printed and time.monotonic() < deadline and self.process.poll() is None:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if ready:
                printed += os.read(self.process.stdout.fileno(), 4096)
        address = printed.decode(errors="replace").split()[-1] if printed.strip() else ""
        if not address.startswith("http://127.0.0.1:"):
            self.kill()
            raise RuntimeError(f"tribelog serve did not print its address (printed {printed!r}); its log is {self.log_path}")
        self.base = address.rstrip("/")
        self._wait_until_caught_up(deadline)

    def _wait_until_caught_up(self, deadline):
        """Every read model following at the head, so that reads answer from the whole demo."""
        while time.monotonic() < deadline:
            try:
                health = self.get("/health")
                if all(p["state"] == "following" and p["position"] == health["head"] for p in health["projections"]):
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the read models did not catch up with the demo log in time; the server's log is {self.log_path}")

    def get(self, path, token=None):
        request = urllib.request.Request(self.base + path)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout=30):
        """SIGTERM; the exit status, or None when it had to be killed."""
        if not self.alive():
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self):
        if self.alive():
            self.process.kill()
            self.process.wait()
