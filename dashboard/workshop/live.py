"""Live updates: notice other screens' changes by polling the store's version counter.

Every store write bumps ``store.version()`` (one tiny SQLite read, well under a
millisecond), so a page can poll often without reloading records. The page keeps
one ``VersionWatcher`` per session and polls it from a fragment, rerunning the
whole app only when something changed::

    @st.fragment(run_every="2s")
    def _watch() -> None:
        watcher = st.session_state.setdefault("version_watcher", VersionWatcher())
        if watcher.poll(store):
            st.rerun(scope="app")

The fragment reruns alone every 2 s, which costs nearly nothing; the full rerun
(map, lists, charts) happens only after a real change.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.store import Store, StoreError


@dataclass
class VersionWatcher:
    """The last store version this session has seen."""

    last_seen: int | None = None

    def changed(self, current_version: int) -> bool:
        """True when ``current_version`` differs from the last one seen.

        The first call only records the version: the page has just been drawn from
        the current data, so there is nothing new to show.
        """
        previous, self.last_seen = self.last_seen, current_version
        return previous is not None and previous != current_version

    def poll(self, store: Store) -> bool:
        """``changed(store.version())``; a busy or unreadable store means "no news yet"."""
        try:
            version = store.version()
        except StoreError:
            return False
        return self.changed(version)
