#!/usr/bin/env bash
# Client instructions per call, SDK and floor, counted by callgrind (exact
# whatever the machine's load): the load binary makes N sequential calls of
# one side against a server started apart (callgrind follows no child), and
# per call = (instructions of 1,500 calls - of 500 calls) / 1,000.
#
#	bench/instructions.sh LOADBINARY      (go build -o LOADBINARY ./bench/load)
set -euo pipefail
bin=$1
coproc SRV { exec "$bin" -serve; }
read -r line <&"${SRV[0]}"
trap 'kill "$SRV_PID"; rm -f "${line##* }"' EXIT
count() { # side proto family calls
	GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		"$bin" -cg "$1" -proto "$2" -calls-only "$3" -calls "$4" -at "$line" 2>&1 |
		sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
perCall() { echo $(( ($(count "$1" "$2" "$3" 1500) - $(count "$1" "$2" "$3" 500)) / 1000 )); }
printf '%-8s %-7s %12s %12s %6s\n' proto call "sdk instr" "raw instr" ratio
for proto in h1 h2; do
	for fam in v2 mobile; do
		s=$(perCall sdk $proto $fam)
		r=$(perCall raw $proto $fam)
		printf '%-8s %-7s %12d %12d %6s\n' $proto $fam "$s" "$r" "$(echo "scale=3; $s / $r" | bc)"
	done
done
