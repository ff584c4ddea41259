"""Fixtures shared by the tests: log targets for every backend, and events.

``log_target`` runs a test once per backend (memory, jsonl, sqlite, postgresql). A
backend whose module is not there, or PostgreSQL without a reachable server named
by ``SITREP_TEST_POSTGRES_URL``, is skipped with the reason.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from hypothesis import strategies as st

# the helper modules next to this file (``_writers``) import as top-level modules
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))

from _writers import sample_event

from sitrep_core import Count, Event, Source, Statement, Strike

BACKENDS = ("memory", "jsonl", "sqlite", "postgresql")
FILE_BACKENDS = ("jsonl", "sqlite")
POSTGRES_ENV = "SITREP_TEST_POSTGRES_URL"

_MODULES = {"sqlite": "sitrep_core.stores._sqlite", "postgresql": "sitrep_core.stores._postgres"}


def _module_missing(backend: str) -> str | None:
    module = _MODULES.get(backend)
    if module is not None and importlib.util.find_spec(module) is None:
        return f"the {backend} backend ({module}) is not there yet"
    return None


_postgres_checked: list[str | None] = []


def _postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used (checked once per run), or None."""
    if not _postgres_checked:
        reason = None
        url = os.environ.get(POSTGRES_ENV)
        if not url:
            reason = f"set {POSTGRES_ENV} to a PostgreSQL URL to test that backend"
        else:
            try:
                import psycopg

                with psycopg.connect(url, connect_timeout=3):
                    pass
            except Exception as exc:
                reason = f"PostgreSQL at {POSTGRES_ENV} is unreachable: {exc}"
        _postgres_checked.append(reason)
    return _postgres_checked[0]


def backend_unavailable(backend: str) -> str | None:
    """Why a backend cannot be tested here, or None when it can."""
    reason = _module_missing(backend)
    if reason is None and backend == "postgresql":
        reason = _postgres_unavailable()
    return reason


def backend_params(backends: tuple[str, ...] = BACKENDS) -> list[object]:
    """pytest params for backends, those not there marked skip (module check only)."""
    params = []
    for name in backends:
        missing = _module_missing(name)
        marks = [pytest.mark.skip(reason=missing)] if missing else []
        params.append(pytest.param(name, marks=marks, id=name))
    return params


def with_search_path(url: str, schema: str) -> str:
    """A PostgreSQL URL whose sessions use ``schema`` first."""
    parts = urlsplit(url)
    extra = f"options=-csearch_path%3D{schema}"
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query))


class Targets:
    """Makes fresh, empty log targets of one backend and cleans up after them."""

    def __init__(self, backend: str, directory: Path) -> None:
        reason = backend_unavailable(backend)
        if reason is not None:
            pytest.skip(reason)
        self.backend = backend
        self.directory = directory
        self._schemas: list[str] = []
        self._count = 0

    @property
    def reopens(self) -> bool:
        """Whether opening a target again finds the same log (not so for memory)."""
        return self.backend != "memory"

    def new(self) -> str:
        self._count += 1
        if self.backend == "memory":
            return "memory:"
        stem = "log" if self._count == 1 else f"log{self._count}"
        if self.backend == "jsonl":
            return str(self.directory / f"{stem}.jsonl")
        if self.backend == "sqlite":
            return str(self.directory / f"{stem}.sqlite")
        import psycopg

        schema = f"sitrep_test_{uuid.uuid4().hex}"
        url = os.environ[POSTGRES_ENV]
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        self._schemas.append(schema)
        return with_search_path(url, schema)

    def cleanup(self) -> None:
        if not self._schemas:
            return
        import psycopg

        with psycopg.connect(os.environ[POSTGRES_ENV], autocommit=True) as conn:
            for schema in self._schemas:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        self._schemas.clear()


@pytest.fixture(params=backend_params())
def backend(request: pytest.FixtureRequest) -> str:
    """The name of a backend; the test runs once for each."""
    return str(request.param)


@pytest.fixture
def targets(backend: str, tmp_path: Path) -> Iterator[Targets]:
    """A maker of fresh targets of the current backend (``targets.new()``)."""
    made = Targets(backend, tmp_path)
    try:
        yield made
    finally:
        made.cleanup()


@pytest.fixture
def log_target(targets: Targets) -> str:
    """A target string for ``open_log`` naming a new, empty log of the current backend."""
    return targets.new()


@pytest.fixture(autouse=True)
def own_render_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Every test renders with the cache on, as users do, in a directory of its own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    monkeypatch.delenv("SITREP_CACHE_DIR", raising=False)
    monkeypatch.delenv("SITREP_NO_CACHE", raising=False)


# -- events ---------------------------------------------------------------------------


class StepClock:
    """A clock for ``clock=``: each call is ``step`` after the one before."""

    def __init__(
        self,
        start: datetime = datetime(2017, 9, 2, 12, 0, tzinfo=UTC),
        step: timedelta = timedelta(seconds=1),
    ) -> None:
        self.now = start
        self.step = step
        self.calls = 0

    def __call__(self) -> datetime:
        self.calls += 1
        moment = self.now
        self.now += self.step
        return moment


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def make_event() -> Callable[..., Event]:
    """``make_event(n, id=..., variant=...)``: a realistic event (see ``sample_event``)."""
    return sample_event


_names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12
).filter(lambda s: s.strip() == s and s.strip())
_counts = st.one_of(
    st.builds(Count.exact, st.integers(0, 10_000)),
    st.builds(Count.approx, st.integers(0, 10_000)),
    st.builds(Count.at_least, st.integers(0, 10_000)),
    st.integers(0, 500).flatmap(
        lambda low: st.builds(Count.between, st.just(low), st.integers(low, 1000))
    ),
)
_sources = st.builds(
    Source,
    name=_names,
    reliability=st.sampled_from("ABCDEF"),
    credibility=st.integers(1, 6),
)
_occurred = st.sampled_from(
    ("2017-08", "2017-08-28", "2017-08-30T16:50", "2017-08-29~", "2017-08-28/2017-08-30")
)


def event_strategy(ids: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Event]:
    """Hypothesis strategy of valid events (strikes and statements with sources, counts)."""
    ids = ids if ids is not None else st.uuids().map(str)
    strikes = st.builds(
        Strike,
        id=ids,
        occurred=_occurred,
        actor=_names,
        targets=st.lists(_names, max_size=3).map(tuple),
        killed=st.none() | _counts,
        sources=st.lists(_sources, max_size=2).map(tuple),
    )
    statements = st.builds(
        Statement,
        id=ids,
        occurred=_occurred,
        speaker=_names,
        subject=_names,
        stances=st.sampled_from(("supports", "condemns", "denies")),
        quote=st.none() | st.text(max_size=40),
        sources=st.lists(_sources, max_size=2).map(tuple),
    )
    return st.one_of(strikes, statements)


@pytest.fixture
def events_strategy() -> Callable[..., st.SearchStrategy[Event]]:
    """``events_strategy(ids=None)``: the hypothesis strategy of valid events."""
    return event_strategy
