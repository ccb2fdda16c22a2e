"""Product search as a German reader types: umlauts and ß either way, words in any order,
a trade by its name.

A search term is split into words; a product is found when every word is part of its SKU
or its name, or names a trade whose members asked for it. Text is compared folded: in any
case, "ä" as "ae", "ö" as "oe", "ü" as "ue" and "ß" as "ss", so "weiss" finds "weiß" and
"Kaese" finds "Käse" (and the other way round).
"""

from __future__ import annotations

from catalog.domain.model import Trade

MAX_WORDS = 6  # a longer term is cut here
MAX_WORD = 40
TRADE_PREFIX = 3  # "mal" already names the painters

# A folded spelling and what it stands for; the left side is what the database replaces
# too (with ``lower()``, which SQLite applies to ASCII letters only), so both sides fold
# alike on SQLite and PostgreSQL.
FOLDED = (("Ä", "ae"), ("ä", "ae"), ("Ö", "oe"), ("ö", "oe"), ("Ü", "ue"), ("ü", "ue"))
FOLDED += (("ß", "ss"), ("ẞ", "ss"))

# Each trade by its German and English names (and the ones the trade also goes by).
TRADE_NAMES: dict[Trade, tuple[str, ...]] = {
    Trade.PAINTER: ("maler", "lackierer", "painter"),
    Trade.MASON: ("maurer", "mason"),
    Trade.CARPENTER: ("tischler", "schreiner", "zimmerer", "carpenter"),
    Trade.ELECTRICIAN: ("elektriker", "electrician"),
    Trade.LOCKSMITH: ("schlosser", "metallbauer", "locksmith"),
    Trade.ROOFER: ("dachdecker", "roofer"),
    Trade.TILER: ("fliesenleger", "tiler"),
    Trade.PLUMBER: ("installateur", "sanitaer", "heizungsbauer", "klempner", "plumber"),
}


def fold(text: str) -> str:
    """``text`` as it is compared: lower case, umlauts and ß written out."""
    for letter, written_out in FOLDED:
        text = text.replace(letter, written_out)
    return text.casefold()


def search_words(term: str) -> list[str]:
    """The folded words of a search term, each at most ``MAX_WORD`` long; no duplicates."""
    words: list[str] = []
    for word in term.split():
        folded = fold(word)[:MAX_WORD]
        if folded not in words:
            words.append(folded)
    return words[:MAX_WORDS]


def trades_named(word: str) -> set[Trade]:
    """The trades a folded word names: the start of one of their names (three letters at
    least, so that "ma" is no trade)."""
    if len(word) < TRADE_PREFIX:
        return set()
    return {trade for trade, names in TRADE_NAMES.items() if any(n.startswith(word) for n in names)}
