#!/usr/bin/env bash
# Client instructions per call, SDK and floor, counted by callgrind (the
# same however busy the machine is, within about 2%: the garbage collector's
# timing varies from run to run): the load binary makes N sequential calls of
# one side against a server started apart (callgrind follows no child), and
# per call = (instructions of HI calls - of LO calls) / (HI - LO), by default
# 6,000 and 1,000 (environment HI and LO).
#
#	bench/instructions.sh LOADBINARY      (go build -o LOADBINARY ./bench/load)
set -euo pipefail
bin=$1; lo=${LO:-1000}; hi=${HI:-6000}
coproc SRV { exec "$bin" -serve; }
read -r line <&"${SRV[0]}"
trap 'kill "$SRV_PID"; rm -f "${line##* }"' EXIT
count() { # side proto family calls
	GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		"$bin" -cg "$1" -proto "$2" -calls-only "$3" -calls "$4" -at "$line" 2>&1 |
		sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
perCall() { echo $(( ($(count "$1" "$2" "$3" $hi) - $(count "$1" "$2" "$3" $lo)) / (hi - lo) )); }
printf '%-8s %-7s %12s %12s %6s\n' proto call "sdk instr" "raw instr" ratio
for proto in h1 h2; do
	for fam in v2 mobile; do
		s=$(perCall sdk $proto $fam)
		r=$(perCall raw $proto $fam)
		printf '%-8s %-7s %12d %12d %6s\n' $proto $fam "$s" "$r" "$(echo "scale=3; $s / $r" | bc)"
	done
done
