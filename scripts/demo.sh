#!/usr/bin/env bash
# Command 1: set everything up and serve the demo on the embedded default (SpatiaLite,
# in-memory channel layer). Safe to run again: the demo data is loaded once.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
PY=.venv/bin/python
mkdir -p var
$PY manage.py migrate --no-input -v 0
$PY manage.py demo
$PY manage.py demo_accounts
HOST=${GONGZHI_HOST:-127.0.0.1}
PORT=${GONGZHI_PORT:-8000}
echo "Gongzhi is serving on http://$HOST:$PORT/ (Ctrl-C stops it)"
export GONGZHI_ESCALATION_INTERVAL=${GONGZHI_ESCALATION_INTERVAL:-60}
# the inboxes from the outbox every 2 s, due SMS (printed on this console) every 10 s
export GONGZHI_NOTIFY_INTERVAL=${GONGZHI_NOTIFY_INTERVAL:-2}
export GONGZHI_NOTIFY_SEND_INTERVAL=${GONGZHI_NOTIFY_SEND_INTERVAL:-10}
# opinion maps of topics with new votes, every 10 s
export GONGZHI_OPINION_INTERVAL=${GONGZHI_OPINION_INTERVAL:-10}
# ballots open and close on their dates, checked every 30 s
export GONGZHI_BALLOT_INTERVAL=${GONGZHI_BALLOT_INTERVAL:-30}
exec .venv/bin/uvicorn config.asgi:application --host "$HOST" --port "$PORT" --log-level warning
