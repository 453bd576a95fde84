#!/bin/sh
# The official postgres image's environment contract (https://hub.docker.com/_/postgres): POSTGRES_USER,
# POSTGRES_PASSWORD, POSTGRES_DB (each also as *_FILE), POSTGRES_HOST_AUTH_METHOD, POSTGRES_INITDB_ARGS
# and PGDATA. There is no psql here, so the database is created in single-user mode.
set -eu

for name in POSTGRES_USER POSTGRES_PASSWORD POSTGRES_DB; do
  eval "file=\${${name}_FILE:-}"
  if [ -n "$file" ]; then eval "$name=\$(cat \"\$file\")"; fi
done
POSTGRES_USER=${POSTGRES_USER:-postgres}
POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-}
POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}
auth_method=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
export PGDATA=${PGDATA:-/var/lib/postgresql/data}

# `docker run image -c max_connections=200` means `postgres -c max_connections=200`; other commands run as given.
if [ "${1#-}" != "${1:-}" ]; then set -- postgres "$@"; fi
if [ "${1:-}" != postgres ]; then exec "$@"; fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$auth_method" != trust ]; then
    cat >&2 <<'MESSAGE'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".
       (Or POSTGRES_HOST_AUTH_METHOD=trust to allow all connections without a password.)
MESSAGE
    exit 1
  fi
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  password_file=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$password_file"
  password_option=--pwfile=$password_file
  if [ -z "$POSTGRES_PASSWORD" ]; then password_option=; fi
  # --no-sync: a test image, where a faster start matters more than surviving a power cut during initdb.
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of options, as in the official image.
  initdb --username="$POSTGRES_USER" $password_option --encoding=UTF8 --locale=C --no-sync ${POSTGRES_INITDB_ARGS:-} >/dev/null
  rm -f "$password_file"
  cat >> "$PGDATA/postgresql.conf" <<CONF
listen_addresses = '*'
unix_socket_directories = '/var/run/postgresql'
CONF
  printf '\nhost all all all %s\n' "$auth_method" >> "$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    quoted_db=$(printf '%s' "$POSTGRES_DB" | sed 's/"/""/g')
    # Single-user mode runs as the bootstrap superuser, i.e. POSTGRES_USER, which then owns the database.
    output=$(printf 'CREATE DATABASE "%s";\n' "$quoted_db" | postgres --single -D "$PGDATA" postgres 2>&1)
    if printf '%s' "$output" | grep -qE 'ERROR|FATAL'; then
      printf 'creating database %s failed:\n%s\n' "$POSTGRES_DB" "$output" >&2
      exit 1
    fi
  fi
  echo "PostgreSQL init process complete; ready for start up."
fi

exec "$@"
