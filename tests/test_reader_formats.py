"""Figures as each reader writes them (sparql_endpoint.reader_formats): the quick way a
whole number or a decimal is written agrees with Babel's own, in every served language."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from babel.numbers import format_decimal

from sparql_endpoint import reader_formats
from sparql_endpoint.reader_formats import LOCALES, number

WHOLE = [*range(0, 2000, 3), *(10**k for k in range(19)), *(10**k - 1 for k in range(1, 19))]


def _babel(value: int | Decimal, language: str) -> str:
    shown = format_decimal(
        Decimal(value), locale=reader_formats.locale(language), decimal_quantization=False
    )
    return reader_formats._native(shown, language)


@pytest.mark.parametrize("language", sorted(LOCALES))
def test_whole_numbers_are_written_as_babel_writes_them(language):
    assert [number(n, language) for n in WHOLE] == [_babel(n, language) for n in WHOLE]
    texts = [str(n) for n in WHOLE] + ["007", "0000"]
    assert [number(t, language) for t in texts] == [_babel(Decimal(t), language) for t in texts]


@pytest.mark.parametrize("language", sorted(LOCALES))
def test_decimals_are_written_as_babel_writes_them(language):
    """Decimals of every kind (trailing zeros, exponents, negatives, tiny and large values):
    the quick way gives Babel's text wherever Babel gives one."""
    draw = random.Random(14)
    values = ["1.50", "0.0", "-0", "1E+3", "5E-10", "-1234.5600", "2.50E+5", "0.000123"]
    for _ in range(2000):
        values.append(str(Decimal(draw.randint(-(10**9), 10**9)) / 10 ** draw.randint(0, 12)))
        values.append(repr(draw.uniform(-1e6, 1e6)))
        values.append(f"{draw.randint(-(10**20), 10**20)}.{draw.randint(0, 10**6):06d}")
    assert [number(v, language) for v in values] == [_babel(Decimal(v), language) for v in values]


def test_a_figure_past_babels_precision_is_still_written_for_the_reader():
    """Babel raises for a value of more than 28 digits (a page then showed the literal as
    written); such a value is grouped and in the reader's digits like any other."""
    big = "123456789012345678901234567890.5"
    with pytest.raises(ArithmeticError):
        _babel(Decimal(big), "en")
    assert number(big, "en") == "123,456,789,012,345,678,901,234,567,890.5"
    assert number("1e30", "fa") == "۱٬" + "٬".join(["۰۰۰"] * 10)


@pytest.mark.parametrize("language", sorted(LOCALES))
def test_other_figures_are_written_as_babel_writes_them(language):
    for value in (-1234, Decimal("1234.5"), 0.25, "-98765", "+12", "1e3", "12.50"):
        assert number(value, language) == _babel(Decimal(str(value)), language)
    assert number(True, "en") == "True"  # a boolean is no figure
    for text in ("١٢", "1_000", " 12"):  # read by Decimal, as the quick way does not
        assert number(text, language) == _babel(Decimal(text), language)
