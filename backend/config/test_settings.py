"""Settings for the test suite: the same settings, with no service URL leaking in from the shell
(tests start their own engines) and tasks run inline unless a test starts a real worker."""

import os
import tempfile

for _name in ("NEO4J_URI", "QDRANT_URL", "QDRANT_PATH", "CELERY_BROKER_URL", "REDIS_URL"):
    os.environ.pop(_name, None)
os.environ.setdefault("SECRET_KEY", "test-secret-key-long-enough-for-hmac-sha256")
os.environ.setdefault("QDRANT_PATH", tempfile.mkdtemp(prefix="cinema-test-qdrant-"))

from backend.config.settings import *  # noqa: E402,F403

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "10000/min", "user": "10000/min", "auth": "10000/min"},
}  # noqa: F405
