"""The e-mail a member gets when an order with its needs is placed, in German or English.

Plain text: per line the quantity, the pooled unit price, the goods and the
shipping share paid; then the pool window's result (alone, paid, saved).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from notify.domain.amounts import LANGUAGES, euro, quantity, unit_price


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


_TEXTS = {
    "de": {
        "subject": "Sammelbestellung {order}: Sie zahlen {paid}, gespart {saved}",
        "greeting": "Guten Tag {name},",
        "greeting_anonymous": "Guten Tag,",
        "intro": "Ihr Bedarf ist in der Sammelbestellung {order} (Poolrunde {window}) bestellt:",
        "line": "{sku}: {quantity} zum Sammelpreis von {unit_price} je Einheit",
        "paid": "  Ware {goods} + Versandanteil {shipping} = bezahlt {paid}",
        "total": "Für diese Bestellung zahlen Sie {paid}.",
        "window": "Ihre Poolrunde {window} insgesamt:",
        "baseline": "  allein hätten Sie bezahlt:",
        "window_paid": "  im Pool bezahlt:",
        "saved": "  gespart:",
        "closing": "Ihr Zirkel",
        "unsubscribe": "Keine E-Mails mehr von Zirkel? Mit einem Klick abmelden: {url}",
    },
    "en": {
        "subject": "Pooled order {order}: you pay {paid}, you saved {saved}",
        "greeting": "Hello {name},",
        "greeting_anonymous": "Hello,",
        "intro": "Your needs are in pooled order {order} (pool window {window}):",
        "line": "{sku}: {quantity} at the pooled price of {unit_price} per unit",
        "paid": "  goods {goods} + shipping share {shipping} = paid {paid}",
        "total": "For this order you pay {paid}.",
        "window": "Your pool window {window} in total:",
        "baseline": "  alone you would have paid:",
        "window_paid": "  paid in the pool:",
        "saved": "  saved:",
        "closing": "Your Zirkel",
        "unsubscribe": "No more e-mails from Zirkel? Unsubscribe with one click: {url}",
    },
}


def order_placed_mail(
    language: str,
    member_name: str | None,
    order: Mapping[str, int],
    lines: Sequence[Mapping[str, Decimal | str]],
    window: Mapping[str, Decimal],
    unsubscribe_url: str | None = None,
) -> Mail:
    """The member's e-mail about one order: ``lines`` are its allocations with the
    order line's ``sku`` and ``unit_price``; ``window`` its baseline, paid and saved."""
    lang = language if language in LANGUAGES else "de"
    t = _TEXTS[lang]
    paid = sum((Decimal(line["paid"]) for line in lines), Decimal("0.00"))
    ids = {"order": order["order_id"], "window": order["window_id"]}
    body = [
        t["greeting"].format(name=member_name) if member_name else t["greeting_anonymous"],
        "",
        t["intro"].format(**ids),
        "",
    ]
    for line in lines:
        body.append(
            t["line"].format(
                sku=line["sku"],
                quantity=quantity(line["quantity"], lang),
                unit_price=unit_price(line["unit_price"], lang),
            )
        )
        body.append(
            t["paid"].format(
                goods=euro(line["goods"], lang),
                shipping=euro(line["shipping_share"], lang),
                paid=euro(line["paid"], lang),
            )
        )
    body += ["", t["total"].format(paid=euro(paid, lang)), "", t["window"].format(**ids)]
    labels = (("baseline", "baseline"), ("window_paid", "paid"), ("saved", "saved"))
    width = max(len(t[label]) for label, _ in labels)
    for label, key in labels:
        body.append(f"{t[label]:<{width}} {euro(window[key], lang):>14}")
    body += ["", t["closing"], ""]
    if unsubscribe_url:
        body += [t["unsubscribe"].format(url=unsubscribe_url), ""]
    subject = t["subject"].format(
        order=order["order_id"], paid=euro(paid, lang), saved=euro(window["saved"], lang)
    )
    return Mail(subject=subject, body="\n".join(body))
