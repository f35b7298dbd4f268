"""The options of ``lamcoop load`` that only tables take: how a register's dates, text
encoding and language are read. One decorator, :func:`table_options`, declares them; the
command receives them as one mapping for :func:`~graph_loader.importers.import_file`."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import click

from graph_loader.importers.cells import language_tag
from graph_loader.importers.solar_hijri import CALENDARS
from graph_loader.importers.spelling import DATE_ORDERS

#: The names of the options :func:`table_options` declares (the command's keyword arguments).
TABLE_OPTIONS = ("skip_invalid", "date_order", "calendar", "encoding", "language")


def text_encoding(name: str | None) -> str | None:
    """``name`` when Python reads text in that encoding; else a usage error naming it.

    >>> text_encoding("cp1256"), text_encoding(None)
    ('cp1256', None)
    """
    if name is None:
        return None
    try:
        io.TextIOWrapper(io.BytesIO(), encoding=name)
    except LookupError:
        message = f"{name!r} is not a text encoding"
        raise click.BadParameter(message, param_hint="--encoding") from None
    return name


def register_language(name: str | None) -> str | None:
    """The BCP 47 tag ``--language`` names (a tag, or a language's name, as a register's
    language cell may be written); else a usage error naming it.

    >>> register_language("Persian"), register_language("zh-Hans"), register_language(None)
    ('fa', 'zh-Hans', None)
    """
    if name is None:
        return None
    try:
        return language_tag(name)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--language") from None


def _checked(name: str, check: Callable[[str | None], str | None], help: str) -> Any:
    """An option whose value ``check`` reads (or refuses, naming the option)."""
    return click.option(name, default=None, callback=lambda _c, _p, value: check(value), help=help)


def table_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Declare the options of :data:`TABLE_OPTIONS` on ``command``."""
    options = (
        click.option(
            "--skip-invalid", is_flag=True, help="Load a table's good rows; report the bad ones."
        ),
        click.option(
            "--date-order",
            type=click.Choice(DATE_ORDERS),
            default=None,
            help="Read register dates such as 03/04/2021 as day/month (dmy) or month/day "
            "(mdy); without it such a date is an error when both readings are dates.",
        ),
        click.option(
            "--calendar",
            type=click.Choice(CALENDARS),
            default="gregorian",
            show_default=True,
            help="The calendar of register dates written in digits with a year before 1500: "
            "solar-hijri reads 1398/02/24 as 2019-05-14. A date naming a Solar Hijri month "
            "(۲۴ اردیبهشت ۱۳۹۸) is read as one either way.",
        ),
        _checked(
            "--encoding",
            text_encoding,
            "The text encoding of a CSV, TSV or JSON table (cp1252, cp1256, gbk...; "
            "default UTF-8, latin-1 for the IMLS file). RDF is always UTF-8.",
        ),
        _checked(
            "--language",
            register_language,
            "The language of an agreement register's titles, labels and texts where it "
            "has no language column or a row leaves it empty (en, fa, zh-Hans, or the "
            "language's name: Persian, فارسی); default und (undetermined).",
        ),
    )
    for option in reversed(options):
        command = option(command)
    return command
