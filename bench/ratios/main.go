// Command ratios reads `go test -bench` output on stdin and prints, for
// each benchmark with "sdk" and "raw" sub-benchmarks, the medians and the
// SDK/raw ratios of ns/op, B/op and allocs/op.
//
//	go test -run '^$' -bench . -benchmem -count 6 . | go run ./bench/ratios
package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

var line = regexp.MustCompile(`^(Benchmark\S+)/(sdk|raw)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op\s+(?:([\d.]+) cpu-ns/op\s+)?([\d.]+) B/op\s+([\d.]+) allocs/op`)

func main() {
	samples := map[string]map[string][4][]float64{} // benchmark → impl → ns, cpu-ns, B, allocs
	var order []string
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		fmt.Println(sc.Text())
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		if samples[m[1]] == nil {
			samples[m[1]] = map[string][4][]float64{}
			order = append(order, m[1])
		}
		s := samples[m[1]][m[2]]
		for i := range 4 {
			if v, err := strconv.ParseFloat(m[3+i], 64); err == nil {
				s[i] = append(s[i], v)
			}
		}
		samples[m[1]][m[2]] = s
	}
	fmt.Printf("\n%-18s %10s %10s %6s | %10s %10s %6s | %8s %8s %6s | %6s %6s %5s\n", "benchmark (median)",
		"sdk ns/op", "raw ns/op", "ratio", "sdk cpu", "raw cpu", "ratio", "sdk B/op", "raw B/op", "ratio", "sdk al", "raw al", "diff")
	for _, name := range order {
		sdk, raw := samples[name]["sdk"], samples[name]["raw"]
		if len(sdk[0]) == 0 || len(raw[0]) == 0 {
			continue
		}
		med := func(i int) (float64, float64) { return median(sdk[i]), median(raw[i]) }
		ns0, ns1 := med(0)
		cpu0, cpu1 := med(1)
		b0, b1 := med(2)
		a0, a1 := med(3)
		cpu := fmt.Sprintf("%10s %10s %6s", "-", "-", "-")
		if cpu1 > 0 {
			cpu = fmt.Sprintf("%10.0f %10.0f %6.2f", cpu0, cpu1, cpu0/cpu1)
		}
		fmt.Printf("%-18s %10.0f %10.0f %6.2f | %s | %8.0f %8.0f %6.2f | %6.0f %6.0f %+5.0f\n",
			strings.TrimPrefix(name, "Benchmark"), ns0, ns1, ns0/ns1, cpu, b0, b1, b0/b1, a0, a1, a0-a1)
	}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	return v[len(v)/2]
}
