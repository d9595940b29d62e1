#!/usr/bin/env bash
# Builds the stand-in base images the container test runs the stack on, where no container registry
# is reachable: Debian bookworm (debootstrap --variant=minbase, from Debian's packages) plus
#   node        Node from the `node` devDependency (node_modules) and npm 11 (npm pack), user `node`;
#               it trusts this machine's certificate authorities (the Dockerfile's `npm ci` goes
#               through whatever TLS proxy the machine's own npm goes through)
#   postgres    postgresql-15; its entrypoint creates the cluster, user and database from POSTGRES_USER,
#               POSTGRES_PASSWORD, POSTGRES_DB on an empty PGDATA, as the official image's does
#   redis       redis-server run as `redis` in /data, protected mode off, as the official image's
#   prometheus  Debian's prometheus (and wget for the health check), /bin/prometheus as entrypoint
# Each is tagged localhost/notesbot-standin/<name>:<version> and labelled with a hash of its recipe
# (packages, setup function, inputs); an image whose label matches is kept (the cache between runs).
# Prints NAME=image lines (NODE_IMAGE=…) for docker-compose's variables on stdout; progress on stderr.
# Runs as root (debootstrap, chroot, rootful podman). Nothing here runs in a container.
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { printf '[standin] %s\n' "$*" >&2; }

MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
CACHE="${STANDIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/notesbot-standin}"
# The `node` devDependency: its package.json is in the lockfile, and its install script leaves the binary in bin/.
NODE_DIR=node_modules/node
NODE_VERSION=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$NODE_DIR/package.json")
[ -x "$NODE_DIR/bin/node" ] && [ -n "$NODE_VERSION" ] || {
  log "no Node binary in $NODE_DIR: run npm ci first"
  exit 1
}
mkdir -p "$CACHE"

# npm is not part of the `node` package: the npm registry's own tarball, fetched once.
NPM_TGZ=$(find "$CACHE" -maxdepth 1 -name 'npm-11.*.tgz' | sort -V | tail -n 1)
if [ -z "$NPM_TGZ" ]; then
  log "npm pack npm@11"
  NPM_TGZ="$CACHE/$(cd "$CACHE" && npm pack --silent npm@11 | tail -n 1)"
fi

# The machine's CA bundle (Debian's ca-certificates, with any local authority added to it).
CA_BUNDLE="${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}"
[ -f "$CA_BUNDLE" ] || CA_BUNDLE=/dev/null

LABEL=notesbot.standin.recipe

declare -A PACKAGES=([node]="" [postgres]=postgresql-15 [redis]=redis-server [prometheus]="prometheus,wget")
declare -A TAGS=(
  [node]="localhost/notesbot-standin/node:$NODE_VERSION-bookworm-slim"
  [postgres]=localhost/notesbot-standin/postgres:15-bookworm
  [redis]=localhost/notesbot-standin/redis:7-bookworm
  [prometheus]=localhost/notesbot-standin/prometheus:2-bookworm
)
declare -A VARIABLES=([node]=NODE_IMAGE [postgres]=POSTGRES_IMAGE [redis]=REDIS_IMAGE [prometheus]=PROMETHEUS_IMAGE)

# ---- what each image adds to the Debian tree, and its image configuration ------------------------

setup_node() {
  local root=$1
  install -m 0755 "$NODE_DIR/bin/node" "$root/usr/local/bin/node"
  mkdir -p "$root/usr/local/lib/node_modules/npm"
  tar -xzf "$NPM_TGZ" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  chroot "$root" groupadd --gid 1000 node
  chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  mkdir -p "$root/etc/ssl/certs"
  cp "$CA_BUNDLE" "$root/etc/ssl/certs/ca-certificates.crt"
  CHANGES=(
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt'
    --change 'CMD ["node"]'
  )
}

setup_postgres() {
  local root=$1
  # Debian's package made a cluster of its own; the entrypoint makes the one the image promises.
  rm -rf "$root/var/lib/postgresql/15" "$root/etc/postgresql/15"
  mkdir -p "$root/var/lib/postgresql/data" "$root/var/run/postgresql"
  chroot "$root" chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
  chmod 0700 "$root/var/lib/postgresql/data"
  cat >"$root/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
# Stand-in for the official postgres image's entrypoint: on an empty PGDATA, create the cluster with
# POSTGRES_USER (default postgres) and POSTGRES_PASSWORD, then POSTGRES_DB (default: the user's name);
# accept password (scram-sha-256) connections from anywhere; run postgres as the postgres user.
set -eu
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 0700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
user="${POSTGRES_USER:-postgres}"
db="${POSTGRES_DB:-$user}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 -D "$PGDATA" >/dev/null
  rm -f "$pwfile"
  printf "listen_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
  printf 'host all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
  if [ "$db" != postgres ]; then
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
    psql -v ON_ERROR_STOP=1 --username="$user" --dbname=postgres -q \
      -c "CREATE DATABASE \"$db\"" >/dev/null
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  fi
  echo "stand-in postgres: created user $user and database $db"
fi
exec "$@"
EOF
  chmod 0755 "$root/usr/local/bin/docker-entrypoint.sh"
  CHANGES=(
    --change 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
    --change 'ENV PGDATA=/var/lib/postgresql/data'
    --change 'ENTRYPOINT ["docker-entrypoint.sh"]'
    --change 'CMD ["postgres"]'
    --change 'STOPSIGNAL SIGINT'
    --change 'EXPOSE 5432'
  )
}

setup_redis() {
  local root=$1
  mkdir -p "$root/data"
  chroot "$root" chown redis:redis /data
  cat >"$root/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
# Stand-in for the official redis image's entrypoint: redis-server runs as the redis user in /data,
# and (as that image's build does) without protected mode, so other containers may connect.
set -eu
if [ "${1:-}" = redis-server ]; then
  shift
  set -- redis-server --protected-mode no "$@"
  if [ "$(id -u)" = 0 ]; then
    chown redis:redis /data
    exec setpriv --reuid=redis --regid=redis --init-groups "$@"
  fi
fi
exec "$@"
EOF
  chmod 0755 "$root/usr/local/bin/docker-entrypoint.sh"
  CHANGES=(
    --change 'WORKDIR /data'
    --change 'ENTRYPOINT ["docker-entrypoint.sh"]'
    --change 'CMD ["redis-server"]'
    --change 'EXPOSE 6379'
  )
}

setup_prometheus() {
  local root=$1
  # The official image's layout: config in /etc/prometheus, data in /prometheus owned by nobody.
  mkdir -p "$root/prometheus"
  chroot "$root" chown nobody:nogroup /prometheus
  CHANGES=(
    --change 'USER nobody'
    --change 'WORKDIR /prometheus'
    --change 'ENTRYPOINT ["/usr/bin/prometheus"]'
    --change 'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]'
    --change 'EXPOSE 9090'
  )
}

# ---- build ---------------------------------------------------------------------------------------

recipe() {
  local name=$1
  { declare -f build "setup_$name"; echo "${PACKAGES[$name]}"; } | cat - "$NODE_DIR/package.json" \
    <(basename "$NPM_TGZ") "$CA_BUNDLE" | sha256sum | cut -c1-16
}

build() {
  local name=$1 tag=${TAGS[$1]} work recipe
  recipe=$(recipe "$name")
  if [ "$(podman image inspect --format "{{index .Labels \"$LABEL\"}}" "$tag" 2>/dev/null)" = "$recipe" ]; then
    log "$tag: cached"
    return
  fi
  work=$(mktemp -d "$CACHE/build-$name.XXXXXX")
  local root="$work/root" started=$SECONDS
  log "$tag: debootstrap bookworm ${PACKAGES[$name]:+(+ ${PACKAGES[$name]})}"
  mkdir -p "$CACHE/debs-$name"
  debootstrap --variant=minbase ${PACKAGES[$name]:+--include="${PACKAGES[$name]}"} \
    --cache-dir="$CACHE/debs-$name" bookworm "$root" "$MIRROR" >"$work/debootstrap.log" 2>&1 || {
    tail -n 20 "$work/debootstrap.log" >&2
    return 1
  }
  CHANGES=()
  "setup_$name" "$root"
  # What a container never needs: package lists and archives, documentation, translations.
  rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
    "$root"/usr/share/man/* "$root"/usr/share/locale/* "$root"/var/log/*.log "$root"/tmp/*
  # The image this one replaces (if no container uses it any more).
  podman image rm "$tag" >/dev/null 2>&1 || true
  tar --numeric-owner -C "$root" -c . |
    podman import --quiet --change "LABEL $LABEL=$recipe" "${CHANGES[@]}" - "$tag" >/dev/null
  rm -rf "$work"
  log "$tag: built in $((SECONDS - started)) s"
}

# Two at a time: debootstrap is mostly waiting on downloads and dpkg.
pids=()
for name in node postgres redis prometheus; do
  build "$name" &
  pids+=($!)
  if [ "${#pids[@]}" = 2 ]; then
    wait "${pids[0]}" && wait "${pids[1]}" || exit 1
    pids=()
  fi
done

for name in node postgres redis prometheus; do
  echo "${VARIABLES[$name]}=${TAGS[$name]}"
done
