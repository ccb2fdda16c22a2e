"""Gunicorn settings of the pooling web process: gunicorn -c services/pooling/gunicorn.conf.py"""

from shared.gunicorn import service_config
from shared.settings import Settings

globals().update(service_config("pooling", Settings.from_env()))
