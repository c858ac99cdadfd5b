"""The gunicorn worker `claimtrack serve` runs: gunicorn's gevent worker, stopping quietly on
Ctrl-C.

On SIGINT or SIGQUIT (Ctrl-C in a terminal reaches every process of the group) gunicorn's gevent
worker calls `sys.exit(0)` inside a greenlet it spawns, and gevent prints that greenlet's
`SystemExit` as a traceback: every stop of `claimtrack demo` showed one (gunicorn issue #3239,
closed upstream as not a bug). Here the quit signal only ends the worker's loop, as SIGTERM
does; gunicorn's own `run` then closes the listeners and lets requests in flight finish, and the
master still kills what outlives its graceful timeout.
"""
from __future__ import annotations

from gunicorn.workers.ggevent import GeventWorker


class QuietGeventWorker(GeventWorker):
    def handle_quit(self, sig, frame):
        self.alive = False
        self.cfg.worker_int(self)
