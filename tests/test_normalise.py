"""The normaliser's shortcut for ASCII text gives what its character-by-character pass
gives, on every ASCII character and on random ASCII strings."""

from __future__ import annotations

import random

from graph_loader.normalise import _fold_unicode, fold


def test_every_ascii_character_folds_as_the_unicode_pass_folds_it():
    for code in range(128):
        text = f"a{chr(code)}b {chr(code)}"
        assert fold(text) == _fold_unicode(text), repr(text)


def test_random_ascii_text_folds_as_the_unicode_pass_folds_it():
    rng = random.Random(20261206)
    alphabet = [chr(c) for c in range(128)]
    for _ in range(5000):
        text = "".join(rng.choices(alphabet, k=rng.randint(0, 24)))
        assert fold(text) == _fold_unicode(text), repr(text)


def test_the_shortcut_keeps_the_folds_readers_rely_on():
    assert fold("Institution 0 (SpecialLibrary)") == "institution 0 speciallibrary"
    assert fold("  Tab\there--and\x00there ") == "tabhere andthere"  # controls dropped, not spaced
