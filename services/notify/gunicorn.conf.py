"""Gunicorn settings of the notify web process: gunicorn -c services/notify/gunicorn.conf.py"""

from shared.gunicorn import service_config

globals().update(service_config("notify"))
