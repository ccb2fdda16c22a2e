"""Nudges from pool progress: members who asked for them hear that a product they buy is
close to its next tier, how much is missing and what everyone would save."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from notify.adapters.orm import MemberEntry
from notify.adapters.orm_savings import Nudge, Preferences, SavingsLine
from notify.domain.nudges import TierInReach, Wishes, due_at, should_nudge, tiers_in_reach
from notify.service_layer.messages import tell_nudge
from notify.service_layer.outgoing import Outgoing
from shared.events import PoolProgressed


def on_pool_progressed(session: Session, event: PoolProgressed, outgoing: Outgoing) -> None:
    tiers = tiers_in_reach(event.window_id, event.products)
    if not tiers:
        return
    wishing = session.scalars(
        select(Preferences).where(or_(Preferences.nudge_bought, Preferences.nudge_trade))
    ).all()
    if not wishing:
        return
    trades = dict(session.execute(select(MemberEntry.member_id, MemberEntry.trade)).all())
    for tier in tiers:
        buyers = set(
            session.scalars(select(SavingsLine.member_id).where(SavingsLine.sku == tier.sku))
        )
        buying_trades = {trades[m] for m in buyers if m in trades}
        nudged = set(
            session.scalars(
                select(Nudge.member_id).where(
                    Nudge.window_id == tier.window_id, Nudge.sku == tier.sku
                )
            )
        )
        for prefs in wishing:
            wishes = wishes_of(prefs)
            member = prefs.member_id
            trade_buys = trades.get(member) in buying_trades
            if should_nudge(wishes, member in buyers, trade_buys, member in nudged):
                _nudge(session, outgoing, member, tier, wishes)


def _nudge(
    session: Session, outgoing: Outgoing, member_id: int, tier: TierInReach, wishes: Wishes
) -> None:
    when = due_at(wishes, outgoing.clock())
    session.add(
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
    tell_nudge(session, outgoing, member_id, tier, when)


def wishes_of(prefs: Preferences) -> Wishes:
    return Wishes(prefs.nudge_bought, prefs.nudge_trade, prefs.quiet_from, prefs.quiet_until)
