#!/bin/sh
# SPDX-License-Identifier: ISC
# netjack2 on this machine, over loopback: a master JACK server (dummy
# driver, 48 kHz / 256) loads netmanager; a slave server runs `jackd -d net`
# pointed at 127.0.0.1 (unicast, so lo needs no multicast). A 1 kHz sine at
# amplitude 0.5 played into the master's port to the slave must arrive at
# the slave's system:capture_1 with that amplitude (float encoding: no loss)
# and nothing else, and the same on the way back. See docs/scale.md.
#
# Later, when `gainstage run` is on main, gainstage takes the player's place
# on the master side (HOOK below): `gainstage run --backend jack` with the
# slave's ports as its outputs, measured on the slave as here.
#
# usage: test_netjack.sh PATH-TO-jack_tone
set -u
tone=$1
id=gs-netjack-$$
port=$((19100 + $$ % 800))
export JACK_NO_AUDIO_RESERVATION=1 JACK_NO_START_SERVER=1
tmp=$(mktemp -d /tmp/gs-test-netjack-XXXXXX)
pids=""

cleanup() {
  for p in $pids; do
    kill "$p" 2>/dev/null
  done
  for p in $pids; do
    wait "$p" 2>/dev/null
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
  echo "FAIL: $*"
  for f in "$tmp"/*.log; do
    [ -f "$f" ] && { echo "--- $(basename "$f")"; tail -15 "$f"; }
  done
  exit 1
}

# Waits up to 10 s for a port named $2 on server $1.
wait_port() {
  i=0
  while [ $i -lt 100 ]; do
    JACK_DEFAULT_SERVER=$1 jack_lsp 2>/dev/null | grep -qx "$2" && return 0
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}

command -v jackd >/dev/null || fail "jackd is not installed (scripts/install-deps installs jackd2)"

jackd -n "$id-master" -d dummy -r 48000 -p 256 >"$tmp/master.log" 2>&1 &
pids="$pids $!"
wait_port "$id-master" system:playback_1 || fail "the master server did not start"
JACK_DEFAULT_SERVER=$id-master jack_load netmanager -i "-a 127.0.0.1 -p $port" \
  >"$tmp/netmanager.log" 2>&1 || fail "jack_load netmanager failed"

jackd -n "$id-slave" -d net -a 127.0.0.1 -p "$port" -C 2 -P 2 -n gs_slave -l 2 \
  >"$tmp/slave.log" 2>&1 &
pids="$pids $!"
wait_port "$id-master" gs_slave:to_slave_1 ||
  fail "the net slave did not reach the master over 127.0.0.1:$port"
wait_port "$id-slave" system:capture_1 || fail "the slave server has no capture ports"
echo "netjack2 linked: master $id-master, slave $id-slave, UDP 127.0.0.1:$port"

# One direction: player on server $1 into port $2, measured on server $3 at port $4.
check() {
  # HOOK: on the master side, `gainstage run` replaces this player.
  JACK_DEFAULT_SERVER=$1 "$tone" play "$2" 1000 0.5 5 >"$tmp/play.log" 2>&1 &
  player=$!
  pids="$pids $player"
  sleep 0.5
  JACK_DEFAULT_SERVER=$3 "$tone" measure "$4" 1000 2 >"$tmp/measure.json" 2>"$tmp/measure.log" ||
    fail "measuring $4 on $3 failed"
  kill "$player" 2>/dev/null
  wait "$player" 2>/dev/null
  echo "$2 -> $4: $(cat "$tmp/measure.json")"
  # amplitude 0.5 +- 0.005 (float samples cross unchanged), and the sine is
  # at least 99.9 % of the power (no dropouts, no noise).
  python3 - "$tmp/measure.json" <<'PY' || fail "$2 -> $4: the sine did not arrive intact"
import json, sys
m = json.load(open(sys.argv[1]))
ok = m["frames"] >= 2 * 48000 and abs(m["amplitude"] - 0.5) <= 0.005 and m["tone_share"] >= 0.999
sys.exit(0 if ok else 1)
PY
}

check "$id-master" gs_slave:to_slave_1 "$id-slave" system:capture_1
check "$id-slave" system:playback_1 "$id-master" gs_slave:from_slave_1
echo "PASS"
