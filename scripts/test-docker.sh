#!/usr/bin/env bash
# npm run test:docker — end-to-end test of the Docker image and the compose cluster (docker/compose.yml).
#
#  1. a Docker engine (starts dockerd when it is installed but not running; fails clearly when Docker is absent)
#  2. the Node 24 base image: node:24-bookworm-slim when present or pullable, else a local stand-in built once
#     by docker/base/build-base-image.sh (debootstrap bookworm + Node 24) and cached as chain-node-base:node24
#  3. docker build of docker/Dockerfile (host CA bundle and npm registry passed to the build stage)
#  4. the compose cluster as project "chain-node-test": every node's /health, non-root user, tini as PID 1
#  5. convergence: all nodes report the same tip hash at height >= MIN_HEIGHT (non-miners included)
#  6. signed transactions submitted to node2 become visible on every node, then mined everywhere
#  6b. finality: every node reports a final checkpoint signed by 3 of the 4 node witnesses (witness-keys service)
#  7. scaling: one extra `peer` node (profile scale) joins through node1/mDNS and catches up
#  8. SIGTERM restart: `docker stop` node3 exits 0 after a clean shutdown, restarts, reopens its database
#     (health again, height >= before) and converges with the others again
#  9. teardown (down -v), also on failure or Ctrl-C
#
# Environment:
#   TEST_DOCKER_IMAGE      image tag to build and test (default chain-node:test)
#   BASE_IMAGE             Node 24 base image (default node:24-bookworm-slim, stand-in fallback)
#   TEST_DOCKER_MIN_HEIGHT height every node must reach (default 5)
#   TEST_DOCKER_TIMEOUT    seconds per waiting step (default 180)
#   TEST_DOCKER_SKIP_P2P=1 skip the steps that need working P2P (5, 6 across nodes, 7, re-convergence in 8)
#   TEST_DOCKER_KEEP=1     leave the cluster running at the end (tear down later with down -v)
#   TEST_DOCKER_NO_BUILD=1 use the existing TEST_DOCKER_IMAGE as is
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PROJECT=chain-node-test
COMPOSE_FILE="$ROOT/docker/compose.yml"
IMAGE="${TEST_DOCKER_IMAGE:-chain-node:test}"
OFFICIAL_BASE="node:24-bookworm-slim"
STANDIN_BASE="chain-node-base:node24"
BASE_IMAGE="${BASE_IMAGE:-}"
MIN_HEIGHT="${TEST_DOCKER_MIN_HEIGHT:-5}"
TIMEOUT="${TEST_DOCKER_TIMEOUT:-180}"
SKIP_P2P="${TEST_DOCKER_SKIP_P2P:-0}"
NETWORK_NAME=regtest
NODES=(1 2 3 4)
CA_COPY="$ROOT/docker/certs/host-ca-bundle.crt"
LOG_DIR="$(mktemp -d /tmp/chain-node-test-docker.XXXXXX)"
T0=$(date +%s)

declare -a RESULT_NAMES=() RESULT_STATES=() RESULT_NOTES=()
FAILED=0
CLUSTER_UP=0
CA_COPIED=0

say() { printf '\033[1m[test:docker]\033[0m %s\n' "$*"; }
record() { # name state note
  RESULT_NAMES+=("$1"); RESULT_STATES+=("$2"); RESULT_NOTES+=("${3:-}")
  case "$2" in
    PASS) printf '  \033[32mPASS\033[0m %s %s\n' "$1" "${3:+— $3}" ;;
    SKIP) printf '  \033[33mSKIP\033[0m %s %s\n' "$1" "${3:+— $3}" ;;
    *) FAILED=1; printf '  \033[31mFAIL\033[0m %s %s\n' "$1" "${3:+— $3}" ;;
  esac
}
die() { record "$1" FAIL "$2"; exit 1; }
api() { echo "http://127.0.0.1:1808$1"; }

summary() {
  local elapsed=$(( $(date +%s) - T0 )) i
  echo
  echo "==================== test:docker summary ===================="
  for i in "${!RESULT_NAMES[@]}"; do
    printf '  %-4s  %-34s %s\n' "${RESULT_STATES[$i]}" "${RESULT_NAMES[$i]}" "${RESULT_NOTES[$i]}"
  done
  echo "--------------------------------------------------------------"
  if [[ $FAILED == 0 && ${#RESULT_NAMES[@]} -gt 0 ]]; then
    echo "  RESULT: PASS (${elapsed}s)"
  else
    echo "  RESULT: FAIL (${elapsed}s; logs in $LOG_DIR)"
  fi
  echo "=============================================================="
}

compose() {
  CHAIN_NODE_IMAGE="$IMAGE" CHAIN_NETWORK="$NETWORK_NAME" "${COMPOSE[@]}" -p "$PROJECT" -f "$COMPOSE_FILE" "$@"
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ $CLUSTER_UP == 1 ]]; then
    if [[ $FAILED == 1 || $rc != 0 ]]; then
      compose --profile scale logs --no-color --tail 80 >"$LOG_DIR/compose-logs.txt" 2>&1 || true
      say "last compose logs saved to $LOG_DIR/compose-logs.txt"
    fi
    if [[ "${TEST_DOCKER_KEEP:-0}" == 1 ]]; then
      say "TEST_DOCKER_KEEP=1: cluster left running (${COMPOSE[*]} -p $PROJECT -f docker/compose.yml --profile scale down -v)"
    else
      say "tearing down the cluster (down -v)"
      compose --profile scale down -v --remove-orphans >"$LOG_DIR/down.log" 2>&1 || true
    fi
  fi
  [[ $CA_COPIED == 1 ]] && rm -f "$CA_COPY"
  [[ $rc != 0 && $FAILED == 0 ]] && record "script" FAIL "aborted (exit $rc)"
  summary
  if [[ $FAILED == 0 && $rc == 0 ]]; then exit 0; fi
  exit 1
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Wait until "$@" succeeds, up to $1 seconds. Usage: wait_for SECONDS cmd args...
wait_for() {
  local limit=$1; shift
  local deadline=$(( $(date +%s) + limit ))
  while (( $(date +%s) < deadline )); do
    "$@" && return 0
    sleep 1
  done
  return 1
}

status_of() { curl -fsS --max-time 3 "$(api "$1")/status" 2>/dev/null; }

############################################################################ 1. Docker engine
say "checking the Docker engine"
command -v docker >/dev/null 2>&1 || die "docker engine" "Docker is not installed (Debian/Ubuntu: apt-get install -y docker.io docker-compose; see docker/README.md)"
if ! docker info >/dev/null 2>&1; then
  if command -v dockerd >/dev/null 2>&1 && [[ $(id -u) == 0 ]]; then
    say "Docker daemon not running: starting dockerd (log /tmp/chain-node-dockerd.log; it is left running)"
    nohup dockerd >/tmp/chain-node-dockerd.log 2>&1 &
    wait_for 60 docker info >/dev/null 2>&1 || die "docker engine" "dockerd did not come up (see /tmp/chain-node-dockerd.log)"
  elif command -v systemctl >/dev/null 2>&1 && systemctl start docker >/dev/null 2>&1 && wait_for 30 docker info >/dev/null 2>&1; then
    :
  else
    die "docker engine" "the Docker daemon is not running and cannot be started from here (start it, or run as root with dockerd installed)"
  fi
fi
if docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  COMPOSE=(docker-compose)
else
  die "docker engine" "neither 'docker compose' nor 'docker-compose' is installed (apt-get install -y docker-compose)"
fi
record "docker engine" PASS "server $(docker version --format '{{.Server.Version}}' 2>/dev/null), ${COMPOSE[*]}"

############################################################################ 2. base image
say "choosing the Node 24 base image"
if [[ -z "$BASE_IMAGE" ]]; then
  if docker image inspect "$OFFICIAL_BASE" >/dev/null 2>&1; then
    BASE_IMAGE="$OFFICIAL_BASE"
  elif docker image inspect "$STANDIN_BASE" >/dev/null 2>&1; then
    BASE_IMAGE="$STANDIN_BASE"
  elif timeout 45 docker pull "$OFFICIAL_BASE" >"$LOG_DIR/pull.log" 2>&1; then
    BASE_IMAGE="$OFFICIAL_BASE"
  else
    say "$OFFICIAL_BASE cannot be pulled: building the local stand-in $STANDIN_BASE (debootstrap, a few minutes, once)"
    "$ROOT/docker/base/build-base-image.sh" "$STANDIN_BASE" >"$LOG_DIR/base-image.log" 2>&1 \
      || { tail -20 "$LOG_DIR/base-image.log"; die "base image" "stand-in build failed (log $LOG_DIR/base-image.log)"; }
    BASE_IMAGE="$STANDIN_BASE"
  fi
elif ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 && ! docker pull "$BASE_IMAGE" >"$LOG_DIR/pull.log" 2>&1; then
  die "base image" "BASE_IMAGE=$BASE_IMAGE is neither local nor pullable"
fi
base_node="$(docker run --rm --entrypoint node "$BASE_IMAGE" --version 2>/dev/null)"
[[ "$base_node" == v24.* ]] || die "base image" "$BASE_IMAGE runs Node '${base_node:-?}', expected v24"
record "base image" PASS "$BASE_IMAGE (node $base_node)"

############################################################################ 3. image build
if [[ "${TEST_DOCKER_NO_BUILD:-0}" == 1 ]]; then
  docker image inspect "$IMAGE" >/dev/null 2>&1 || die "image build" "TEST_DOCKER_NO_BUILD=1 but $IMAGE does not exist"
  record "image build" SKIP "TEST_DOCKER_NO_BUILD=1, using $IMAGE"
else
  say "building $IMAGE from docker/Dockerfile (log $LOG_DIR/build.log)"
  build_args=(--build-arg "BASE_IMAGE=$BASE_IMAGE")
  ca="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}"
  if [[ -f "$ca" && ! -e "$CA_COPY" ]]; then cp "$ca" "$CA_COPY" && CA_COPIED=1; fi
  # Docker's predefined proxy build arguments, when the host uses a proxy.
  for v in HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy; do
    if [[ -n "${!v:-}" ]]; then build_args+=(--build-arg "$v=${!v}"); fi
  done
  if command -v npm >/dev/null 2>&1; then
    registry="$(npm config get registry 2>/dev/null || true)"
    if [[ -n "$registry" && "$registry" != "https://registry.npmjs.org/" ]]; then build_args+=(--build-arg "NPM_REGISTRY=$registry"); fi
  fi
  t=$(date +%s)
  if ! docker build -f docker/Dockerfile "${build_args[@]}" -t "$IMAGE" . >"$LOG_DIR/build.log" 2>&1; then
    tail -30 "$LOG_DIR/build.log"
    die "image build" "docker build failed (log $LOG_DIR/build.log)"
  fi
  [[ $CA_COPIED == 1 ]] && rm -f "$CA_COPY" && CA_COPIED=0
  size="$(docker image inspect "$IMAGE" --format '{{.Size}}' | awk '{printf "%d MB", $1/1000/1000}')"
  addon="$(docker run --rm --entrypoint sh "$IMAGE" -c 'ls /app/build/Release 2>/dev/null | tr "\n" " "')"
  record "image build" PASS "$IMAGE, $size, $(( $(date +%s) - t ))s, native: ${addon:-none (wasm miner)}"
fi

############################################################################ 4. cluster up
say "starting the compose cluster (project $PROJECT, $NETWORK_NAME)"
compose --profile scale down -v --remove-orphans >"$LOG_DIR/down-before.log" 2>&1 || true
for i in "${NODES[@]}"; do
  for port in "1808$i" "1908$i"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      die "cluster up" "host port $port is in use (another chain-node cluster? docker compose -f docker/compose.yml down)"
    fi
  done
done
CLUSTER_UP=1
if ! compose up -d --no-build >"$LOG_DIR/up.log" 2>&1; then
  tail -20 "$LOG_DIR/up.log"
  die "cluster up" "compose up failed (log $LOG_DIR/up.log)"
fi
cid() { compose ps -q "$1" 2>/dev/null | head -1; }
healthy() { curl -fsS --max-time 3 "$(api "$1")/health" >/dev/null 2>&1; }
all_healthy() { local i; for i in "${NODES[@]}"; do healthy "$i" || return 1; done; }
if wait_for "$TIMEOUT" all_healthy; then
  record "cluster health" PASS "node1..node${#NODES[@]} /health 200 on 127.0.0.1:18081..1808${#NODES[@]}"
else
  bad=""; for i in "${NODES[@]}"; do healthy "$i" || bad+=" node$i"; done
  die "cluster health" "no /health within ${TIMEOUT}s:$bad"
fi

c1="$(cid node1)"
uid="$(docker exec "$c1" id -u 2>/dev/null)"
pid1="$(docker exec "$c1" cat /proc/1/cmdline 2>/dev/null | tr '\0' ' ')"
docker_health="$(docker inspect "$c1" --format '{{if .State.Health}}{{.State.Health.Status}}{{end}}')"
if [[ -n "$uid" && "$uid" != 0 && "$pid1" == *tini* && "$docker_health" == healthy ]]; then
  record "container runtime" PASS "uid $uid (non-root), PID 1 = tini, docker HEALTHCHECK: $docker_health"
else
  record "container runtime" FAIL "uid '$uid', PID 1 '$pid1', docker health '$docker_health'"
fi

############################################################################ 5. convergence
tips_line() { # "h1:hash1 h2:hash2 ..." or fail
  local i s out=""
  for i in "${NODES[@]}"; do
    s="$(status_of "$i")" || return 1
    out+="$(jq -r '"\(.height):\(.tip.hash)"' <<<"$s") "
  done
  echo "${out% }"
}
converged() { # all tips equal and height >= $1
  local line first h
  line="$(tips_line)" || return 1
  LAST_TIPS="$line"
  first="${line%% *}"
  for h in $line; do [[ "$h" == "$first" ]] || return 1; done
  (( ${first%%:*} >= $1 ))
}
LAST_TIPS=""
if [[ "$SKIP_P2P" == 1 ]]; then
  record "convergence" SKIP "TEST_DOCKER_SKIP_P2P=1"
else
  say "waiting for all nodes to agree on one tip at height >= $MIN_HEIGHT"
  t=$(date +%s)
  if wait_for "$TIMEOUT" converged "$MIN_HEIGHT"; then
    peers=""; for i in "${NODES[@]}"; do peers+="$(status_of "$i" | jq -r .peers)/"; done
    first="${LAST_TIPS%% *}"; tip="${first#*:}"
    record "convergence" PASS "height ${first%%:*}, tip ${tip:0:16}…, peers ${peers%/}, $(( $(date +%s) - t ))s"
  else
    peers=""; for i in "${NODES[@]}"; do peers+="$(status_of "$i" | jq -r .peers 2>/dev/null)/"; done
    record "convergence" FAIL "no common tip at height >= $MIN_HEIGHT within ${TIMEOUT}s: [${LAST_TIPS}] peers ${peers%/}"
  fi
fi

############################################################################ 6. transactions
say "submitting signed transactions to node2"
net="$(docker inspect "$(cid node2)" --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' | awk '{print $1}')"
if out="$(docker run --rm --network "$net" -v "$ROOT/docker/test:/t:ro" --entrypoint node "$IMAGE" /t/submit-txs.mjs http://node2:18082 "$NETWORK_NAME" 3 2>"$LOG_DIR/submit.err")"; then
  mapfile -t TXIDS < <(jq -r '.txids[]' <<<"$out")
  record "tx submit" PASS "${#TXIDS[@]} txs accepted by node2 (${TXIDS[0]:0:16}…)"
  tx_state() { curl -fsS --max-time 3 "$(api "$1")/txs/$2" 2>/dev/null | jq -r .status; }
  txs_on() { # nodes... : every txid known (pending or mined) on every listed node; $WANT=mined requires mined
    local i id st
    for i in "$@"; do for id in "${TXIDS[@]}"; do
      st="$(tx_state "$i" "$id")" || return 1
      case "$st" in
        mined) ;;
        pending) if [[ "${WANT:-}" == mined ]]; then return 1; fi ;;
        *) return 1 ;;
      esac
    done; done
    return 0
  }
  if [[ "$SKIP_P2P" == 1 ]]; then
    WANT= wait_for 30 txs_on 2 && record "tx visible" PASS "on node2 (others skipped: TEST_DOCKER_SKIP_P2P=1)" || record "tx visible" FAIL "not even on node2"
  else
    t=$(date +%s)
    if WANT= wait_for 60 txs_on "${NODES[@]}"; then
      record "tx visible" PASS "all txs on all ${#NODES[@]} nodes (GET /txs/:txid), $(( $(date +%s) - t ))s"
    else
      where=""; for i in "${NODES[@]}"; do where+=" node$i=$(tx_state "$i" "${TXIDS[0]}" || echo missing)"; done
      record "tx visible" FAIL "not on every node within 60s:$where"
    fi
    t=$(date +%s)
    if WANT=mined wait_for 90 txs_on "${NODES[@]}"; then
      blk="$(curl -fsS "$(api 4)/txs/${TXIDS[0]}" | jq -r '"\(.block.height)"')"
      record "tx mined" PASS "mined (block $blk) as seen by all nodes, $(( $(date +%s) - t ))s"
    else
      where=""; for i in "${NODES[@]}"; do where+=" node$i=$(tx_state "$i" "${TXIDS[0]}" || echo missing)"; done
      record "tx mined" FAIL "not mined everywhere within 90s:$where"
    fi
  fi
else
  record "tx submit" FAIL "$(tail -3 "$LOG_DIR/submit.err" | tr '\n' ' ')"
fi

############################################################################ 6b. witnessed finality
# witness-keys gave node1..node4 one witness key each and wrote the set to the shared volume: every node must
# report the same final checkpoint, signed by at least the majority threshold (3 of 4) of distinct witnesses.
if [[ "$SKIP_P2P" == 1 ]]; then
  record "finality" SKIP "TEST_DOCKER_SKIP_P2P=1"
else
  say "waiting for a final checkpoint signed by 3 of the 4 node witnesses on every node"
  LAST_FINAL=""
  final_everywhere() {
    local i c h hashes=""
    for i in "${NODES[@]}"; do
      c="$(curl -fsS --max-time 3 "$(api "$i")/log/checkpoint.json" 2>/dev/null)" || return 1
      (( $(jq '.witnesses | length' <<<"$c") == 4 && $(jq .threshold <<<"$c") == 3 && $(jq '.signers | unique | length' <<<"$c") >= 3 && $(jq .height <<<"$c") >= 1 )) || return 1
      h="$(jq -r .height <<<"$c")"
      # the final block at that height on this node must be the block node1 has there
      [[ "$(curl -fsS --max-time 3 "$(api 1)/blocks/$h" 2>/dev/null | jq -r .hash)" == "$(jq -r .blockHash <<<"$c")" ]] || return 1
      hashes+="node$i=$h "
    done
    LAST_FINAL="$hashes"
  }
  t=$(date +%s)
  if wait_for "$TIMEOUT" final_everywhere; then
    record "finality" PASS "final checkpoints signed by >= 3 of 4 witnesses: ${LAST_FINAL% }, $(( $(date +%s) - t ))s"
  else
    record "finality" FAIL "no common final checkpoint within ${TIMEOUT}s: $(curl -fsS --max-time 3 "$(api 1)/log/checkpoint.json" 2>/dev/null | jq -c '{height,signers,threshold}')"
  fi
fi

############################################################################ 7. scaling
if [[ "$SKIP_P2P" == 1 ]]; then
  record "scale (extra peer)" SKIP "TEST_DOCKER_SKIP_P2P=1"
else
  say "scaling: one extra node (profile scale, bootstrap node1 + mDNS)"
  if compose --profile scale up -d --no-build --no-recreate --scale peer=1 >"$LOG_DIR/scale.log" 2>&1; then
    pport="$(compose --profile scale port peer 18080 2>/dev/null | awk -F: '{print $NF}' | tr -d '\r')"
    peer_caught_up() {
      local ps ref
      ps="$(curl -fsS --max-time 3 "http://127.0.0.1:$pport/status" 2>/dev/null)" || return 1
      ref="$(status_of 1)" || return 1
      (( $(jq .height <<<"$ps") >= MIN_HEIGHT && $(jq .height <<<"$ps") >= $(jq .height <<<"$ref") - 1 ))
    }
    t=$(date +%s)
    if [[ -n "$pport" ]] && wait_for "$TIMEOUT" peer_caught_up; then
      ps="$(curl -fsS "http://127.0.0.1:$pport/status")"
      record "scale (extra peer)" PASS "peer on 127.0.0.1:$pport synced to height $(jq .height <<<"$ps") with $(jq .peers <<<"$ps") peers, $(( $(date +%s) - t ))s"
    else
      record "scale (extra peer)" FAIL "peer (port '${pport}') did not catch up within ${TIMEOUT}s: $(curl -fsS --max-time 3 "http://127.0.0.1:$pport/status" 2>/dev/null | jq -c '{height,peers}')"
    fi
  else
    tail -10 "$LOG_DIR/scale.log"
    record "scale (extra peer)" FAIL "compose --scale peer=1 failed (log $LOG_DIR/scale.log)"
  fi
fi

############################################################################ 8. SIGTERM restart
say "SIGTERM restart of node3"
c3="$(cid node3)"
before="$(status_of 3 | jq .height)"
t=$(date +%s)
docker stop -t 30 "$c3" >/dev/null 2>&1
stop_s=$(( $(date +%s) - t ))
exit_code="$(docker inspect "$c3" --format '{{.State.ExitCode}}')"
clean_log="$(docker logs --tail 20 "$c3" 2>&1 | grep -c 'node stopped' || true)"
if [[ "$exit_code" == 0 && "$clean_log" -ge 1 ]]; then
  record "SIGTERM stop" PASS "node3 at height $before exited 0 in ${stop_s}s, logged 'node stopped'"
else
  record "SIGTERM stop" FAIL "exit code $exit_code after ${stop_s}s, clean-shutdown log lines: $clean_log"
fi
restart_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
docker start "$c3" >/dev/null 2>&1
if wait_for "$TIMEOUT" healthy 3; then
  after="$(status_of 3 | jq .height)"
  # The height the node reported when it opened its database, before any new block could arrive.
  opened="$(docker logs --since "$restart_at" "$c3" 2>&1 | grep '"node started"' | tail -1 | jq -r '.height // empty' 2>/dev/null)"
  if (( after >= before )) && [[ -n "$opened" ]] && (( opened >= before )); then
    record "restart reopens DB" PASS "node3 reopened its database at height $opened, healthy again at $after (>= $before)"
  else
    record "restart reopens DB" FAIL "before stop $before, reopened at '${opened:-?}', now $after"
  fi
  if [[ "$SKIP_P2P" != 1 ]]; then
    if wait_for "$TIMEOUT" converged "$(( before + 1 ))"; then
      record "re-convergence" PASS "all nodes on one tip again at height ${LAST_TIPS%%:*}"
    else
      record "re-convergence" FAIL "no common tip after the restart: [${LAST_TIPS}]"
    fi
  fi
else
  record "restart reopens DB" FAIL "node3 /health did not come back ($(docker logs --tail 5 "$c3" 2>&1 | tr '\n' ' '))"
fi

exit 0
