"""Nudges from pool progress: members who asked for them hear that a product they buy is
close to its next tier, how much is missing and what everyone would save."""

from __future__ import annotations

from notify.adapters.orm_savings import Nudge, Preferences
from notify.domain.nudges import TierInReach, Wishes, due_at, should_nudge, tiers_in_reach
from notify.service_layer.messages import tell_nudge
from notify.service_layer.outgoing import Outgoing
from notify.service_layer.unit_of_work import UnitOfWork
from shared.events import PoolProgressed


def on_pool_progressed(event: PoolProgressed, uow: UnitOfWork, outgoing: Outgoing) -> None:
    """Each member who asked for it hears of a tier in reach once per product and window."""
    tiers = tiers_in_reach(event.window_id, event.products)
    if not tiers:
        return
    wishing = uow.preferences.wishing_nudges()
    if not wishing:
        return
    trades = uow.members.trades()
    for tier in tiers:
        buyers = uow.lines.buyers(tier.sku)
        buying_trades = {trades[m] for m in buyers if m in trades}
        nudged = uow.nudges.nudged(tier.window_id, tier.sku)
        for prefs in wishing:
            wishes = wishes_of(prefs)
            member = prefs.member_id
            trade_buys = trades.get(member) in buying_trades
            if should_nudge(wishes, member in buyers, trade_buys, member in nudged):
                _nudge(uow, outgoing, member, tier, wishes)


def _nudge(
    uow: UnitOfWork, outgoing: Outgoing, member_id: int, tier: TierInReach, wishes: Wishes
) -> None:
    when = due_at(wishes, outgoing.clock())
    uow.nudges.add(
        Nudge(
            member_id=member_id,
            window_id=tier.window_id,
            sku=tier.sku,
            missing=tier.missing,
            unit_price=tier.unit_price,
            next_unit_price=tier.next_unit_price,
            everyone_saves=tier.everyone_saves,
            due_at=when,
        )
    )
    tell_nudge(uow, outgoing, member_id, tier, when)


def wishes_of(prefs: Preferences) -> Wishes:
    return Wishes(prefs.nudge_bought, prefs.nudge_trade, prefs.quiet_from, prefs.quiet_until)
