"""A private RabbitMQ node and a private PostgreSQL cluster that a test may crash and restart.

The machine's servers (RabbitMQ on 5672, PostgreSQL on 5432) are shared by every test run
and are never restarted. A test that must restart them starts its own from Debian's
binaries instead: each with its own name, its own ports and its own data and logs under a
temporary directory, stopped and removed when the test ends, whatever happened. Without
the binaries the test is skipped (in CI it fails).

``restart()`` crashes a server (``kill -9`` of RabbitMQ's Erlang VM, PostgreSQL's
``immediate`` shutdown, which recovers from its write-ahead log on start) and starts it
again on the same data; it returns how many seconds the server was down. The ports are
picked below the kernel's range for outgoing connections, so no client can take one while
its server is down.
"""

from tests.support.private_servers.postgres import PrivatePostgres
from tests.support.private_servers.rabbitmq import PrivateRabbitMQ

__all__ = ["PrivatePostgres", "PrivateRabbitMQ"]
