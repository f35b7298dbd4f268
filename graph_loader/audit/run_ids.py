"""Audit runs by name: the identifier each kept run gets, and the runs a person means by
what they type (``latest``, ``previous``, a run's identifier or IRI, or a date or time).

A run's identifier is the UTC time it started, to the second, in ISO 8601's basic form
(``20261206T194012Z``), with ``-2``, ``-3``... for a second run started in the same second.
A person types times in the extended form, to the day, hour, minute or second
(``2026-12-06``, ``2026-12-06T19:40``, ``2026-12-06 19:40:12``), read as UTC unless they end
in ``Z`` or an offset (``+03:30``): the run meant is the one that started in that day, hour,
minute or second. None is an error; several are an error listing them.

>>> ids = ["20261206T194012Z", "20261206T194012Z-2", "20261207T080000Z"]
>>> [resolve(t, ids) for t in ("latest", "previous", "2026-12-07", "20261206T194012Z-2")]
['20261207T080000Z', '20261206T194012Z-2', '20261207T080000Z', '20261206T194012Z-2']
>>> resolve("2026-12-07T11:30+03:30", ids)
'20261207T080000Z'
>>> resolve("2026-12-06", ids)
Traceback (most recent call last):
...
graph_loader.audit.run_ids.AmbiguousRun: '2026-12-06' could be 2 audit runs: \
20261206T194012Z (2026-12-06T19:40:12Z), 20261206T194012Z-2 (2026-12-06T19:40:12Z); \
give a longer time or a run identifier
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from graph_loader.safe_output import quoted

#: A run's identifier: its start (UTC, basic ISO 8601, to the second), then ``-n`` from 2.
RUN_ID = re.compile(r"(\d{8}T\d{6}Z)(?:-([2-9]|[1-9]\d{1,5}))?", re.ASCII)
#: What a person types for a time: a date, then optionally an hour, minutes and seconds,
#: then optionally ``Z`` or an offset.
_TYPED = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2})(?::(\d{2})(?::(\d{2}))?)?)?"
    r"(Z|[+-]\d{2}:\d{2})?"
)
#: The longest text read as a run's name (anything longer is refused before matching).
MAX_TYPED = 200
#: The words for the newest run and the one before it.
LATEST, PREVIOUS = "latest", "previous"

#: Why what was typed names no run (:class:`RunNameError`); pages translate each.
TOO_LONG = "%(shown)s is too long to name an audit run"
NO_LATEST = "there is no latest audit run"
NO_PREVIOUS = "there is no previous audit run"
NO_SUCH_RUN = "no audit run %(shown)s"
NONE_STARTED = "no audit run started at %(shown)s"
AMBIGUOUS = (
    "%(shown)s could be %(count)s audit runs: %(listed)s; give a longer time or a run identifier"
)
NOT_A_RUN = (
    "%(shown)s is not an audit run: use %(latest)s, %(previous)s, a run identifier "
    "(%(run)s) or a time (%(day)s, %(minute)s)"
)

NOT_A_TIME = "%(shown)s is not a time: its date, time or offset is out of range"
NO_LONGER_KEPT = "that audit run is no longer kept"
REASONS = (
    TOO_LONG,
    NO_LATEST,
    NO_PREVIOUS,
    NO_SUCH_RUN,
    NONE_STARTED,
    AMBIGUOUS,
    NOT_A_RUN,
    NOT_A_TIME,
    NO_LONGER_KEPT,
)
#: What is kept, after a reason that found no run.
NONE_KEPT = "no audit run has been kept yet (run %(audit)s)"
KEPT = "%(count)s kept, from %(first)s to %(last)s"
#: Runs listed by name in :data:`AMBIGUOUS` at most.
LISTED = 20


class RunNameError(LookupError):
    """What a person typed names no run, or several: the message says which, and why.

    The message is ``template`` (one of :data:`REASONS`) filled with ``values``, then, when
    ``kept`` is given, what is kept (:data:`NONE_KEPT` or :data:`KEPT` and its values):
    pages show both in the reader's language.

    >>> str(RunNameError(TOO_LONG, shown="'x'"))
    "'x' is too long to name an audit run"
    """

    def __init__(
        self, template: str, *, kept: tuple[str, dict[str, str]] | None = None, **values: object
    ):
        self.template = template
        self.values = {k: str(v) for k, v in values.items()}
        self.kept = kept
        said = template % self.values
        if kept is not None:
            said += ": " + kept[0] % kept[1]
        super().__init__(said)


class NoSuchRun(RunNameError):
    """No kept run has that name or started at that time."""


class AmbiguousRun(RunNameError):
    """Several kept runs started at the time typed."""


class BadRunName(RunNameError):
    """What was typed is neither a run's name nor a time."""


def new_run_id(started: dt.datetime, taken: Sequence[str] | set[str]) -> str:
    """The identifier of a run that started at ``started``, not one of ``taken``.

    >>> when = dt.datetime(2026, 12, 6, 19, 40, 12, 5, tzinfo=dt.UTC)
    >>> new_run_id(when, set()), new_run_id(when, {"20261206T194012Z"})
    ('20261206T194012Z', '20261206T194012Z-2')
    """
    stem = started.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    if stem not in taken:
        return stem
    n = 2
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"


def is_run_id(text: str) -> bool:
    """Whether ``text`` is a run's identifier as :func:`new_run_id` makes them."""
    return RUN_ID.fullmatch(text) is not None


def started_of(run_id: str) -> dt.datetime:
    """When the run ``run_id`` started (to the second, UTC).

    >>> started_of("20261206T194012Z-3").isoformat()
    '2026-12-06T19:40:12+00:00'
    """
    found = RUN_ID.fullmatch(run_id)
    if found is None:
        raise ValueError(f"not an audit run identifier: {quoted(run_id[:MAX_TYPED])}")
    return dt.datetime.strptime(found.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


def sequence(run_ids: Sequence[str] | set[str]) -> list[str]:
    """Run identifiers, oldest first (time, then ``-n``).

    >>> sequence(["20261206T194012Z-10", "20261206T194012Z-2", "20261206T194012Z"])
    ['20261206T194012Z', '20261206T194012Z-2', '20261206T194012Z-10']
    """

    def key(run_id: str) -> tuple[str, int]:
        found = RUN_ID.fullmatch(run_id)
        assert found is not None, run_id
        return found.group(1), int(found.group(2) or 1)

    return sorted((r for r in run_ids if is_run_id(r)), key=key)


def display(run_id: str) -> str:
    """A run's start as a person reads it (extended ISO 8601, UTC).

    >>> display("20261206T194012Z-2")
    '2026-12-06T19:40:12Z'
    """
    return started_of(run_id).strftime("%Y-%m-%dT%H:%M:%SZ")


def resolve(typed: str, run_ids: Sequence[str], *, run_iri_prefix: str | None = None) -> str:
    """The identifier of the one run of ``run_ids`` that ``typed`` names.

    ``typed`` is ``latest``, ``previous``, an identifier, an identifier after
    ``run_iri_prefix`` (a run's IRI), or a time as the module says. Raises
    :class:`NoSuchRun`, :class:`AmbiguousRun` or :class:`BadRunName`.
    """
    text = typed.strip()
    shown = _shown(text)
    if len(text) > MAX_TYPED:
        raise BadRunName(TOO_LONG, shown=shown)
    ordered = sequence(run_ids)
    if text.lower() in (LATEST, PREVIOUS):
        wanted = 1 if text.lower() == LATEST else 2
        if len(ordered) < wanted:
            why = NO_LATEST if wanted == 1 else NO_PREVIOUS
            raise NoSuchRun(why, kept=_how_many(ordered))
        return ordered[-wanted]
    if run_iri_prefix and text.startswith(run_iri_prefix):
        text = text.removeprefix(run_iri_prefix)
    if is_run_id(text):
        if text in ordered:
            return text
        raise NoSuchRun(NO_SUCH_RUN, shown=shown, kept=_how_many(ordered))
    start, end = _window(text, shown)
    found = [r for r in ordered if start <= started_of(r) < end]
    if not found:
        raise NoSuchRun(NONE_STARTED, shown=shown, kept=_how_many(ordered))
    if len(found) > 1:
        listed = ", ".join(f"{r} ({display(r)})" for r in found[:LISTED])
        more = ", …" if len(found) > LISTED else ""
        raise AmbiguousRun(AMBIGUOUS, shown=shown, count=len(found), listed=listed + more)
    return found[0]


def _window(text: str, shown: str) -> tuple[dt.datetime, dt.datetime]:
    """The UTC interval a typed time stands for: its day, hour, minute or second.

    >>> _window("9999-12-31T23:59:59-23:59", "x")
    Traceback (most recent call last):
    ...
    graph_loader.audit.run_ids.BadRunName: x is not a time: its date, time or offset is out of range
    """
    found = _TYPED.fullmatch(text)
    if found is None:
        raise BadRunName(  # the examples are values: a page shows them as typed
            NOT_A_RUN,
            shown=shown,
            latest=LATEST,
            previous=PREVIOUS,
            run="20261206T194012Z",
            day="2026-12-06",
            minute="2026-12-06T19:40",
        )
    year, month, day, hour, minute, second, zone = found.groups()
    step = dt.timedelta(days=1)
    for value, unit in ((hour, "hours"), (minute, "minutes"), (second, "seconds")):
        if value is None:
            break
        step = dt.timedelta(**{unit: 1})
    try:
        tz = dt.UTC if zone in (None, "Z") else _offset(zone)
        start = dt.datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tz,
        )
        return start.astimezone(dt.UTC), (start + step).astimezone(dt.UTC)
    except (ValueError, OverflowError):  # out of range, or past year 9999 in UTC
        raise BadRunName(NOT_A_TIME, shown=shown) from None


def _offset(zone: str) -> dt.timezone:
    hours, minutes = int(zone[1:3]), int(zone[4:6])
    if hours > 23 or minutes > 59:
        raise ValueError(f"offset {zone} out of range")
    delta = dt.timedelta(hours=hours, minutes=minutes)
    return dt.timezone(-delta if zone[0] == "-" else delta)


def _how_many(ordered: list[str]) -> tuple[str, dict[str, str]]:
    """What is kept, as a template and its values (see :class:`RunNameError`)."""
    if not ordered:
        return NONE_KEPT, {"audit": "'lamcoop audit'"}
    first, last = display(ordered[0]), display(ordered[-1])
    return KEPT, {"count": str(len(ordered)), "first": first, "last": last}


def _shown(text: str) -> str:
    """What was typed, quoted and cut, for a message."""
    return quoted(text[:60] + ("…" if len(text) > 60 else ""))
