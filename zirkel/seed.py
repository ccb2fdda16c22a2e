"""Load a cooperative (the Dortmund demo by default) into an empty catalog."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.adapters.orm import Member, User
from catalog.bootstrap import build_runtime
from catalog.service_layer import commands, handlers
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from catalog.service_layer.users import create_user
from shared.auth import TokenAuthority
from shared.db import transaction
from shared.outbox import Outbox
from shared.settings import Settings
from zirkel.demo_data import (
    ADMIN_EMAIL,
    DEMO,
    DEMO_MEMBER_PASSWORD,
    DEMO_SUPPLIER_EMAIL,
    Cooperative,
)
from zirkel.demo_data import Member as DemoMember

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Seeded:
    member_ids: list[int]
    supplier_ids: list[int]


def seed(settings: Settings, cooperative: Cooperative = DEMO) -> Seeded | None:
    """Create the cooperative's suppliers, products, offers, members and open needs."""
    runtime = build_runtime(settings)
    with transaction(runtime.sessions) as session:
        if session.scalar(select(func.count()).select_from(Member)):
            log.info("the catalog has members already; not seeding")
            return None
        seeded = load(session, runtime.outbox, cooperative)
        add_users(session, seeded, cooperative, settings.admin_password)
    tokens = TokenAuthority(settings.secret_key, settings.admin_token)
    log.info(
        "seeded %s: %d members, %d suppliers, %d products, %d needs",
        cooperative.name,
        len(cooperative.members),
        len(cooperative.suppliers),
        len(cooperative.products),
        len(cooperative.needs),
    )
    log.info(
        "demo member token (%s): %s",
        cooperative.members[0].name,
        tokens.issue("member", seeded.member_ids[0]),
    )
    log.info(
        "demo supplier token (%s): %s",
        cooperative.suppliers[0].name,
        tokens.issue("supplier", seeded.supplier_ids[0]),
    )
    return seeded


def load(session: Session, outbox: Outbox, cooperative: Cooperative) -> Seeded:
    uow = SqlAlchemyUnitOfWork(session, outbox)
    suppliers = [
        handlers.register_supplier(
            commands.RegisterSupplier(s.name, s.email, s.shipping_fee, s.free_shipping_from), uow
        ).id
        for s in cooperative.suppliers
    ]
    for product in cooperative.products:
        cmd = commands.AddProduct(product.sku, product.name, product.unit, product.vat_rate)
        handlers.add_product(cmd, uow)
    for offer in cooperative.offers:
        cmd = commands.SetOffer(
            suppliers[offer.supplier_index], offer.sku, offer.pack_size, offer.tiers
        )
        handlers.set_offer(cmd, uow)
    members = [handlers.register_member(registration(m), uow).id for m in cooperative.members]
    for need in cooperative.needs:
        cmd = commands.PostNeed(
            members[need.member_index],
            need.sku,
            need.quantity,
            delivery_site=need.delivery_site,
            note=need.note,
        )
        handlers.post_need(cmd, uow)
    return Seeded(members, suppliers)


def registration(member: DemoMember) -> commands.RegisterMember:
    """The demo member's registration, with its invoice address and mandate if it has one."""
    invoice = vars(member.invoice) if member.invoice else {}
    return commands.RegisterMember(
        member.name, member.trade, member.email, member.postcode, **invoice
    )


def add_users(
    session: Session, seeded: Seeded, cooperative: Cooperative, admin_password: str
) -> None:
    """A web sign-in for every demo member (its e-mail, ``zirkel-demo``), the first
    supplier's order desk (``zirkel-demo`` too) and the admin (``ZIRKEL_ADMIN_PASSWORD``)."""
    uow = SqlAlchemyUnitOfWork(session)
    for member_id, member in zip(seeded.member_ids, cooperative.members, strict=True):
        create_user(
            commands.CreateUser(member.email, DEMO_MEMBER_PASSWORD, member_id=member_id),
            uow,
        )
    if cooperative is DEMO and seeded.supplier_ids:
        create_user(
            commands.CreateUser(
                DEMO_SUPPLIER_EMAIL,
                DEMO_MEMBER_PASSWORD,
                role="supplier",
                supplier_id=seeded.supplier_ids[0],
            ),
            uow,
        )
    if session.scalar(select(User.id).where(User.email == ADMIN_EMAIL)) is None:
        create_user(
            commands.CreateUser(ADMIN_EMAIL, admin_password, role="admin"),
            uow,
        )
