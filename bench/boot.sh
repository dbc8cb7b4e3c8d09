#!/usr/bin/env bash
# What an operator waits for with the real bin/otto (issue 14): a command against a running Otto,
# a cold boot, and where a boot's time goes. Measured with hyperfine against a baseline taken in the
# same run (a bare JVM), never asserted.
#
#   mvn -B -ntp clean install -DskipTests && bench/boot.sh [runs]
#
# Needs hyperfine (Debian: apt-get install hyperfine). Works in a copy of the distribution under a
# temporary folder, with an OpenCode of its own on a free loopback port; stops both at the end.
set -euo pipefail

RUNS="${1:-10}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIST="$ROOT/distribution/target/otto"
command -v hyperfine > /dev/null || { echo "boot.sh: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
[ -x "$DIST/bin/otto" ] || { echo "boot.sh: build first: mvn -B -ntp clean install -DskipTests" >&2; exit 2; }

WORK="$(mktemp -d /tmp/otto-boot.XXXXXX)"
mkdir -p "$WORK/otto" "$WORK/home/.config/otto" "$WORK/opencode"
for entry in "$DIST"/*; do
  name="$(basename "$entry")"
  if [ "$name" = opencode ]; then ln -s "$entry" "$WORK/otto/opencode"; else cp -r "$entry" "$WORK/otto/"; fi
done
rm -f "$WORK/otto/lib/otto.jsa"
OTTO="$WORK/otto/bin/otto"

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
HOME="$WORK/opencode" "$DIST/opencode/node_modules/.bin/opencode" serve --hostname 127.0.0.1 --port "$PORT" \
  > "$WORK/opencode.log" 2>&1 < /dev/null &
OPENCODE=$!
export HOME="$WORK/home" OTTO_DATA_DIR="$WORK/data"
cleanup() {
  "$OTTO" stop > /dev/null 2>&1 || true
  kill "$OPENCODE" 2> /dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/global/health" > /dev/null && break
  sleep 0.5
done
printf '{"modelManagement": {"catalog": {"opencodeUrl": "http://127.0.0.1:%s"}}}\n' "$PORT" \
  > "$HOME/.config/otto/config.jsonc"

echo "== first boot (creates the databases), then a background Otto whose stop writes lib/otto.jsa"
"$OTTO" run 'otto:status' > /dev/null
"$OTTO" start
"$OTTO" stop
ls -l "$WORK/otto/lib/otto.jsa"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JDK_ARCHIVE="$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.home = //p')/lib/server/classes.jsa"

echo "== cold boot: a JVM, Felix, every bundle, ready, the command, stop"
hyperfine --warmup 1 --runs "$RUNS" --export-markdown "$WORK/boot.md" \
  -n "baseline: a bare JVM (java -version)" "$JAVA -XX:TieredStopAtLevel=1 -version" \
  -n "bin/otto run otto:status, booting" "$OTTO run otto:status" \
  -n "same, C2 and the JDK's own archive (as before)" \
     "JAVA_OPTS='-XX:TieredStopAtLevel=4 -XX:SharedArchiveFile=$JDK_ARCHIVE' $OTTO run otto:status"

echo "== where a boot's time goes (ms since the JVM started)"
for _ in 1 2 3 4 5; do
  JAVA_OPTS=-Dotto.boot.trace=true "$OTTO" run 'otto:status' 2>&1 > /dev/null | grep 'boot trace'
done
for _ in 1 2 3; do
  JAVA_OPTS="-Dotto.boot.trace=true -XX:TieredStopAtLevel=4 -XX:SharedArchiveFile=$JDK_ARCHIVE" \
    "$OTTO" run 'otto:status' 2>&1 > /dev/null | sed 's/boot trace/boot trace (as before)/' | grep 'boot trace'
done

echo "== against a running Otto"
"$OTTO" start
hyperfine --warmup 2 --runs "$((RUNS * 3))" --export-markdown "$WORK/attach.md" \
  -n "baseline: a bare JVM (java -version)" "$JAVA -XX:TieredStopAtLevel=1 -version" \
  -n "bin/otto run otto:status, attached" "$OTTO run otto:status" \
  -n "bin/otto status" "$OTTO status"
"$OTTO" stop
cat "$WORK/boot.md" "$WORK/attach.md"
echo "(work folder: $WORK)"
