"""Every office list the same way: search, filters, sorting, pages and a CSV file.

A list is described once, as a ``Listing`` of its columns and filters; its view hands
it the rows it has (from catalog, pooling, the mail catcher, ...) and gets back either
the page to show or the CSV file of the same rows. The query arguments are the same on
every list:

- ``q``: text to look for, case-insensitively, in the searchable columns;
- one argument per filter (``status=inactive``), an empty value meaning "all";
- ``sort`` (a column's key) and ``dir`` (``asc`` or ``desc``);
- ``page`` (from 1), ``PER_PAGE`` rows to a page;
- ``format=csv``: every row that matches, sorted, as a CSV file for German Excel
  (semicolons, decimal commas, UTF-8 with a BOM, text cells neutralised against
  formulas: ``shared/csv_files.py``).

What a page shows of a row stays its template's; a column gives the value it is
sorted, searched and exported by. ``Listing.answer`` searches, sorts and pages rows the
view has in full; ``Listing.fetched`` leaves that to the service behind a list that
grows without bound (the needs, the invoices), which answers one page and how many it found.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from flask import Response, g, request, url_for
from flask_babel import LazyString

from shared.csv_files import GERMAN_EXCEL, Cell, csv_text
from shared.fields import ascii_int

PER_PAGE = 50
EXPORT_PAGE = 500  # rows asked for at once when a service pages the list itself
MAX_EXPORT = 20_000
Label = str | LazyString


@dataclass(frozen=True)
class Column:
    """One column: its key in ``?sort=``, its heading, and the value of a row in it (what
    it is sorted and searched by, and written to the CSV file unless ``exported`` says
    otherwise, e.g. a moment as local date and time)."""

    key: str
    label: Label
    value: Callable[[Any], Cell]
    searched: bool = False
    exported: Callable[[Any], Cell] | None = None

    def cell(self, row: Any) -> Cell:
        return (self.exported or self.value)(row)


@dataclass(frozen=True)
class Filter:
    """A choice above the list (``?<name>=<value>``): rows whose ``value`` is the chosen one."""

    name: str
    label: Label
    choices: Callable[[], Sequence[tuple[str, Label]]]
    value: Callable[[Any], str]

    def options(self) -> Sequence[tuple[str, Label]]:
        """The choices, asked once a request (some come from another service)."""
        asked: dict[int, Sequence[tuple[str, Label]]] = g.setdefault("list_choices", {})
        if id(self) not in asked:
            asked[id(self)] = self.choices()
        return asked[id(self)]


@dataclass(frozen=True)
class Listing:
    """A list's columns, its filters, the sort it starts with and its CSV file's name."""

    name: Label
    columns: tuple[Column, ...]
    filters: tuple[Filter, ...] = ()
    sort: str = ""
    descending: bool = False
    per_page: int = PER_PAGE

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def ask(self, args: Mapping[str, str] | None = None) -> Query:
        """What ``args`` (the request's query arguments unless given) ask of this list."""
        args = request.args if args is None else args
        sort = args.get("sort", "")
        if self.column(sort) is None:
            sort, descending = self.sort or self.columns[0].key, self.descending
        else:
            descending = args.get("dir") == "desc"
        chosen = {f.name: args.get(f.name, "") for f in self.filters}
        chosen = {n: v for n, v in chosen.items() if v in self._values(n)}
        return Query(args.get("q", "").strip()[:200], chosen, sort, descending, _page(args))

    def _values(self, name: str) -> set[str]:
        found = next(f for f in self.filters if f.name == name)
        return {value for value, _label in found.options()}

    def matching(self, rows: Iterable[Any], query: Query) -> list[Any]:
        """The rows the query finds, in its order."""
        found = [row for row in rows if self._finds(row, query)]
        column = self.column(query.sort)
        assert column is not None
        keyed = [(_order(column.value(row)), row) for row in found]
        filled = [k for k in keyed if k[0] is not None]
        filled.sort(key=lambda k: k[0], reverse=query.descending)
        return [row for _key, row in filled] + [row for key, row in keyed if key is None]

    def _finds(self, row: Any, query: Query) -> bool:
        for chosen in self.filters:
            wanted = query.filters.get(chosen.name)
            if wanted and chosen.value(row) != wanted:
                return False
        if not query.text:
            return True
        needle = query.text.casefold()
        searched = (c.value(row) for c in self.columns if c.searched)
        return any(needle in _text(value).casefold() for value in searched)

    def page(self, rows: Iterable[Any]) -> ListPage:
        """This request's page of the rows."""
        query = self.ask()
        found = self.matching(rows, query)
        pages = max(1, math.ceil(len(found) / self.per_page))
        number = min(query.page, pages)
        shown = found[(number - 1) * self.per_page : number * self.per_page]
        return ListPage(self, query, shown, len(found), number, pages)

    def csv(self, rows: Iterable[Any]) -> Response:
        """Every row this request's query finds, sorted, as a CSV file for German Excel."""
        return self._csv(self.matching(rows, self.ask()))

    def fetched(self, fetch: Fetch) -> Response | ListPage:
        """A list the service behind it searches, sorts and pages (``fetch(query, page,
        per_page)``: that page's rows and how many are found in all): the page, or for
        ``?format=csv`` every row found (up to ``MAX_EXPORT``), page by page."""
        query = self.ask()
        if wants_csv():
            return self._csv(_every_page(fetch, query))
        rows, total = fetch(query, query.page, self.per_page)
        pages = max(1, math.ceil(total / self.per_page))
        number = min(query.page, pages)
        if number != query.page:  # past the end: the last page
            rows, total = fetch(query, number, self.per_page)
        return ListPage(self, query, rows, total, number, pages)

    def _csv(self, found: list[Any]) -> Response:
        header = [str(c.label) for c in self.columns]
        body = csv_text(
            header, ([c.cell(row) for c in self.columns] for row in found), GERMAN_EXCEL
        )
        return Response(
            body.encode("utf-8"),
            mimetype="text/csv",
            headers={"Content-Disposition": _attachment(f"{self.name}.csv")},
        )

    def answer(self, rows: Iterable[Any]) -> Response | ListPage:
        """The CSV file when ``?format=csv`` asks for it, else the page."""
        return self.csv(rows) if wants_csv() else self.page(rows)


def wants_csv() -> bool:
    return request.args.get("format") == "csv"


@dataclass(frozen=True)
class Query:
    text: str
    filters: dict[str, str]
    sort: str
    descending: bool
    page: int


@dataclass
class ListPage:
    """One page of a list, and the links from it: to other pages, sorts and the CSV."""

    listing: Listing
    query: Query
    rows: list[Any]
    total: int
    number: int
    pages: int

    def __iter__(self) -> Any:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def _args(self, **changes: Any) -> dict[str, Any]:
        query = self.query
        args: dict[str, Any] = {"q": query.text, **query.filters}
        if self.custom_sort:
            args |= {"sort": query.sort, "dir": "desc" if query.descending else "asc"}
        args |= {"page": self.number} | changes
        view_args = request.view_args or {}
        return {k: v for k, v in {**view_args, **args}.items() if v not in ("", None, 1)}

    def url(self, **changes: Any) -> str:
        return url_for(request.endpoint or "", **self._args(**changes))

    def page_url(self, number: int) -> str:
        return self.url(page=number)

    def sort_url(self, key: str) -> str:
        """The list sorted by ``key``: ascending, or the other way when it is so already."""
        descending = self.query.sort == key and not self.query.descending
        return self.url(sort=key, dir="desc" if descending else "asc", page=None)

    def sorted_by(self, key: str) -> str:
        """``aria-sort`` of a column: ascending, descending or none."""
        if self.query.sort != key:
            return "none"
        return "descending" if self.query.descending else "ascending"

    def base_url(self) -> str:
        """The list as it starts: no search, no filter, its first sort (a GET form's action)."""
        return url_for(request.endpoint or "", **(request.view_args or {}))

    def csv_url(self) -> str:
        return self.url(format="csv", page=None)

    @property
    def custom_sort(self) -> bool:
        listing = self.listing
        first = listing.sort or listing.columns[0].key
        return self.query.sort != first or self.query.descending != listing.descending

    @property
    def filters(self) -> list[tuple[Filter, str]]:
        return [(f, self.query.filters.get(f.name, "")) for f in self.listing.filters]

    @property
    def searching(self) -> bool:
        return bool(self.query.text or self.query.filters)


Fetch = Callable[["Query", int, int], tuple[list[Any], int]]


def _every_page(fetch: Fetch, query: Query) -> list[Any]:
    found: list[Any] = []
    for number in range(1, MAX_EXPORT // EXPORT_PAGE + 1):
        rows, total = fetch(query, number, EXPORT_PAGE)
        found += rows
        if not rows or len(found) >= total:
            break
    return found


def _attachment(filename: str) -> str:
    """A download's header, its name readable in every browser (RFC 6266)."""
    plain = filename.encode("ascii", "replace").decode().replace('"', "")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"


def _page(args: Mapping[str, str]) -> int:
    try:
        return max(1, ascii_int(args.get("page", "1")))
    except ValueError:
        return 1


def _order(value: Cell) -> tuple[int, Any] | None:
    """A row's sort key in a column: None for an empty cell (those come last either way);
    text compared without regard to case."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return (1, value.casefold())
    if isinstance(value, datetime):
        return (0, value.timestamp())
    if isinstance(value, date):
        return (0, value.toordinal())
    return (0, value)


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
