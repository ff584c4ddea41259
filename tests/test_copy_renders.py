"""The seed example copied out of its JSON Lines file renders the same in every store."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

import sitrep_core as sr
from sitrep_core import copy_log

EVENTS = Path(__file__).parents[1] / "examples" / "qalamoun-2017" / "events.jsonl"
MOMENTS = ("2017-08-30T16:50", "2017-09-05T12:00", None)


def renders(plugins: sr.Plugins, log: sr.EventLog) -> dict[tuple[str | None, str], str]:
    """Every format of the report at each moment; the log's own name set aside."""
    found = {}
    for moment in MOMENTS:
        report = plugins.report(log, title="Qalamoun", as_of=moment, known_at=moment)
        report = attrs.evolve(report, log=attrs.evolve(report.log, name="qalamoun"))
        for fmt in sorted(plugins.renderers()):
            found[(moment, fmt)] = plugins.render(report, fmt)
    return found


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_seed_copied_to_another_store_renders_identically(
    backend: str, targets: object, tmp_path: Path
) -> None:
    plugins = sr.Plugins.load()
    with plugins.open_log(tmp_path / "seed.jsonl") as source:
        source.append(source.codec.read_input(EVENTS.read_bytes(), source=str(EVENTS)))
        expected = renders(plugins, source)
        with plugins.open_log(targets.new()) as target:  # type: ignore[attr-defined]
            result = copy_log(source, target)
            assert result.head == source.head and result.head_hash == source.verify().head_hash
            assert target.verify().ok
            assert renders(plugins, target) == expected
