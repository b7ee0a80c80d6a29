#!/usr/bin/env bash
# Cold and warm wall-clock timings of the README's two commands (make test, make demo), each in a
# fresh clone. "cold" = empty pip cache and empty Maven repository (what a fresh machine
# downloads; Debian packages are assumed installed), "warm" = the same clone run again.
# Uses its own ports so a running dev stack is left alone. Prints one line per measurement.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'for c in test demo; do [ -d "$WORK/$c" ] && (cd "$WORK/$c" && bin/stack down >/dev/null 2>&1 || true); done; rm -rf "$WORK"' EXIT
export PG_PORT=15433 REDIS_PORT=16380 SOLR_PORT=18983 CKAN_PORT=15000

measure() {  # label, clone, command...
  local label=$1 clone=$2 start end
  shift 2
  start=$(date +%s.%N)
  (cd "$clone" && "$@" >"$WORK/$label.log" 2>&1) || { echo "$label FAILED, log: $WORK/$label.log"; tail -20 "$WORK/$label.log"; exit 1; }
  end=$(date +%s.%N)
  printf '%-12s %7.1f s\n' "$label" "$(echo "$end - $start" | bc)"
}

for command in test demo; do
  git clone -q "$ROOT" "$WORK/$command"
  PIP_CACHE_DIR=$WORK/pip-cache-$command MAVEN_OPTS="-Dmaven.repo.local=$WORK/m2-$command" \
    measure "$command-cold" "$WORK/$command" make "$command"
  measure "$command-warm" "$WORK/$command" make "$command"
  (cd "$WORK/$command" && bin/stack down >/dev/null)
  echo "solr jars: $(ls "$WORK/$command/.stack/solr/lib"/*.jar | wc -l), $(basename "$(ls "$WORK/$command/.stack/solr/lib"/solr-core-*.jar)")"
done
