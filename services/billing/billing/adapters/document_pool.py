"""A window's documents made over the machine's cores: a pool of processes
(``ZIRKEL_INVOICE_PROCESSES`` from 2 on), started at the first batch large enough to gain
from it and kept for the life of the process (a billing worker issues window after
window). Smaller batches, and every batch with one process, are made in the calling
process. It gains only where cores are idle: on a busy machine the documents cost the same
CPU in the pool, plus its start (bench/README.md).

The pool's processes are forked from a fresh server process (``forkserver``), never from
the worker itself, whose threads and database connections a fork would copy; the server
imports this module and what it needs once. Each process reads the invoice fonts and the
Factur-X schema once, when it starts. Numbers are taken before
and the rows written after, in the calling process's transaction: the pool only draws.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from billing.adapters.documents import facturx_schema
from billing.adapters.facturx_pdf import parsed_fonts
from billing.domain.model import Invoice
from billing.service_layer.handlers import one_after_another
from billing.service_layer.unit_of_work import Documents

LEAST = 40  # invoices from which a batch goes to the pool (below, starting it costs more)


def _ready() -> None:
    """A pool process's start: what every document needs, read once."""
    parsed_fonts()
    facturx_schema()


class DocumentPool:
    """``Billing.render``: ``documents`` of each invoice, in their order."""

    def __init__(self, processes: int, least: int = LEAST) -> None:
        self.processes, self.least = processes, least
        self.pool: ProcessPoolExecutor | None = None

    def __call__(
        self, documents: Callable[[Invoice], Documents], invoices: Sequence[Invoice]
    ) -> list[Documents]:
        if self.processes < 2 or len(invoices) < self.least:
            return one_after_another(documents, invoices)
        chunk = max(1, len(invoices) // (self.processes * 4))
        try:
            return list(self.start().map(documents, invoices, chunksize=chunk))
        except BrokenProcessPool:  # a process died: this batch fails, the next starts anew
            self.close()
            raise

    def start(self) -> ProcessPoolExecutor:
        if self.pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__])  # imported once, not per process
            self.pool = ProcessPoolExecutor(self.processes, mp_context=context, initializer=_ready)
        return self.pool

    def warm(self) -> None:
        """This process and the pool's ready (``_ready``) before a first batch."""
        _ready()
        if self.processes < 2:
            return
        pool = self.start()
        for done in [pool.submit(_ready) for _ in range(self.processes)]:
            done.result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
