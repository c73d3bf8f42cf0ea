# Sourced by smoke-test.sh: a private Docker daemon for the container smoke test.
# It never touches the machine's network: no iptables rules, no masquerading, no IP forwarding, no default bridge
# (every container uses host networking), and its own data root, exec root, pid file and socket, so it neither
# sees nor disturbs any other daemon. The data root persists between runs, which caches the base image.

DAEMON_ROOT="${ORDERING_DOCKER_ROOT:-/var/lib/ordering-smoke-docker}"
DAEMON_EXEC_ROOT='/run/ordering-smoke-docker'
DAEMON_SOCKET="${DAEMON_EXEC_ROOT}.sock"
DAEMON_PIDFILE="${DAEMON_EXEC_ROOT}.pid"
DAEMON_PID=''

# The docker CLI on PATH, or Debian's /usr/bin/docker (from docker.io) when that one cannot talk to this engine.
docker_cli_answers() {
  docker version >/dev/null 2>&1 && return 0
  if [[ -x /usr/bin/docker && "$(command -v docker)" != /usr/bin/docker ]] && /usr/bin/docker version >/dev/null 2>&1; then
    export PATH="/usr/bin:${PATH}"
    return 0
  fi
  return 1
}

start_docker_daemon() {
  mkdir -p "${DAEMON_ROOT}/data" "${DAEMON_EXEC_ROOT}"
  dockerd \
    --data-root "${DAEMON_ROOT}/data" --exec-root "${DAEMON_EXEC_ROOT}" --pidfile "${DAEMON_PIDFILE}" \
    -H "unix://${DAEMON_SOCKET}" \
    --iptables=false --ip6tables=false --ip-masq=false --ip-forward=false --bridge=none \
    --log-level=warn >"${DAEMON_ROOT}/dockerd.log" 2>&1 &
  DAEMON_PID=$!
  export DOCKER_HOST="unix://${DAEMON_SOCKET}"
  local deadline=$((SECONDS + 60))
  until docker_cli_answers; do
    if ! kill -0 "${DAEMON_PID}" 2>/dev/null; then
      fail "dockerd exited at start-up; last lines of ${DAEMON_ROOT}/dockerd.log: $(tail -n 3 "${DAEMON_ROOT}/dockerd.log" | tr '\n' ' ')"
    fi
    ((SECONDS < deadline)) || fail "dockerd did not answer on ${DAEMON_SOCKET} within 60 s"
    sleep 1
  done
  echo "dockerd ${DAEMON_PID} on ${DOCKER_HOST} (data root ${DAEMON_ROOT}/data)"
}

# Stops the daemon by its pid (it stops its own containerd), then unmounts whatever is still mounted under its roots.
stop_docker_daemon() {
  if [[ -n "${DAEMON_PID}" ]] && kill -0 "${DAEMON_PID}" 2>/dev/null; then
    kill -TERM "${DAEMON_PID}"
    local deadline=$((SECONDS + 60))
    while kill -0 "${DAEMON_PID}" 2>/dev/null && ((SECONDS < deadline)); do sleep 1; done
    if kill -0 "${DAEMON_PID}" 2>/dev/null; then kill -KILL "${DAEMON_PID}"; fi
    wait "${DAEMON_PID}" 2>/dev/null || true
  fi
  DAEMON_PID=''
  local mounts
  mounts="$(findmnt -rn -o TARGET | grep -E "^(${DAEMON_ROOT}|${DAEMON_EXEC_ROOT})(/|$)" | sort -r || true)"
  if [[ -n "${mounts}" ]]; then
    while IFS= read -r target; do umount -l "${target}" 2>/dev/null || true; done <<<"${mounts}"
  fi
  rm -rf "${DAEMON_EXEC_ROOT}" "${DAEMON_SOCKET}" "${DAEMON_PIDFILE}"
}
