"""Gunicorn settings of the catalog web process: gunicorn -c services/catalog/gunicorn.conf.py"""

from shared.gunicorn import service_config
from shared.settings import Settings

globals().update(service_config("catalog", Settings.from_env()))
