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

var line = regexp.MustCompile(`^(Benchmark\S+)/(sdk|raw)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op\s+([\d.]+) B/op\s+([\d.]+) allocs/op`)

func main() {
	samples := map[string]map[string][3][]float64{} // benchmark → impl → ns, B, allocs
	var order []string
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		fmt.Println(sc.Text())
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		if samples[m[1]] == nil {
			samples[m[1]] = map[string][3][]float64{}
			order = append(order, m[1])
		}
		s := samples[m[1]][m[2]]
		for i := range 3 {
			v, _ := strconv.ParseFloat(m[3+i], 64)
			s[i] = append(s[i], v)
		}
		samples[m[1]][m[2]] = s
	}
	fmt.Printf("\n%-26s %12s %12s %7s | %9s %9s %6s | %7s %7s %6s\n", "benchmark (medians)", "sdk ns/op", "raw ns/op", "ratio", "sdk B/op", "raw B/op", "ratio", "sdk al", "raw al", "diff")
	for _, name := range order {
		sdk, raw := samples[name]["sdk"], samples[name]["raw"]
		if len(sdk[0]) == 0 || len(raw[0]) == 0 {
			continue
		}
		ns, b, al := [2]float64{median(sdk[0]), median(raw[0])}, [2]float64{median(sdk[1]), median(raw[1])}, [2]float64{median(sdk[2]), median(raw[2])}
		fmt.Printf("%-26s %12.0f %12.0f %7.2f | %9.0f %9.0f %6.2f | %7.0f %7.0f %+6.0f\n",
			strings.TrimPrefix(name, "Benchmark"), ns[0], ns[1], ns[0]/ns[1], b[0], b[1], b[0]/b[1], al[0], al[1], al[0]-al[1])
	}
}

func median(v []float64) float64 {
	slices.Sort(v)
	return v[len(v)/2]
}
