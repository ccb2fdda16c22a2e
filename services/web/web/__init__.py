"""Zirkel's web service: every page, the supplier portal and the office's pages, with
sign-ins and sessions. It keeps no database: it asks catalog, pooling, notify and billing
through the clients its bootstrap builds."""
