"""Issuing a window's invoices: 500 members' invoices, each with its Factur-X PDF and CII
XML, numbered and written in the one transaction that handles the window's receipt, as
billing's consumer does.

    python -m bench.invoices [--members 500] [--database sqlite|postgres] [--processes N]
                             [--cold]

Prints one JSON line: the issuing transaction's wall and CPU seconds (this process's, and
the document pool's processes'), per invoice, and the documents' sizes. The pool is
started before the transaction, as in a worker that has issued a window before
(``pool_start_seconds``); ``--cold`` starts it inside. The window: one order holding every
member's 1-3 needs of 3 products (19 % and 7 %), a fee split over them, received short on
one line.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path

import psutil
from sqlalchemy import func, select

from billing.adapters.document_pool import DocumentPool
from billing.adapters.orm import InvoiceRow
from billing.bootstrap import billing, build_runtime
from billing.domain.model import Buyer, Product, ReceivedNeed
from billing.service_layer import commands as c
from billing.service_layer import handlers
from billing.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.db import transaction
from shared.runtime import Runtime
from shared.settings import Settings

PRODUCTS = (
    Product("DISP-10L", "Dispersionsfarbe weiß, 10 l Eimer", "Eimer", Decimal("19")),
    Product("SIL-300", "Sanitärsilikon transparent, 300 ml Kartusche", "Kartusche", Decimal("19")),
    Product("SAND-25", "Quarzsand 0,1-0,5 mm, 25 kg Sack", "kg", Decimal("7")),
)
PRICES = (Decimal("38.00"), Decimal("4.20"), Decimal("0.3125"))
DAY = date(2026, 12, 7)


@contextmanager
def database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'billing.db'}"
        return
    from tests.support.servers import throwaway_database

    with throwaway_database() as url:
        yield url


def window(runtime: Runtime, members: int) -> c.RecordReceipt:
    """Members, products and the window's order on record; its receipt, to be handled."""
    needs, received = [], []
    for member_id in range(1, members + 1):
        for n in range(1 + member_id % 3):
            product, price = PRODUCTS[n], PRICES[n]
            quantity = Decimal(1 + (member_id * 7 + n) % 23)
            need = c.PlacedNeed(len(needs) + 1, member_id, product.sku, quantity, price)
            needs.append(need)
            got = quantity - 1 if n == 0 and member_id % 5 == 0 else quantity
            goods = (got * price).quantize(Decimal("0.01"))
            share = Decimal("0.37") if n == 0 else Decimal("0.00")
            received.append(
                (member_id, ReceivedNeed(need.need_id, 1, product.sku, got, price, goods, share))
            )
    with transaction(runtime.sessions) as session:
        uow = SqlAlchemyUnitOfWork(session, runtime.outbox)
        for member_id in range(1, members + 1):
            vat_id = "DE136695976" if member_id % 2 else None
            uow.members.save(
                Buyer(
                    member_id,
                    f"Handwerksbetrieb {member_id}",
                    f"Hauptstraße {member_id}",
                    "44135",
                    "Dortmund",
                    vat_id=vat_id,
                    language="en" if member_id % 10 == 0 else "de",
                )
            )
        for product in PRODUCTS:
            uow.products.save(product)
        handlers.record_order(c.RecordOrder(1, 1, 1, tuple(needs)), uow)
    return c.RecordReceipt(1, 1, 0, DAY, tuple(received), ())


def pool_seconds(pool: DocumentPool) -> float:
    """The CPU seconds the pool's processes have used so far."""
    pids = list(pool.pool._processes) if pool.pool is not None else []
    return sum(sum(psutil.Process(pid).cpu_times()[:2]) for pid in pids)


def run(
    members: int, kind: str, warm: bool = True, processes: int | None = None
) -> dict[str, object]:
    with database(kind) as url, tempfile.TemporaryDirectory() as var_dir:
        settings = Settings.from_env(
            {"ZIRKEL_SECRET_KEY": "b" * 32, "ZIRKEL_VAR_DIR": var_dir, "ZIRKEL_DATABASE_URL": url}
        )
        runtime = build_runtime(settings)
        runtime.migrate()
        receipt = window(runtime, members)
        issuing = billing(settings, lambda: DAY)
        pool: DocumentPool = issuing.render  # type: ignore[assignment]
        pool.processes = processes or pool.processes
        ready = time.perf_counter()
        if warm:  # as in a running worker, whose pool a first window started
            pool.warm()
        ready = time.perf_counter() - ready
        wall, cpu, pool_cpu = time.perf_counter(), time.process_time(), pool_seconds(pool)
        with transaction(runtime.sessions) as session:
            uow = SqlAlchemyUnitOfWork(session, runtime.outbox)
            handlers.record_receipt(receipt, uow, issuing)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        pool_cpu = pool_seconds(pool) - pool_cpu
        with runtime.sessions() as session:
            count, pdf, xml = session.execute(
                select(
                    func.count(),
                    func.avg(func.length(InvoiceRow.pdf)),
                    func.avg(func.length(InvoiceRow.xml)),
                )
            ).one()
        runtime.engine.dispose()
        pool.close()
    return {
        "database": kind,
        "members": members,
        "invoices": count,
        "processes": pool.processes,
        "pool_start_seconds": round(ready, 2) if warm else None,
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "pool_cpu_seconds": round(pool_cpu, 2),
        "ms_per_invoice": round(wall * 1000 / count, 1),
        "pdf_kb": round(float(pdf) / 1024, 1),
        "xml_kb": round(float(xml) / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--processes", type=int, help="the pool's size (1: no pool)")
    parser.add_argument("--cold", action="store_true", help="the pool started by the window")
    args = parser.parse_args()
    print(json.dumps(run(args.members, args.database, not args.cold, args.processes)))


if __name__ == "__main__":
    main()
