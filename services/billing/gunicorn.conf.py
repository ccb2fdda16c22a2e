"""Gunicorn settings of the billing web process: gunicorn -c services/billing/gunicorn.conf.py"""

from shared.gunicorn import service_config
from shared.settings import Settings

globals().update(service_config("billing", Settings.from_env()))
