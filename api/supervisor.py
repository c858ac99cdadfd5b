"""`claimtrack serve` and `demo` as one command: the web server and a job consumer, each in a
process of its own, started and watched by a small parent that imports neither gevent nor the
model. A consumer that dies is started again (after a second); when the web server exits, or
the parent gets SIGTERM/SIGINT, both are stopped (SIGTERM; each child is a process group of its
own, so Ctrl-C reaches only the parent) and the parent exits with the server's status.

Separate processes, not a thread of the web server: gunicorn's master is gevent-patched and
forks workers, so a consumer thread there would be copied into every worker; and the model
the consumer loads (spaCy, onnxruntime) stays out of the request workers altogether.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

RESTART_DELAY_SECONDS = 1.0
STOP_TIMEOUT_SECONDS = 20.0


def claimtrack_command(*args: str) -> list[str]:
    """argv running `claimtrack ARGS…` with this interpreter (no reliance on PATH)."""
    return [sys.executable, "-m", "api.cli", *args]


def _spawn(argv: list[str]) -> subprocess.Popen:
    # Each child leads a process group of its own, so Ctrl-C in a terminal (SIGINT to the
    # foreground group) reaches only this parent, which stops the children with SIGTERM. A SIGINT
    # reaching a child directly arrived at any point of its start-up (a consumer still importing
    # the model printed a KeyboardInterrupt traceback).
    return subprocess.Popen(argv, process_group=0)


class Supervisor:
    def __init__(self):
        self.children: dict[str, dict] = {}
        self.stopping = False

    def start(self, name: str, argv: list[str], *, restart: bool) -> subprocess.Popen:
        process = _spawn(argv)
        self.children[name] = {"argv": argv, "process": process, "restart": restart, "died_at": None}
        return process

    def _on_signal(self, signum, frame):
        self.stopping = True

    def run(self, main: str) -> int:
        """Watch the children until `main` exits or a stop signal arrives; returns main's status."""
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            while not self.stopping:
                for name, child in self.children.items():
                    code = child["process"].poll()
                    if code is None:
                        continue
                    if name == main:
                        self.stop()
                        return code
                    if child["restart"]:
                        if child["died_at"] is None:
                            print(f"claimtrack: {name} exited with {code}; starting it again", file=sys.stderr)
                            child["died_at"] = time.monotonic()
                        elif time.monotonic() - child["died_at"] >= RESTART_DELAY_SECONDS:
                            child["process"] = _spawn(child["argv"])
                            child["died_at"] = None
                time.sleep(0.2)
            self.stop()
            return self.children[main]["process"].returncode or 0
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def stop(self) -> None:
        """SIGTERM to every child still running, then SIGKILL to any left after the timeout."""
        running = [c["process"] for c in self.children.values() if c["process"].poll() is None]
        for process in running:
            process.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def exit_with_parent() -> None:
    """In a supervised child: stop (SIGTERM to itself) once the parent is gone, so a SIGKILLed
    supervisor leaves no orphan consumer behind. Checks once a second on a daemon thread."""
    import threading
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
