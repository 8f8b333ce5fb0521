import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinxi.settings")
application = get_wsgi_application()

# Load jieba's dictionary once when the server starts, not on the first request of
# each worker (search and near-duplicate detection both segment Chinese text).
import jieba  # noqa: E402

jieba.setLogLevel(60)
jieba.initialize()
