#!/usr/bin/env bash
# Runs every test of the repository: .NET (dotnet test) and, when it exists, the TypeScript client (npm test).
#
# It sets itself up: installs what is missing from Debian's packages (chromium, postgresql, redis-server) and npm
# (the S3 test server's modules), starts PostgreSQL, Redis and an S3-compatible server in throwaway directories on
# 127.0.0.1, points the tests at them through environment variables, and stops them again on exit, failure or Ctrl+C.
#
# Servers you already run: set the variable and the script leaves that server alone.
#   CONVERSATIONS_TEST_POSTGRES       Npgsql connection string of a superuser, e.g. "Host=127.0.0.1;Port=5432;Username=postgres"
#   CONVERSATIONS_TEST_REDIS          StackExchange.Redis configuration, e.g. "127.0.0.1:6379"
#   CONVERSATIONS_TEST_REDIS_SERVER   path of a redis-server binary (fault tests start their own instance)
#   CONVERSATIONS_TEST_S3_ENDPOINT    e.g. "http://127.0.0.1:9000", with CONVERSATIONS_TEST_S3_ACCESS_KEY,
#                                     CONVERSATIONS_TEST_S3_SECRET_KEY and CONVERSATIONS_TEST_S3_BUCKET
#   CHROMIUM_PATH                     a Chromium binary for the browser tests (default /usr/bin/chromium)
# Other knobs:
#   CONVERSATIONS_TEST_NO_INSTALL=1   never call apt-get; report what is missing instead
#   CONVERSATIONS_TEST_ALLOW_SKIP=1   run even when a server cannot be provided; its tests are then skipped
#
# Arguments are passed to dotnet test, e.g. ./test.sh --filter "FullyQualifiedName~Sqlite" (npm tests run only
# when no argument is given). The last line is "N passed, N failed, N skipped", summed over .NET and npm; the exit
# code is non-zero when any test failed, a test run crashed, or no test ran.
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Playwright drives Debian's chromium; it must never try to download a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

work=$(mktemp -d "${TMPDIR:-/tmp}/conversations-test.XXXXXX")
chmod 755 "$work"
pids=()
pg_data=""
pg_ctl_bin=""

log() { printf '[test.sh] %s\n' "$*" >&2; }

as_postgres() {
  # initdb and postgres refuse to run as root; root runs them as the postgres user Debian's package creates.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$pg_data" ] && [ -f "$pg_data/postmaster.pid" ]; then
    as_postgres "$pg_ctl_bin" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

# --- what is missing, and installing it -----------------------------------------------------------------------

find_pg_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"; return 0
  fi
  return 1
}

find_chromium() {
  if [ -n "${CHROMIUM_PATH:-}" ]; then echo "$CHROMIUM_PATH"; return 0; fi
  [ -x /usr/bin/chromium ] && { echo /usr/bin/chromium; return 0; }
  return 1
}

find_redis_server() {
  if [ -n "${CONVERSATIONS_TEST_REDIS_SERVER:-}" ]; then echo "$CONVERSATIONS_TEST_REDIS_SERVER"; return 0; fi
  command -v redis-server 2>/dev/null
}

apt_packages=()
find_chromium >/dev/null || apt_packages+=(chromium)
if [ -z "${CONVERSATIONS_TEST_POSTGRES:-}" ] && ! find_pg_bin >/dev/null; then apt_packages+=(postgresql); fi
find_redis_server >/dev/null || apt_packages+=(redis-server)

if [ "${#apt_packages[@]}" -gt 0 ]; then
  apt=()
  if [ "${CONVERSATIONS_TEST_NO_INSTALL:-}" = "1" ] || ! command -v apt-get >/dev/null 2>&1; then
    :
  elif [ "$(id -u)" -eq 0 ]; then
    apt=(env DEBIAN_FRONTEND=noninteractive)
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    apt=(sudo -n env DEBIAN_FRONTEND=noninteractive)
  fi
  if [ "${#apt[@]}" -gt 0 ]; then
    log "installing ${apt_packages[*]} from Debian's packages"
    for attempt in 1 2 3; do
      if "${apt[@]}" apt-get update -qq && "${apt[@]}" apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null; then
        break
      fi
      log "apt-get failed (attempt $attempt of 3)"
      [ "$attempt" -lt 3 ] && sleep 5
    done
  else
    log "cannot install ${apt_packages[*]} here (not root, no passwordless sudo, or CONVERSATIONS_TEST_NO_INSTALL=1)"
  fi
fi

missing=()
chromium=$(find_chromium) || missing+=("chromium (or CHROMIUM_PATH)")
redis_server=$(find_redis_server) || missing+=("redis-server (or CONVERSATIONS_TEST_REDIS_SERVER)")
pg_bin=""
if [ -z "${CONVERSATIONS_TEST_POSTGRES:-}" ]; then
  pg_bin=$(find_pg_bin) || missing+=("postgresql (or CONVERSATIONS_TEST_POSTGRES)")
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "${CONVERSATIONS_TEST_ALLOW_SKIP:-}" = "1" ]; then
    log "missing: ${missing[*]}; their tests will be skipped (CONVERSATIONS_TEST_ALLOW_SKIP=1)"
  else
    log "missing: ${missing[*]}"
    log "install them, set the variables to servers you run, or set CONVERSATIONS_TEST_ALLOW_SKIP=1 to skip their tests"
    exit 1
  fi
else
  # Everything is provided, so nothing may be skipped for want of a server: such a test fails instead.
  export CONVERSATIONS_TEST_REQUIRE_ALL=1
fi
[ -n "$chromium" ] && export CHROMIUM_PATH="$chromium"
[ -n "$redis_server" ] && export CONVERSATIONS_TEST_REDIS_SERVER="$redis_server"

# --- servers ----------------------------------------------------------------------------------------------------

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The servers' ports sit below Linux's ephemeral range (32768–60999), so no client connection of the tests can hold
# one when its server binds it.
free_port() {
  local port=$1
  while port_in_use "$port"; do port=$((port + 1)); done
  echo "$port"
}

wait_for_port() {
  local port=$1 name=$2 pid=${3:-} i
  for i in $(seq 1 200); do
    port_in_use "$port" && return 0
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.05
  done
  log "$name did not start listening on 127.0.0.1:$port"
  return 1
}

if [ -z "${CONVERSATIONS_TEST_POSTGRES:-}" ] && [ -n "$pg_bin" ]; then
  pg_port=$(free_port 27432)
  pg_data="$work/postgres"
  pg_ctl_bin="$pg_bin/pg_ctl"
  mkdir -p "$pg_data"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$pg_data"
  if ! as_postgres "$pg_bin/initdb" -D "$pg_data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 -N >"$work/initdb.log" 2>&1; then
    cat "$work/initdb.log" >&2; log "initdb failed"; exit 1
  fi
  # A throwaway server: no fsync (nothing here must survive a machine crash), room for many test connection pools.
  if ! as_postgres "$pg_ctl_bin" -D "$pg_data" -l "$pg_data/server.log" -w -t 30 start \
      -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_data -c fsync=off -c full_page_writes=off -c max_connections=300" >/dev/null; then
    cat "$pg_data/server.log" >&2; log "PostgreSQL did not start"; exit 1
  fi
  export CONVERSATIONS_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
  log "PostgreSQL on 127.0.0.1:$pg_port"
fi

if [ -z "${CONVERSATIONS_TEST_REDIS:-}" ] && [ -n "$redis_server" ]; then
  redis_port=$(free_port 27379)
  mkdir -p "$work/redis"
  "$redis_server" --bind 127.0.0.1 --port "$redis_port" --dir "$work/redis" --save '' --appendonly no \
    --daemonize no --logfile "$work/redis/redis.log" &
  pids+=($!)
  wait_for_port "$redis_port" "Redis" "$!" || { cat "$work/redis/redis.log" >&2; exit 1; }
  export CONVERSATIONS_TEST_REDIS="127.0.0.1:$redis_port"
  log "Redis on 127.0.0.1:$redis_port"
fi

s3_dir="$root/eng/test-servers/s3"
if [ -z "${CONVERSATIONS_TEST_S3_ENDPOINT:-}" ] && [ -f "$s3_dir/start.mjs" ]; then
  if ! npm ci --prefix "$s3_dir" --no-audit --no-fund --loglevel=error >"$work/s3-npm.log" 2>&1; then
    cat "$work/s3-npm.log" >&2; log "npm ci in eng/test-servers/s3 failed"; exit 1
  fi
  s3_port=$(free_port 27591)
  mkdir -p "$work/s3"
  node "$s3_dir/start.mjs" "$s3_port" "$work/s3" >"$work/s3.log" 2>&1 &
  s3_pid=$!
  pids+=("$s3_pid")
  for i in $(seq 1 300); do
    grep -q ready "$work/s3.log" 2>/dev/null && break
    kill -0 "$s3_pid" 2>/dev/null || break
    sleep 0.05
  done
  grep -q ready "$work/s3.log" || { cat "$work/s3.log" >&2; log "the S3 test server did not start"; exit 1; }
  export CONVERSATIONS_TEST_S3_ENDPOINT="http://127.0.0.1:$s3_port"
  export CONVERSATIONS_TEST_S3_ACCESS_KEY=S3RVER CONVERSATIONS_TEST_S3_SECRET_KEY=S3RVER CONVERSATIONS_TEST_S3_BUCKET=conversations-test
  log "S3 on $CONVERSATIONS_TEST_S3_ENDPOINT"
fi

# --- tests ------------------------------------------------------------------------------------------------------

passed=0 failed=0 skipped=0 status=0

results="$work/trx"
dotnet test "$root/Conversations.sln" -c Release --logger "trx" --results-directory "$results" "$@"
[ $? -ne 0 ] && status=1

# Each test project writes one .trx file; its Counters element holds the totals (skipped = total - executed).
trx_count() {
  local n
  n=$(grep -o '<Counters [^>]*>' "$1" | head -n 1 | grep -oE " $2=\"[0-9]+\"" | grep -oE '[0-9]+')
  echo "${n:-0}"
}
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  passed=$((passed + $(trx_count "$trx" passed)))
  failed=$((failed + $(trx_count "$trx" failed) + $(trx_count "$trx" error) + $(trx_count "$trx" timeout) + $(trx_count "$trx" aborted)))
  skipped=$((skipped + $(trx_count "$trx" total) - $(trx_count "$trx" executed)))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # dotnet test failed without a failed test in the results: a build error or a crashed test host.
  log "dotnet test failed outside any test (build error or crashed test host)"
  failed=1
fi

ts_dir="$root/clients/typescript"
if [ "$#" -eq 0 ] && [ -f "$ts_dir/package.json" ]; then
  log "TypeScript client: npm ci && npm test"
  npm_log="$work/npm-test.log"
  if ! (cd "$ts_dir" && npm ci --no-audit --no-fund --loglevel=error); then
    log "npm ci in clients/typescript failed"
    status=1 failed=$((failed + 1))
  else
    (cd "$ts_dir" && npm test) 2>&1 | tee "$npm_log"
    npm_status=${PIPESTATUS[0]}
    # The summary lines of vitest ("Tests  2 failed | 40 passed | 1 skipped (43)"), jest
    # ("Tests:  1 failed, 2 skipped, 40 passed, 43 total") and node --test ("# pass 40", "# fail 0", "# cancelled 0",
    # "# skipped 1", "# todo 0").
    clean=$(sed 's/\x1b\[[0-9;]*m//g' "$npm_log")
    summary=$(echo "$clean" | grep -E '^ *Tests:? ' | tail -n 1)
    npm_count() {
      local n
      n=$(echo "$summary" | grep -oE "[0-9]+ $1" | grep -oE '^[0-9]+' | head -n 1)
      [ -z "$n" ] && n=$(echo "$clean" | grep -E "^# $1 [0-9]+" | tail -n 1 | grep -oE '[0-9]+$')
      echo "${n:-0}"
    }
    np=$(npm_count passed); [ "$np" -eq 0 ] && np=$(npm_count pass)
    nf=$(npm_count failed); [ "$nf" -eq 0 ] && nf=$(npm_count fail)
    nf=$((nf + $(npm_count cancelled)))   # node --test: tests cut short by a timeout or a failed hook
    ns=$(npm_count skipped); [ "$ns" -eq 0 ] && ns=$(npm_count todo)
    passed=$((passed + np)) failed=$((failed + nf)) skipped=$((skipped + ns))
    if [ "$npm_status" -ne 0 ]; then
      status=1
      # A failing run whose summary we could not read still counts as a failure.
      [ "$nf" -eq 0 ] && failed=$((failed + 1))
    fi
  fi
fi

[ "$failed" -gt 0 ] && status=1
if compgen -G "$results/*.trx" >/dev/null && grep -qlE 'outcome="(Failed|Error|Timeout|Aborted)"' "$results"/*.trx; then
  # Repeat the .NET failures at the end, where a log that is cut to its tail still shows them.
  log "failed .NET tests:"
  if command -v python3 >/dev/null 2>&1; then
    python3 "$root/eng/trx-failures.py" "$results"/*.trx
  else
    grep -ohE '<UnitTestResult [^>]*outcome="(Failed|Error|Timeout|Aborted)"' "$results"/*.trx \
      | grep -oE 'testName="[^"]*"' | sed 's/^/FAILED /'
  fi
fi
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  log "no test ran"
  status=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
