"""Gunicorn settings of the catalog web process: gunicorn -c services/catalog/gunicorn.conf.py"""

from shared.gunicorn import service_config

globals().update(service_config("catalog"))
