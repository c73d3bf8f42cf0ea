#!/usr/bin/env bash
# npm run test:containers: the container smoke test. Builds the base image stand-in and the five service images with
# a private Docker daemon, runs deploy/compose/compose.yaml with the CI override (host networking, the machine's own
# PostgreSQL and RabbitMQ), then registers a customer, deposits and checks out through the containerised gateway,
# and checks that the saga COMPLETED and the balance is right. Removes everything it started, also on failure.
# Runs as root. Installs what it needs from Debian's packages; whatever it cannot get, it reports in one line.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
readonly REPO_ROOT="${PWD}"
readonly SERVICES=(gateway customer order account orchestrator)
readonly DATABASES=(customer order account orchestrator)
readonly IMAGE_TAG='smoke'
# Generous: two cores shared with other jobs, and a cold npm cache.
readonly BUILD_TIMEOUT_SECONDS=1800
readonly START_TIMEOUT_SECONDS=600
readonly CHECKOUT_TIMEOUT_SECONDS=120

fail() {
  echo "test:containers: $*" >&2
  exit 1
}

step() {
  printf '\n---- %s\n' "$*"
}

source "${REPO_ROOT}/tools/containers/src/docker-daemon.sh"

[[ "${EUID}" -eq 0 ]] || fail "must run as root (it starts its own dockerd and builds a root filesystem)"

# One run at a time on a machine: the daemon's data root and socket are shared between runs.
exec 9>/run/ordering-smoke-test.lock
flock -w 3600 9 || fail "another container smoke test holds /run/ordering-smoke-test.lock"

install_missing_tools() {
  local -A package_of=(
    [dockerd]=docker.io [docker-compose]=docker-compose [mmdebstrap]=mmdebstrap
    [curl]=curl [jq]=jq [openssl]=openssl [psql]=postgresql-client
  )
  local missing=() tool
  for tool in "${!package_of[@]}"; do
    command -v "${tool}" >/dev/null 2>&1 || missing+=("${package_of[${tool}]}")
  done
  command -v docker >/dev/null 2>&1 || missing+=(docker.io)
  if ((${#missing[@]} > 0)); then
    echo "installing from Debian: ${missing[*]}"
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } \
      >/tmp/ordering-smoke-apt.log 2>&1 || fail "could not install ${missing[*]} with apt-get (see /tmp/ordering-smoke-apt.log)"
  fi
  command -v rabbitmqctl >/dev/null 2>&1 || fail "rabbitmqctl not found: the machine's RabbitMQ is needed on 127.0.0.1:5672"
}

# The Compose v2 plugin when the docker CLI has it; otherwise Debian's docker-compose 1.29. An array, not a
# function, so that `timeout` can run it.
COMPOSE=(docker-compose)
choose_compose() {
  if docker compose version >/dev/null 2>&1; then COMPOSE=(docker compose); fi
  echo "compose: $("${COMPOSE[@]}" version --short 2>/dev/null || "${COMPOSE[@]}" version | head -n 1)"
}

# Free when no socket at all uses it, listening or connected.
port_is_free() {
  [[ -z "$(ss -tanH "sport = :$1" 2>/dev/null)" ]]
}

# Six consecutive free loopback ports (the five services and the gateway's metrics listener), so that the run never collides with services already on the machine. Below
# the kernel's ephemeral range (32768 and up by default), where outgoing connections of other jobs take theirs.
choose_ports() {
  local base offset
  for base in $(seq 28080 10 29080); do
    for offset in 0 1 2 3 4 5; do port_is_free $((base + offset)) || continue 2; done
    export SMOKE_GATEWAY_PORT=$((base)) SMOKE_CUSTOMER_PORT=$((base + 1)) SMOKE_ORDER_PORT=$((base + 2))
    export SMOKE_ACCOUNT_PORT=$((base + 3)) SMOKE_ORCHESTRATOR_PORT=$((base + 4)) SMOKE_GATEWAY_METRICS_PORT=$((base + 5))
    return 0
  done
  fail "no six consecutive free ports between 28080 and 29085"
}

run_id="$(date +%Y%m%d%H%M%S)_$$"
export SMOKE_DATABASE_PREFIX="smoke_${run_id}_"
export SMOKE_VHOST="ordering-smoke-${run_id}"
export SECRETS_DIR IMAGE_TAG
SECRETS_DIR="$(mktemp -d /tmp/ordering-smoke-secrets.XXXXXX)"
readonly PROJECT="ordering-smoke-${run_id}"
readonly SOURCE_FILES=(-f "${REPO_ROOT}/deploy/compose/compose.yaml" -f "${REPO_ROOT}/deploy/compose/compose.ci.yaml")
# What compose runs: the two files merged by compose itself, without published ports (below).
readonly COMPOSE_FILES=(-f "${SECRETS_DIR}/compose.merged.yaml")
readonly PSQL=(psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt)
started_compose=false
created_backends=false

cleanup() {
  local status=$?
  set +e
  step "cleaning up"
  if [[ "${started_compose}" == true ]]; then
    if [[ "${status}" -ne 0 ]]; then
      echo "last log lines of every container:"
      "${COMPOSE[@]}" -p "${PROJECT}" "${COMPOSE_FILES[@]}" logs --no-color --tail 25 2>&1 | tail -n 150
    fi
    timeout 180 "${COMPOSE[@]}" -p "${PROJECT}" "${COMPOSE_FILES[@]}" down --volumes --remove-orphans --timeout 45 >/dev/null 2>&1 \
      || echo "compose down failed; the daemon's stop removes what is left"
  fi
  if [[ "${created_backends}" == true ]]; then
    for database in "${DATABASES[@]}"; do
      "${PSQL[@]}" -c "DROP DATABASE IF EXISTS \"${SMOKE_DATABASE_PREFIX}${database}\" WITH (FORCE)" || echo "could not drop ${SMOKE_DATABASE_PREFIX}${database}"
    done
    rabbitmqctl -q delete_vhost "${SMOKE_VHOST}" >/dev/null 2>&1 || echo "could not delete the vhost ${SMOKE_VHOST}"
  fi
  stop_docker_daemon
  rm -rf "${SECRETS_DIR}"
  if [[ "${status}" -eq 0 ]]; then echo "test:containers: passed"; else echo "test:containers: FAILED" >&2; fi
  exit "${status}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "tools"
install_missing_tools
pg_isready -q -h 127.0.0.1 -p 5432 || fail "PostgreSQL does not answer on 127.0.0.1:5432"
timeout 30 rabbitmq-diagnostics -q ping >/dev/null 2>&1 || fail "RabbitMQ does not answer (rabbitmq-diagnostics ping)"

step "private Docker daemon"
start_docker_daemon
choose_compose

step "base image node:20-bookworm-slim"
timeout "${BUILD_TIMEOUT_SECONDS}" "${REPO_ROOT}/tools/containers/src/build-base-image.sh" || fail "could not build the base image"

step "service images"
export DOCKER_BUILDKIT=0
for service in "${SERVICES[@]}"; do
  log="/tmp/ordering-smoke-build-${service}.log"
  if ! timeout "${BUILD_TIMEOUT_SECONDS}" docker build --network host --build-arg "SERVICE=${service}" \
    -t "ordering/${service}:${IMAGE_TAG}" "${REPO_ROOT}" >"${log}" 2>&1; then
    tail -n 30 "${log}" >&2
    fail "docker build of ${service} failed (full log: ${log})"
  fi
  printf '%-13s %s\n' "${service}" "$(docker image inspect --format '{{.Size}}' "ordering/${service}:${IMAGE_TAG}" | awk '{ printf "%.0f MB", $1 / 1000000 }')"
done

step "databases and RabbitMQ vhost (${SMOKE_DATABASE_PREFIX}*, ${SMOKE_VHOST})"
created_backends=true
for database in "${DATABASES[@]}"; do
  "${PSQL[@]}" -c "CREATE DATABASE \"${SMOKE_DATABASE_PREFIX}${database}\""
done
rabbitmqctl -q add_vhost "${SMOKE_VHOST}" >/dev/null
rabbitmqctl -q set_permissions -p "${SMOKE_VHOST}" guest '.*' '.*' '.*' >/dev/null

step "compose up"
"${REPO_ROOT}/deploy/compose/make-secrets.sh" "${SECRETS_DIR}"
choose_ports
# docker-compose 1.29 refuses published ports on a host-network container, and an override cannot remove the
# gateway's `ports:` of compose.yaml; with host networking they mean nothing, so the merged file drops them. It
# holds the generated secrets, so it lives (and dies) with them in SECRETS_DIR.
"${COMPOSE[@]}" -p "${PROJECT}" "${SOURCE_FILES[@]}" config \
  | node --input-type=module -e "
      import { readFileSync } from 'node:fs';
      import { parse, stringify } from 'yaml';
      const file = parse(readFileSync(0, 'utf8'));
      for (const service of Object.values(file.services)) delete service.ports;
      // YAML 1.1, as compose reads it: strings such as no, on, yes stay quoted.
      process.stdout.write(stringify(file, { version: '1.1' }));" >"${SECRETS_DIR}/compose.merged.yaml" \
  || fail "compose could not merge compose.yaml with compose.ci.yaml"
started_compose=true
# depends_on holds every service until what it needs is healthy; up returns when the gateway has been started.
timeout "${START_TIMEOUT_SECONDS}" "${COMPOSE[@]}" -p "${PROJECT}" "${COMPOSE_FILES[@]}" up --detach --no-build \
  || fail "compose up did not bring the stack up (a service did not become healthy)"

readonly GATEWAY="http://127.0.0.1:${SMOKE_GATEWAY_PORT}"
deadline=$((SECONDS + START_TIMEOUT_SECONDS))
until curl -fs -o /dev/null "${GATEWAY}/readyz"; do
  ((SECONDS < deadline)) || fail "the gateway's /readyz did not answer 200 within ${START_TIMEOUT_SECONDS} s"
  sleep 2
done
"${COMPOSE[@]}" -p "${PROJECT}" "${COMPOSE_FILES[@]}" ps

step "register, deposit, check out through the gateway (${GATEWAY})"
# Prints the body; fails the run unless the status is the expected one.
call() {
  local expected="$1" method="$2" path="$3"
  shift 3
  local body status
  body="$(mktemp)"
  status="$(curl -sS -o "${body}" -w '%{http_code}' --max-time 60 -X "${method}" "${GATEWAY}${path}" \
    -H 'content-type: application/json' "$@")" || fail "${method} ${path}: no answer"
  if [[ "${status}" != "${expected}" ]]; then
    echo "${method} ${path} answered ${status}: $(head -c 500 "${body}")" >&2
    rm -f "${body}"
    fail "${method} ${path}: expected ${expected}, got ${status}"
  fi
  cat "${body}"
  rm -f "${body}"
}

email="smoke-${run_id}@example.com"
password='correct horse battery staple'
call 201 POST /api/customers -d "{\"name\":\"Smoke\",\"email\":\"${email}\",\"password\":\"${password}\"}" >/dev/null
token="$(call 200 POST /api/auth/token -d "{\"email\":\"${email}\",\"password\":\"${password}\"}" | jq -er .accessToken)"
auth=(-H "authorization: Bearer ${token}")
call 201 POST /api/accounts/me/deposits "${auth[@]}" -H 'idempotency-key: smoke-deposit' -d '{"amount":5000}' >/dev/null
read -r item price < <(call 200 GET /api/menu | jq -er '.items[0] | "\(.id) \(.price)"')
saga="$(call 200 POST '/api/checkout?wait=30' "${auth[@]}" -H 'idempotency-key: smoke-checkout' \
  -d "{\"items\":[{\"menuItemId\":\"${item}\",\"quantity\":2}]}")"
saga_id="$(jq -er .sagaId <<<"${saga}")"
# ?wait=30 answers 200 only once the saga is terminal; on a loaded machine it may still run, so poll until it ends.
deadline=$((SECONDS + CHECKOUT_TIMEOUT_SECONDS))
while [[ "$(jq -er .status <<<"${saga}")" == RUNNING || "$(jq -er .status <<<"${saga}")" == COMPENSATING ]]; do
  ((SECONDS < deadline)) || fail "the checkout saga ${saga_id} did not finish within ${CHECKOUT_TIMEOUT_SECONDS} s"
  sleep 2
  saga="$(call 200 GET "/api/checkout/${saga_id}" "${auth[@]}")"
done
status="$(jq -er .status <<<"${saga}")"
[[ "${status}" == COMPLETED ]] || fail "the checkout saga ended ${status} ($(jq -c . <<<"${saga}")), expected COMPLETED"
order_id="$(jq -er .orderId <<<"${saga}")"
order_status="$(call 200 GET "/api/orders/${order_id}" "${auth[@]}" | jq -er .status)"
[[ "${order_status}" == APPROVED ]] || fail "order ${order_id} is ${order_status}, expected APPROVED"
balance="$(call 200 GET /api/accounts/me "${auth[@]}" | jq -er .balance)"
expected_balance=$((5000 - 2 * price))
[[ "${balance}" == "${expected_balance}" ]] || fail "balance is ${balance}, expected ${expected_balance} (5000 - 2 x ${price})"
echo "checkout ${saga_id}: COMPLETED, order ${order_id} APPROVED, balance ${balance} (5000 - 2 x ${price})"

step "stop: every service drains on SIGTERM and exits 0 by itself"
containers="$("${COMPOSE[@]}" -p "${PROJECT}" "${COMPOSE_FILES[@]}" ps -q customer order account orchestrator gateway)"
timeout 300 "${COMPOSE[@]}" -p "${PROJECT}" "${COMPOSE_FILES[@]}" stop --timeout 40 customer order account orchestrator gateway >/dev/null 2>&1 \
  || fail "compose stop did not return"
for container in ${containers}; do
  # 137 would mean compose had to kill it after the grace period: it did not drain.
  read -r name code read_only network user < <(docker inspect \
    --format '{{.Name}} {{.State.ExitCode}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.NetworkMode}} {{.Config.User}}' "${container}")
  [[ "${code}" == 0 ]] || fail "${name#/} exited ${code} after SIGTERM, expected 0"
  [[ "${read_only}" == true && "${network}" == host && "${user}" == node ]] \
    || fail "${name#/} ran with read-only root ${read_only}, network ${network}, user ${user}; expected true, host, node"
  echo "${name#/}: exited 0 (read-only root filesystem, host network, user node)"
done
