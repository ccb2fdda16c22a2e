"""The worked example's cooperative on the full stack, its pool closed into one order, with
a sign-in for a member, supplier A's desk and the office; the main page of each."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.bootstrap import build_runtime
from catalog.service_layer import commands
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from catalog.service_layer.users import create_user
from shared.db import transaction
from shared.settings import Settings
from tests.browser.support import sign_in as signed_in
from tests.browser.test_supplier_flow import DESK, PASSWORD, _closed_order
from tests.support.stack import Stack
from zirkel.demo_data import WORKED_EXAMPLE

MEMBER, OFFICE = WORKED_EXAMPLE.members[0].email, "buero@zirkel.example"


@dataclass(frozen=True)
class Cooperative:
    url: str
    order_id: int

    def main_pages(self) -> dict[str, dict[str, str]]:
        """By role: who signs in, then each main page's name and address."""
        return {
            MEMBER: {
                "pool": "/pool",
                "need-form": "/needs/new",
                "my-needs": "/needs",
                "my-orders": "/orders",
            },
            DESK: {
                "supplier-orders": "/supplier/orders",
                "supplier-order": f"/supplier/orders/{self.order_id}",
                "price-list": "/supplier/price-list",
            },
            OFFICE: {
                "office-overview": "/admin",
                "office-pool": "/admin/pool",
                "office-orders": "/admin/orders",
                "office-members": "/admin/members",
            },
        }


def closed_cooperative(stack: Stack) -> Cooperative:
    order_id = _closed_order(stack)
    runtime = build_runtime(Settings.from_env(stack.env))
    with transaction(runtime.sessions) as db:
        create_user(commands.CreateUser(MEMBER, PASSWORD, member_id=1), SqlAlchemyUnitOfWork(db))
        create_user(commands.CreateUser(OFFICE, PASSWORD, role="admin"), SqlAlchemyUnitOfWork(db))
    runtime.engine.dispose()
    return Cooperative(stack.url("web"), order_id)


def sign_in(page, url: str, email: str) -> None:  # type: ignore[no-untyped-def]
    signed_in(page, url, email, PASSWORD)
