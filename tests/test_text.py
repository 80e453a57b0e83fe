"""Text keys: ``fold_many`` folds many texts at once exactly as ``fold`` folds each."""

from __future__ import annotations

import random

from dashboard.text import fold, fold_many

AWKWARD = [
    "", " ", "-", "KLUShuizen in Krimp", "  leading and trailing  ", "a - b _ c / d",
    "Súdwest-Fryslân", "Ærø ﬁets Straße İstanbul", "’s-Hertogenbosch", "d'Oude Pekela",
    "e\u0301e\u0300", "\u0301starts with a combining mark", "ends with a dash -", "--",
    "Ⅻ ＦＵＬＬＷＩＤＴＨ ½", "tab\there\nnew line", "日本語", "emoji 🙂 here",
]


def test_fold_many_equals_fold_on_awkward_texts():
    assert fold_many(AWKWARD) == [fold(text) for text in AWKWARD]
    assert fold_many([]) == []
    assert fold_many(["x"]) == ["x"]


def test_fold_many_equals_fold_on_random_texts():
    rng = random.Random(7)
    alphabet = "aZé ß-_/’'\u0301\u0308ÅİıǅŉﬀⅫ½日\t\n.,;" + "".join(map(chr, range(0x20, 0x7f)))
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30)))
             for _ in range(3000)]
    assert fold_many(texts) == [fold(text) for text in texts]
