#!/usr/bin/env bash
# Starts the local Redis the channel-layer tests use when it is installed but not running
# (CI machines start it themselves; a fresh laptop may not have).
set -euo pipefail
URL=${GONGZHI_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}
say() { printf '\033[1;34m[gongzhi-services]\033[0m %s\n' "$*"; }
if command -v redis-cli >/dev/null && redis-cli -u "$URL" ping >/dev/null 2>&1; then
  exit 0
fi
if command -v redis-server >/dev/null; then
  say "starting redis-server on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp --logfile /tmp/gongzhi-redis.log
  sleep 0.5
elif [ "${CI:-false}" = "true" ]; then
  echo "Redis is required under CI=true and none is installed" >&2; exit 1
else
  say "no Redis here: the Redis channel-layer test will be skipped (apt-get install redis-server)"
fi
