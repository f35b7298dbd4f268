"""Figures as each reader writes them (sparql_endpoint.reader_formats): the quick way a
whole number is written agrees with Babel's own, in every served language."""

from __future__ import annotations

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
def test_other_figures_still_go_through_babel(language):
    for value in (-1234, Decimal("1234.5"), 0.25, "-98765", "+12", "1e3", "12.50"):
        assert number(value, language) == _babel(Decimal(str(value)), language)
    assert number(True, "en") == "True"  # a boolean is no figure
    for text in ("١٢", "1_000", " 12"):  # read by Decimal, as the quick way does not
        assert number(text, language) == _babel(Decimal(text), language)
