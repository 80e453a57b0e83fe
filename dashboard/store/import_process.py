"""Write a bulk import from a process of its own, while this one reads and checks the file.

Why: in one process the checking and the writing share one interpreter. ``sqlite3`` and
psycopg let go of it around every row and must win it back from the busy checking
thread, so the two barely overlap and an import runs at the speed of one core. Here the
checked records go, a round at a time, through a pipe to a child process that opens the
same store and runs its ordinary ``import_records`` on them: checking and writing run on
two cores.

All or nothing holds as before: the child commits only after the importer has said that
the last round was sent. If the importer stops early (a row with an error, Ctrl-C, or
``kill -9``), the child reads the end of the pipe instead, its store rolls the
transaction back, and it exits. A store error in the child (a taken id, a busy store)
comes back as the same exception.
"""

from __future__ import annotations

import gc
import os
import pickle
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import IO, Any

from dashboard.store.base import (
    WRITE_BATCH,
    Batch,
    PortableStore,
    Record,
    StoreError,
    batched,
    pipelined,
)
from dashboard.store.location import Location, describe, open_existing

_PROTOCOL = pickle.HIGHEST_PROTOCOL
ROUNDS_AHEAD = 4  # checked rounds that may wait for the child (~0.7 MB each)
# Below this file size the child's start (~0.2 s) costs more than the second core saves.
WORTH_A_PROCESS_BYTES = 2 * 1024 * 1024
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])  # the folder that holds dashboard/


class ImportProcess:
    """A store for ``tabular.importing``: lookups go to ``store`` in this process,
    ``import_records`` to a child process that opens ``location`` (the same store)."""

    def __init__(self, store: PortableStore, location: Location) -> None:
        self.store = store
        self.location = location

    def existing_ids(self, ids: Iterable[str]) -> dict[str, str]:
        return self.store.existing_ids(ids)

    def existing_keys(self, keys: Iterable[str]) -> dict[str, str]:
        return self.store.existing_keys(keys)

    def import_records(self, records: Iterable[Record], author: str) -> Batch:
        """As ``Store.import_records``, written by the child; raises what the child's store
        raised, or what ``records`` raised (then nothing is written)."""
        last = self.store.history(limit=1)
        since = last[0].seq if last else 0
        child = _start_child()
        pipe = child.stdin
        assert pipe is not None

        sent = [0]

        def messages() -> Iterator[bytes]:
            yield pickle.dumps(("open", self.location, author), _PROTOCOL)
            for chunk in batched(records, WRITE_BATCH):
                yield pickle.dumps(("rows", chunk), _PROTOCOL)
                sent[0] += len(chunk)
            yield pickle.dumps(("end",), _PROTOCOL)

        def send(message: bytes) -> None:
            try:
                pipe.write(message)
                pipe.flush()
            except BrokenPipeError:
                raise _ChildGone from None

        try:  # a thread sends, so checking goes on while the child is busy with a round
            pipelined(messages(), send, depth=ROUNDS_AHEAD)
        except _ChildGone:
            pass  # the child stopped: its answer says why
        except BaseException:
            _abandon(child)  # the iterator failed (or Ctrl-C): the child rolls back
            raise
        kind, value = _answer(child)
        if kind == "done":
            return value
        if kind == "failed":
            raise value
        return self._lost(child.returncode, author, since, sent[0])

    def _lost(self, code: int | None, author: str, since: int, count: int) -> Batch:
        """The child died without an answer: if its commit went through first, the import
        (by this author, of this many records, after ``since``) is in the history, and done;
        otherwise nothing was written, and that is said."""
        for change in self.store.history(limit=10):
            if (change.seq > since and change.action == "import" and change.author == author
                    and change.count == count):
                return Batch(change.record_id, change.seq, count, change.at)
        raise StoreError(key="store_import_process_lost", path=describe(self.location),
                         code=code)


class _ChildGone(Exception):
    """Writing to the child failed: it has stopped (its answer says why)."""


# The child's command: -P keeps the current folder off its path (a json/ or psycopg.py
# there must not run); the folder that holds dashboard/ comes last, for a checkout that is
# not installed. The PostgreSQL URL goes through the pipe, never on a command line.
_CHILD = ("import sys; sys.path.append({root!r}); "
          "from dashboard.store.import_process import _child_main; sys.exit(_child_main())")


def _start_child() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-P", "-c", _CHILD.format(root=_PACKAGE_ROOT)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)


def _abandon(child: subprocess.Popen[bytes]) -> None:
    """Close the child's input (it rolls back) and wait until it has let go of the store."""
    assert child.stdin is not None and child.stdout is not None
    with suppress(BrokenPipeError):  # it may have gone already
        child.stdin.close()
    child.wait()
    child.stdout.close()


def _answer(child: subprocess.Popen[bytes]) -> tuple[str, Any]:
    """The child's answer: ("done", batch), ("failed", exception), or ("lost", None) when
    it died without one. Waits until it has exited, also on Ctrl-C."""
    assert child.stdin is not None and child.stdout is not None
    with suppress(BrokenPipeError):  # all is sent: its input ends here
        child.stdin.close()
    try:
        return pickle.load(child.stdout)
    except Exception:  # the end of the pipe, or a torn answer
        return "lost", None
    finally:
        _abandon(child)


# --- the child --------------------------------------------------------------------------


class _Abandoned(Exception):
    """The importer closed the pipe before the end: roll back."""


def _rounds(pipe: IO[bytes]) -> Iterator[Record]:
    """The records as they arrive; the end of the pipe before ``end`` is ``_Abandoned``."""
    while True:
        try:
            message = pickle.load(pipe)
        except (EOFError, pickle.UnpicklingError):
            raise _Abandoned from None
        if message[0] == "end":
            return
        yield from message[1]


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc, _PROTOCOL))
    except Exception:
        return StoreError(f"{type(exc).__name__}: {exc}")
    return exc


def _child_main() -> int:
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to stderr, not into the answer
    requests = sys.stdin.buffer
    gc.disable()  # one round at a time, and no cycles: the collector would only cost time
    try:
        _, location, author = pickle.load(requests)
        batch = open_existing(location).import_records(_rounds(requests), author)
    except (_Abandoned, EOFError, pickle.UnpicklingError):
        return 1
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group: rolled back, quietly
        return 130
    except Exception as exc:
        requests.close()  # an importer still sending gets a broken pipe, and reads this
        return _reply(answers, ("failed", _picklable(exc)), 1)
    return _reply(answers, ("done", batch), 0)


def _reply(answers: IO[bytes], message: tuple, code: int) -> int:
    """Send the answer, unless the importer is gone (killed while this waited): then
    there is no one to tell, and nothing to print."""
    with suppress(BrokenPipeError):
        pickle.dump(message, answers, _PROTOCOL)
        answers.flush()
    return code


if __name__ == "__main__":
    sys.exit(_child_main())
