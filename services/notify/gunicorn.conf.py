"""Gunicorn settings of the notify web process: gunicorn -c services/notify/gunicorn.conf.py"""

from shared.gunicorn import service_config
from shared.settings import Settings

globals().update(service_config("notify", Settings.from_env()))
