import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinxi.settings")
application = get_wsgi_application()

# Do a first request's lazy work now (jieba's dictionary, URLconf, templates, the database
# driver), once per server: under gunicorn's preload_app in the master, before the workers
# are forked (xinxi/lib/warmup.py, deploy/gunicorn.conf.py).
from xinxi.lib.warmup import warm_up  # noqa: E402

warm_up()
