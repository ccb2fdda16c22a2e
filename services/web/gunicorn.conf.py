"""Gunicorn settings of the web service's process: gunicorn -c services/web/gunicorn.conf.py"""

from shared.gunicorn import service_config
from shared.settings import Settings

globals().update(service_config("web", Settings.from_env()))
