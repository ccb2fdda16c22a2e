"""Gunicorn settings of the pooling web process: gunicorn -c services/pooling/gunicorn.conf.py"""

from shared.gunicorn import service_config

globals().update(service_config("pooling"))
