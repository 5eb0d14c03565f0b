# plenary: one uvicorn process on 0.0.0.0:8000; migrations are applied at start.
FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PLENARY_DATABASE_URL=sqlite:////data/plenary.db

RUN groupadd --system plenary && useradd --system --gid plenary --home-dir /srv/plenary plenary \
    && mkdir -p /data /srv/plenary && chown plenary:plenary /data

WORKDIR /srv/plenary
# Dependencies first, from pyproject.toml, so code edits do not reinstall them.
COPY pyproject.toml README.md constraints.txt ./
RUN mkdir app && touch app/__init__.py && pip install -c constraints.txt . \
    && pip uninstall -y plenary && rm -rf app build
# The migrations live at the top (migrations/); setup.py copies them into the package
# (app/migrations) as it builds it.
COPY setup.py MANIFEST.in alembic.ini ./
COPY app ./app
COPY migrations ./migrations
RUN pip install --no-deps . && rm -rf build

USER plenary
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"
CMD ["plenary", "serve", "--host", "0.0.0.0", "--port", "8000"]
