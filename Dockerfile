# Earshot production image: gunicorn serving Django, static files through whitenoise.
# The same image runs the web, migrate, worker and beat services of docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    EARSHOT_VAR_DIR=/var/lib/earshot

# Unprivileged runtime user with a fixed uid/gid, so volume ownership is predictable.
RUN groupadd --system --gid 10001 earshot \
 && useradd --system --uid 10001 --gid earshot --home-dir /nonexistent --no-create-home \
        --shell /usr/sbin/nologin earshot

# Dependencies only: pyproject.toml declares `packages = []`, so `pip install .` installs the
# pinned dependencies and an empty distribution. Built apart from /app so no build debris
# lands next to the source, and cached until pyproject.toml changes.
COPY pyproject.toml /tmp/build/pyproject.toml
RUN pip install /tmp/build && rm -rf /tmp/build

# Source; .dockerignore keeps local state (.env, .venv, .git, var/) out of the image.
WORKDIR /app
COPY . .

# Writable state lives under EARSHOT_VAR_DIR; the audio directory is the mount point of the
# shared audio volume (a fresh named volume takes over this ownership and mode). 0755 lets the
# nginx container, which mounts the volume read-only, read files for X-Accel-Redirect.
RUN install -d -o earshot -g earshot -m 0755 /var/lib/earshot /var/lib/earshot/audio
# The key store's mount point (the keys volume, docs/keys.md): only Earshot's user may enter it.
RUN install -d -o earshot -g earshot -m 0700 /var/lib/earshot/keys

# Static files are collected at build time into /var/lib/earshot/static, owned by root and
# read-only for the runtime user. The secret key here is a build-only dummy given to this
# step alone (never ENV): at runtime the settings refuse to start without a real one.
RUN EARSHOT_SECRET_KEY=build-only-dummy-not-used-at-runtime EARSHOT_DEBUG=0 \
    EARSHOT_IDENTIFIER_KEY=build-only-dummy-not-used-at-runtime \
    python manage.py collectstatic --noinput

USER earshot

EXPOSE 8000

CMD ["gunicorn", "earshot.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
