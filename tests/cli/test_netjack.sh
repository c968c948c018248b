#!/bin/sh
# SPDX-License-Identifier: ISC
# netjack2 on this machine, over loopback: a master JACK server (dummy
# driver, 48 kHz / 256) loads netmanager; a slave server runs `jackd -d net`
# pointed at 127.0.0.1 (unicast, so lo needs no multicast). A 1 kHz sine at
# amplitude 0.5 played into the master's port to the slave must arrive at
# the slave's system:capture_1 with that amplitude (float encoding: no loss)
# and nothing else, and the same on the way back. See docs/scale.md.
#
# Then gainstage itself on the master side: `gainstage run` plays a session
# whose line strip hears a +12 dBu 1 kHz sine (its own source) through a
# clean preamp at 0 dB into a +18 dBu converter: its capture port carries a
# sine of amplitude 10^(-6/20) = 0.501, which must arrive at the slave so.
#
# usage: test_netjack.sh PATH-TO-jack_tone PATH-TO-gainstage
set -u
tone=$1
gainstage=$2
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

# One direction: player on server $1 into port $2, measured on server $3 at
# port $4, for amplitude $5 (default 0.5); $6 set: the player is already on.
check() {
  want=${5:-0.5}
  player=""
  if [ -z "${6:-}" ]; then
    JACK_DEFAULT_SERVER=$1 "$tone" play "$2" 1000 0.5 5 >"$tmp/play.log" 2>&1 &
    player=$!
    pids="$pids $player"
  fi
  sleep 0.5
  JACK_DEFAULT_SERVER=$3 "$tone" measure "$4" 1000 2 >"$tmp/measure.json" 2>"$tmp/measure.log" ||
    fail "measuring $4 on $3 failed"
  if [ -n "$player" ]; then
    kill "$player" 2>/dev/null
    wait "$player" 2>/dev/null
  fi
  echo "$2 -> $4: $(cat "$tmp/measure.json")"
  # amplitude within 1 % (float samples cross unchanged), and the sine is
  # at least 99.9 % of the power (no dropouts, no noise).
  python3 - "$tmp/measure.json" "$want" <<'PY' || fail "$2 -> $4: the sine did not arrive intact"
import json, sys
m = json.load(open(sys.argv[1]))
want = float(sys.argv[2])
ok = m["frames"] >= 2 * 48000 and abs(m["amplitude"] - want) <= 0.01 * want and m["tone_share"] >= 0.999
sys.exit(0 if ok else 1)
PY
}

check "$id-master" gs_slave:to_slave_1 "$id-slave" system:capture_1
check "$id-slave" system:playback_1 "$id-master" gs_slave:from_slave_1

# gainstage on the master, the test client on the slave.
cat >"$tmp/net.yaml" <<'YAML'
session: {name: net, rate_hz: 48000, bits: 24, block: 256, adc_ref_dbu: 18}
strips:
  - {name: synth, input: line, model: clean, gain_db: 0,
     source: {generator: sine, level: 12, freq_hz: 1000}}
YAML
JACK_DEFAULT_SERVER=$id-master "$gainstage" run --backend jack --sources session \
  --client-name gs-net "$tmp/net.yaml" </dev/null >"$tmp/gainstage.log" 2>&1 &
gs=$!
pids="$pids $gs"
wait_port "$id-master" gs-net:capture_1 || fail "gainstage run did not come up on the master"
JACK_DEFAULT_SERVER=$id-master jack_connect gs-net:capture_1 gs_slave:to_slave_1 ||
  fail "cannot connect gainstage to the slave"
check "$id-master" gs-net:capture_1 "$id-slave" system:capture_1 0.501187 on
kill "$gs" 2>/dev/null
wait "$gs" 2>/dev/null
echo "PASS"
