#!/usr/bin/env bash
# The bench's set-up on Debian/Ubuntu: nginx (the gateway-overhead table's nginx row) and the PostgreSQL client
# tools (pgbench, the yardstick's C client). Installs only what is missing, so running it again changes nothing.
# Uses sudo only when not root. Not part of CI: the bench works without them (no nginx row, node-postgres yardstick).
set -euo pipefail

missing=()
command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
command -v pgbench >/dev/null 2>&1 || missing+=(postgresql-client)

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-bench-tools: nginx and pgbench are already installed"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-bench-tools: no apt-get here; install these yourself: ${missing[*]}" >&2
  exit 1
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-bench-tools: not root and no sudo; as root run: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  as_root=(sudo)
fi

# nginx-light is Debian's small build; where a distribution has no such package, plain nginx does the same job.
if [[ " ${missing[*]} " == *" nginx-light "* ]] && ! apt-cache show nginx-light >/dev/null 2>&1; then
  "${as_root[@]}" apt-get update -qq
  if ! apt-cache show nginx-light >/dev/null 2>&1; then
    missing=("${missing[@]/nginx-light/nginx}")
  fi
fi

echo "install-bench-tools: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
# --no-install-recommends: the tools only; the bench starts nginx itself, on a free port, with its own config.
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Debian starts the packaged nginx service on port 80 at install time; the bench never uses it.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet nginx 2>/dev/null; then
  "${as_root[@]}" systemctl stop nginx || true
  "${as_root[@]}" systemctl disable nginx >/dev/null 2>&1 || true
fi

command -v nginx >/dev/null && command -v pgbench >/dev/null
echo "install-bench-tools: done ($(nginx -v 2>&1); $(pgbench --version))"
