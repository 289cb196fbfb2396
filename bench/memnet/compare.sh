#!/usr/bin/env bash
# compare.sh ROUNDS: runs every benchmark of this package ROUNDS times (10
# unless told), each transport in a process of its own and in a rotating
# order, so that neither a noisy neighbour nor the garbage of the previous
# transport always lands on the same one; then prints benchstat's table.
# Run it from bench/: memnet/compare.sh 20
set -euo pipefail
rounds=${1:-10}
cd "$(dirname "$0")"
bin=$(mktemp -d)/memnet.test
out=$(mktemp)
go test -c -o "$bin" .
nets=(memnet bufconn net.Pipe tcp)
for ((i = 0; i < rounds; i++)); do
  for ((j = 0; j < ${#nets[@]}; j++)); do
    net=${nets[$(((i + j) % ${#nets[@]}))]}
    "$bin" -test.run '^$' -test.bench "/net=$net\$" -test.benchtime 300ms
  done
done >"$out"
echo "raw results: $out" >&2
benchstat -col /net "$out"
