"""A member books what arrived at its own delivery site (rule 10), on a phone.

The page lists the member's sites of a confirmed order; for one site, each line it has a
need of there with the site's share filled in. Pooling books it as the member (its own
lines and sites only) and says when the sites' parts made the order's whole receipt.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from web.pages.callers import order_names
from web.pages.needs import member_required
from web.pages.receipt_forms import ReceiptForm
from web.pages.remote import answer, fetch, send, show_errors_as_pages

HEAD_OFFICE = "Firmensitz"  # pooling's name of a member's own address (a need without site)
site_pages = Blueprint("site_receipts", __name__)
show_errors_as_pages(site_pages)


@site_pages.get("/orders/<id:order_id>/site-receipt")
@member_required
def site_receipt(order_id: int) -> ResponseReturnValue:
    order = _order(order_id)
    site = request.args.get("site", "")
    form = ReceiptForm(formdata=None)
    form.fill(_site_lines(order, site), "share")
    return _page(order, site, form)


@site_pages.post("/orders/<id:order_id>/site-receipt")
@member_required
def book_site_receipt(order_id: int) -> ResponseReturnValue:
    order = _order(order_id)
    site = request.args.get("site", "")
    lines = _site_lines(order, site)
    form = ReceiptForm()
    if not form.validate_on_submit() or not lines:
        abort(400)
    body = form.receipt(lines)
    if body is None:
        return _page(order, site, form, status=422)
    booking = {"delivery_site": site, "lines": body["lines"]}
    sent = send("pooling", f"/orders/{order_id}/site-receipt", "member", booking, 30.0, _me())
    if sent is None:
        problem = _("Pooling does not answer, so nothing was booked. Please try again soon.")
        return _page(order, site, form, problem=problem, status=503)
    status, shown = sent
    if status == 201:
        flash(_("What arrived at %(site)s is booked.", site=site), "ok")
        return redirect(url_for("orders.order_detail", order_id=order_id))
    if status == 409:
        problem = _("This site's delivery or the order's receipt is booked already.")
        return _page(_order(order_id), site, form, problem=problem, status=409)
    message = shown.get("error") if isinstance(shown, dict) else None
    return _page(order, site, form, problem=_(message or "That did not work"), status=422)


def site_shares(order: dict[str, Any]) -> dict[str, dict[str, Decimal]]:
    """The member's sites of the order (as pooling names them) and their share of each
    line the supplier delivers (pooling shows a member only its own allocations)."""
    sites: dict[str, dict[str, Decimal]] = {}
    for line in order["lines"]:
        if line.get("declined"):
            continue
        for a in line["allocations"]:
            share = sites.setdefault(a.get("delivery_site") or HEAD_OFFICE, {})
            share[line["sku"]] = share.get(line["sku"], Decimal(0)) + Decimal(a["quantity"])
    return sites


def _site_lines(order: dict[str, Any], site: str) -> list[dict[str, Any]]:
    share = site_shares(order).get(site, {})
    return [
        line | {"share": format(share[line["sku"]], "f")}
        for line in order["lines"]
        if line["sku"] in share
    ]


def _me() -> int:
    return current_user.member_id  # type: ignore[no-any-return]


def _order(order_id: int) -> dict[str, Any]:
    found = answer("pooling", f"/orders/{order_id}", "member", _me())
    if found is None:
        abort(503)
    if found.status_code != 200:
        abort(404)  # another member's order is as good as absent
    return found.json()  # type: ignore[no-any-return]


def _page(
    order: dict[str, Any], site: str, form: ReceiptForm, status: int = 200, **context: Any
) -> ResponseReturnValue:
    lines = _site_lines(order, site)
    if not lines:
        abort(404)
    for entry, line in zip(form.lines, lines, strict=False):
        entry.form.received_quantity.label.text = _("Arrived (%(sku)s)", sku=line["sku"])
    booked = fetch("pooling", f"/orders/{order['id']}/site-receipts", "member", _me()) or []
    done = [part for part in booked if part["delivery_site"] == site]
    return render_template(
        "site_receipt.html",
        order=order,
        site=site,
        lines=lines,
        form=form,
        booked=done[0] if done else None,
        products=order_names(order)["products"],
        **context,
    ), status
