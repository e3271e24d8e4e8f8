from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

from canbao.core.home import restrict_umask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canbao.settings")
restrict_umask()  # under any WSGI server too: files it writes may hold person data (ADR 0007)
application = get_wsgi_application()
