"""The process a run started with `wait=False` executes in: it reads (kind, run_id,
settings, job) pickled on stdin, runs the job (it claims the run, so it holds the lock and
the heartbeat), and reports on the pipe whose fd is argv[1]: ("claimed", None), then
("done", RunOutcome) or ("error", the typed exception)."""

from __future__ import annotations

import pickle
import sys
from multiprocessing.connection import Connection


def main() -> None:
    send = Connection(int(sys.argv[1]), readable=False)
    kind, run_id, settings, job = pickle.load(sys.stdin.buffer)
    from .launch import child_main

    child_main(send, kind, run_id, settings, job)


if __name__ == "__main__":
    main()
