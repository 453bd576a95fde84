#!/bin/sh
# The ollama command of the test image: `serve` starts the fake server, `list` asks it for the models
# the way the real client does (so `ollama list` works as a health check in both images).
# (busybox 1.35 wget crashes with -T, hence `timeout`.)
set -eu

# OLLAMA_HOST as Ollama reads it: [scheme://]host[:port], port 11434 by default; 0.0.0.0 means this machine.
server_address() {
  address=${OLLAMA_HOST:-127.0.0.1:11434}
  address=${address#*://}
  address=${address%%/*}
  case "$address" in
    *:*) host=${address%:*} port=${address##*:} ;;
    *) host=$address port=11434 ;;
  esac
  case "$host" in '' | 0.0.0.0) host=127.0.0.1 ;; esac
  echo "$host:$port"
}

case "${1:-}" in
  serve)
    exec node /usr/local/lib/ollama/server.mjs
    ;;
  list | ls)
    if ! tags=$(timeout 5 wget -q -O - "http://$(server_address)/api/tags"); then
      echo "Error: could not connect to ollama app, is it running?" >&2
      exit 1
    fi
    echo "NAME"
    printf '%s' "$tags" | { grep -o '"name":"[^"]*"' || true; } | cut -d'"' -f4
    ;;
  -v | --version)
    timeout 5 wget -q -O - "http://$(server_address)/api/version" | grep -o '"version":"[^"]*"' | cut -d'"' -f4
    ;;
  *)
    echo "ollama (test image): only serve, list and --version are available" >&2
    exit 2
    ;;
esac
