"""Product search in the database, folded as ``catalog.domain.search`` folds the term, the
same on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, func, or_, select

from catalog.adapters.orm import Member, Need, Product
from catalog.domain.search import FOLDED, search_words, trades_named


def folded(column: ColumnElement[str]) -> ColumnElement[str]:
    """The column's text as ``fold`` writes it: umlauts and ß written out, lower case."""
    expression = column
    for letter, written_out in FOLDED:
        expression = func.replace(expression, letter, written_out)
    return func.lower(expression)


def escape_like(word: str) -> str:
    """A typed ``%`` or ``_`` is that character, not a wildcard."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def products_matching(term: str) -> Select[tuple[Product]]:
    """The products every word of ``term`` finds (by SKU, name or trade), by SKU."""
    query = select(Product).order_by(Product.sku)
    for word in search_words(term):
        pattern = f"%{escape_like(word)}%"
        found = or_(
            folded(Product.sku).like(pattern, escape="\\"),
            folded(Product.name).like(pattern, escape="\\"),
        )
        if trades := trades_named(word):
            asked_for = (
                select(Need.product_id)
                .join(Member, Member.id == Need.member_id)
                .where(Member.trade.in_(sorted(trades)))
            )
            found = or_(found, Product.id.in_(asked_for))
        query = query.where(found)
    return query
