#!/usr/bin/env bash
# Splits two CPU profiles of the same calls (bench/load -cpuprofile: the SDK
# and the floor) into layers, each as a share of the floor's total CPU.
# A sample counts to the layer it was in: net/http.NewRequest* (resty's when
# resty called it), else net/http's sending and reading (the transport, TLS,
# syscalls; also under resty's Execute), else resty, encoding/json, own code,
# in that order, wherever on its stack; allocation and GC assist thus count
# to the layer that allocated.
#
#	bench/split.sh PREFIX.h1.v2.sdk PREFIX.h1.v2.raw
set -euo pipefail
layers() {
	go tool pprof -traces "$1" 2>/dev/null | awk '
	function ms(v) { if (v ~ /ms$/) return v + 0; if (v ~ /us$|µs$/) return v / 1000; if (v ~ /s$/) return v * 1000; return v + 0 }
	function flush(  l) {
		if (v > 0) {
			l = 7
			if (gc) l = 1
			else if (newreq) l = resty ? 2 : 3
			else if (send) l = 4
			else if (resty) l = 2
			else if (json) l = 5
			else if (own) l = 6
			sum[l] += v
		}
		v = 0; gc = newreq = send = resty = json = own = 0
	}
	function frame(f) {
		if (f ~ /^runtime\.gcBgMarkWorker/) gc = 1
		if (f ~ /^net\/http\.NewRequest/) newreq = 1
		else if (f ~ /^net\/http\./ && f !~ /^net\/http\.(Header|CanonicalHeaderKey|cloneOrMakeHeader|\(\*Request\)\.(WithContext|Clone))/) send = 1
		if (f ~ /^(crypto\/|net\.|internal\/poll|syscall\.|golang\.org\/x\/net|vendor\/golang\.org)/) send = 1
		if (f ~ /^github\.com\/go-resty\/resty/) resty = 1
		if (f ~ /^encoding\/json/) json = 1
		if (f ~ /^(github\.com\/seed1804ee03\/enduser|main\.)/) own = 1
	}
	/^-----------\+/ { flush(); next }
	/^ +[0-9.]+(ms|s|us|µs) +/ { flush(); v = ms($1); frame($2); next }
	/^ +[^ 0-9]/ { frame($1) }
	END { flush(); for (i = 1; i <= 7; i++) print i, sum[i] + 0 }'
}
names=("GC background marking" "resty request pipeline" "http.NewRequestWithContext" "net/http: send, transport, TLS, syscalls" "encoding/json (body, answer)" "own code (SDK or floor; the load loop)" "runtime, scheduler, other")
mapfile -t s < <(layers "$1" | cut -d' ' -f2)
mapfile -t r < <(layers "$2" | cut -d' ' -f2)
tr=0; ts=0
for i in 0 1 2 3 4 5 6; do tr=$(echo "$tr + ${r[$i]}" | bc); ts=$(echo "$ts + ${s[$i]}" | bc); done
printf '| %-42s | %7s | %7s |\n' layer SDK floor
for i in 3 4 2 1 5 6 0; do
	printf '| %-42s | %6.1f%% | %6.1f%% |\n' "${names[$i]}" "$(echo "100 * ${s[$i]} / $tr" | bc -l)" "$(echo "100 * ${r[$i]} / $tr" | bc -l)"
done
printf '| %-42s | %6.1f%% | %6.1f%% |\n' total "$(echo "100 * $ts / $tr" | bc -l)" 100
