"""The counts of the long trials: a test's own variable, else its default times the scale."""

from __future__ import annotations

import pytest
from _trials import SCALE_ENV, trials

OWN = "SITREP_EXAMPLE_TRIALS"


@pytest.fixture(autouse=True)
def unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SCALE_ENV, raising=False)
    monkeypatch.delenv(OWN, raising=False)


def test_the_default_count_when_nothing_is_set() -> None:
    assert trials(OWN, 8) == 8


@pytest.mark.parametrize(("scale", "count"), [("10", 80), ("2.5", 20), ("0.5", 4), ("0.01", 1)])
def test_the_scale_multiplies_the_default_never_below_one(
    monkeypatch: pytest.MonkeyPatch, scale: str, count: int
) -> None:
    monkeypatch.setenv(SCALE_ENV, scale)
    assert trials(OWN, 8) == count


def test_a_tests_own_variable_wins_over_the_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SCALE_ENV, "10")
    monkeypatch.setenv(OWN, "3")
    assert trials(OWN, 8) == 3


@pytest.mark.parametrize(
    ("variable", "value"),
    [(SCALE_ENV, "lots"), (SCALE_ENV, "0"), (SCALE_ENV, "-1"), (OWN, "2.5"), (OWN, "0")],
)
def test_a_value_that_is_no_count_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=f"{variable}={value!r}"):
        trials(OWN, 8)
