// Command load measures the SDK against the floor (internal/baseline)
// under concurrency: a server in a separate process on loopback, N
// goroutines sharing one client, over HTTP/1.1 and over TLS 1.3 with
// HTTP/2, reporting calls/s, p50/p99 latency, the client process's CPU per
// call (the server's is not counted) and the connections the server
// accepted, side by side with SDK/raw ratios.
//
//	go run ./bench/load [-calls 20000] [-rounds 5] [-goroutines 1,8,64] [-proto h1,h2] [-calls-only v2,mobile]
//
// With -cg sdk|raw it only makes -calls sequential calls of one side (after
// a fixed warm-up) and exits: run it under valgrind --tool=callgrind twice
// with different -calls for the client's instructions per call.
// With -cpuprofile it writes a CPU profile of each side at the largest
// goroutine count.
package main

import (
	"bufio"
	"cmp"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/internal/baseline"
)

const (
	domain = "E.SP.4294967410"
	secret = "load-secret"
	appID  = "load-app"
	v2Body = `{"code":200,"msg":"success","data":{"accessToken":{"token":"Bearer eyJhbGciOiJIUzI1NiJ9.access.sig","expirationTime":1744780894},"refreshToken":{"token":"eyJhbGciOiJIUzI1NiJ9.refresh.sig","expirationTime":1747365894}},"extMsg":null}`
	gaBody = `{"statusCode":200,"message":"","data":{"scope":"openid profile","access_token":"eyJhbGciOiJSUzI1NiJ9.genauth-access.sig","id_token":"eyJhbGciOiJSUzI1NiJ9.genauth-id.sig","refresh_token":"genauth-refresh","token_type":"Bearer","expire_in":7200}}`

	twApp, twToken, twSecret = "tw-app-1", "1234567890-AbCdEf", "ZyXwVuTsRqPoNm"
	wxConn, wxCode           = "wechat-mobile", "081AbCdEf0GhIjKl"
)

// families are the measured calls: flag name and table name.
var families = []struct{ flag, name string }{{"v2", "v2 login"}, {"mobile", "SignInByMobile"}}

func main() {
	serve := flag.Bool("serve", false, "run the server side (started by the benchmark itself)")
	calls := flag.Int("calls", 20000, "calls per run")
	gs := flag.String("goroutines", "1,8,64", "goroutine counts")
	protos := flag.String("proto", "h1,h2", "h1: HTTP/1.1 in the clear; h2: TLS 1.3 with HTTP/2")
	only := flag.String("calls-only", "v2,mobile", "which calls: v2 (Twitter login), mobile (SignInByMobile)")
	rounds := flag.Int("rounds", 5, "rounds per point: each runs both sides, in alternating order")
	cg := flag.String("cg", "", "sdk or raw: only make -calls sequential calls of that side (for callgrind)")
	cpuprofile := flag.String("cpuprofile", "", "write CPU profiles (PREFIX.PROTO.CALL.SIDE) of each side at the largest goroutine count")
	at := flag.String("at", "", "with -cg: the line a -serve process printed (a server started apart, so that callgrind sees no child)")
	flag.Parse()
	var err error
	switch {
	case *serve:
		err = runServer()
	case *cg != "":
		err = runCG(*cg, *calls, *protos, *only, *at)
	default:
		err = runBench(*calls, *rounds, *gs, *protos, *only, *cpuprofile)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// runServer serves fixed answers over HTTP/1.1 and over TLS (HTTP/2
// offered), connection counts on a third port, and prints the three
// addresses and the path of its certificate.
func runServer() error {
	var lns [3]net.Listener
	for i := range lns {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		lns[i] = ln
	}
	certFile, cert, err := selfSigned()
	if err != nil {
		return err
	}
	var conns atomic.Int64
	var proto atomic.Value // the protocol of the latest request
	proto.Store("-")
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proto.Store(r.Proto)
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if strings.HasPrefix(r.URL.Path, "/api/") {
			_, _ = io.WriteString(w, gaBody)
			return
		}
		_, _ = io.WriteString(w, v2Body)
	})
	count := func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	plain := &http.Server{Handler: handler, ConnState: count, ReadHeaderTimeout: 10 * time.Second}
	tlsSrv := &http.Server{Handler: handler, ConnState: count, ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS13}}
	go func() { _ = plain.Serve(lns[0]) }()
	go func() { _ = tlsSrv.ServeTLS(lns[1], "", "") }()
	fmt.Printf("%s %s %s %s\n", lns[0].Addr(), lns[1].Addr(), lns[2].Addr(), certFile)
	return (&http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, conns.Swap(0), " ", proto.Load())
	})}).Serve(lns[2])
}

// selfSigned makes a P-256 certificate for 127.0.0.1 and writes it to a
// temporary file, which the client process trusts through SSL_CERT_FILE:
// the SDK's own default transport and the floor's then verify it as they
// would a real server's.
func selfSigned() (string, tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "load"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", tls.Certificate{}, err
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("enduser-load-%d.pem", os.Getpid()))
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return "", tls.Certificate{}, err
	}
	return path, tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// server is the started server process: base URLs per protocol and the
// connection counter's URL.
type server struct {
	base map[string]string
	ctl  string
	stop func()
}

func startServer() (*server, error) {
	cmd := exec.Command(os.Args[0], "-serve")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		stop()
		return nil, err
	}
	return serverAt(line, stop, true)
}

// serverAt reads a -serve process's line; own says the caller started it
// (its stop then removes the certificate file too).
func serverAt(line string, stop func(), own bool) (*server, error) {
	f := strings.Fields(line)
	if len(f) != 4 {
		stop()
		return nil, fmt.Errorf("server said %q", line)
	}
	// Both clients' default transports verify the server against the
	// system roots, which Go reads from SSL_CERT_FILE on first use.
	if err := os.Setenv("SSL_CERT_FILE", f[3]); err != nil {
		stop()
		return nil, err
	}
	return &server{
		base: map[string]string{"h1": "http://" + f[0], "h2": "https://" + f[1]},
		ctl:  "http://" + f[2],
		stop: func() {
			stop()
			if own {
				_ = os.Remove(f[3])
			}
		},
	}, nil
}

type result struct {
	callsPerSec float64
	p50, p99    time.Duration
	cpu         time.Duration // client process CPU per call
	conns       int64
	proto       string // the negotiated protocol of the last answer
}

func runBench(calls, rounds int, goroutines, protos, only, cpuprofile string) error {
	srv, err := startServer()
	if err != nil {
		return err
	}
	defer srv.stop()
	if rounds < 1 {
		return fmt.Errorf("-rounds %d: need at least one", rounds)
	}
	var gcounts []int
	for _, g := range strings.Split(goroutines, ",") {
		n, err := strconv.Atoi(g)
		if err != nil || n < 1 {
			return fmt.Errorf("bad goroutine count %q", g)
		}
		gcounts = append(gcounts, n)
	}
	fmt.Printf("load: %d calls per run, server in a separate process on loopback, GOMAXPROCS=%d\n", calls, runtime.GOMAXPROCS(0))
	fmt.Printf("%d rounds a point, each running both sides in alternating order; each side's figures are its median run,\n", rounds)
	fmt.Printf("each ratio the median of the rounds' sdk/raw ratios (c/s range: lowest-highest round); cpu = client process CPU per call\n\n")
	fmt.Printf("%-15s %-8s %4s | %8s %8s %8s %7s %5s | %8s %8s %8s %7s %5s | %5s %9s %5s %5s %5s\n",
		"call", "proto", "gor", "sdk c/s", "p50", "p99", "cpu", "conns", "raw c/s", "p50", "p99", "cpu", "conns", "c/s", "range", "p50", "p99", "cpu")
	for _, proto := range strings.Split(protos, ",") {
		base, ok := srv.base[proto]
		if !ok {
			return fmt.Errorf("unknown protocol %q", proto)
		}
		for _, fam := range families {
			if !strings.Contains(","+only+",", ","+fam.flag+",") {
				continue
			}
			for _, mk := range []caller{sdkCall(base, fam.name), rawCall(base, fam.name)} { // warm up
				if _, err := measure(srv.ctl, calls/10, 8, mk); err != nil {
					return err
				}
			}
			for _, n := range gcounts {
				p, err := pairs(srv.ctl, calls, n, rounds, sdkCall(base, fam.name), rawCall(base, fam.name))
				if err != nil {
					return err
				}
				sdk, raw := p.side[0], p.side[1]
				fmt.Printf("%-15s %-8s %4d | %8.0f %8s %8s %7s %5d | %8.0f %8s %8s %7s %5d | %5.2f %4.2f-%4.2f %5.2f %5.2f %5.2f\n",
					fam.name, sdk.proto, n, sdk.callsPerSec, sdk.p50, sdk.p99, sdk.cpu, sdk.conns,
					raw.callsPerSec, raw.p50, raw.p99, raw.cpu, raw.conns,
					p.callsPerSec[len(p.callsPerSec)/2], p.callsPerSec[0], p.callsPerSec[len(p.callsPerSec)-1], p.p50, p.p99, p.cpu)
			}
			if cpuprofile != "" {
				for side, mk := range map[string]caller{"sdk": sdkCall(base, fam.name), "raw": rawCall(base, fam.name)} {
					if err := profile(srv.ctl, calls, gcounts[len(gcounts)-1], mk, fmt.Sprintf("%s.%s.%s.%s", cpuprofile, proto, fam.flag, side)); err != nil {
						return err
					}
				}
			}
		}
	}
	fmt.Println("\nratios are sdk/raw: c/s wants >= 0.92, cpu <= 1.10, p99 <= 1.25")
	return nil
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

// profile writes a CPU profile of calls calls over n goroutines.
func profile(ctl string, calls, n int, mk caller, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	_, err = measure(ctl, calls, n, mk)
	pprof.StopCPUProfile()
	return err
}

// runCG makes calls sequential calls of one side after 200 warm-up calls.
func runCG(side string, calls int, proto, only, at string) error {
	srv, err := serverAt(at, func() {}, false)
	if err != nil {
		return err
	}
	defer srv.stop()
	base, ok := srv.base[proto]
	if !ok {
		return fmt.Errorf("-cg needs one -proto, h1 or h2")
	}
	name := ""
	for _, fam := range families {
		if fam.flag == only {
			name = fam.name
		}
	}
	mk := map[string]caller{"sdk": sdkCall(base, name), "raw": rawCall(base, name)}[side]
	if name == "" || mk == nil {
		return fmt.Errorf("-cg needs sdk or raw and one of -calls-only v2 or mobile")
	}
	call, cleanup, err := mk()
	if err != nil {
		return err
	}
	defer cleanup()
	for i := range 200 + calls {
		if err := call(context.Background()); err != nil {
			return fmt.Errorf("call %d: %w", i, err)
		}
	}
	return nil
}

// point is one measured point: each side's median run and the median of
// the rounds' sdk/raw ratios (callsPerSec holds every round's, sorted).
type point struct {
	side          [2]result
	callsPerSec   []float64
	p50, p99, cpu float64
}

// pairs measures rounds rounds of both sides, the SDK first in even rounds
// and the floor first in odd ones. A ratio is taken within a round, whose
// two runs follow each other, so that the machine's slow drifts (other
// processes, frequency) cancel; the median of the rounds then drops the
// rounds a burst of noise hit.
func pairs(ctl string, calls, n, rounds int, sdk, raw caller) (point, error) {
	runs := [2][]result{}
	var p point
	var p50, p99, cpu []float64
	for round := range rounds {
		var r [2]result
		for k := range 2 {
			i := (k + round) % 2
			var err error
			if r[i], err = measure(ctl, calls, n, []caller{sdk, raw}[i]); err != nil {
				return point{}, err
			}
			runs[i] = append(runs[i], r[i])
		}
		p.callsPerSec = append(p.callsPerSec, r[0].callsPerSec/r[1].callsPerSec)
		p50 = append(p50, ratio(r[0].p50, r[1].p50))
		p99 = append(p99, ratio(r[0].p99, r[1].p99))
		cpu = append(cpu, ratio(r[0].cpu, r[1].cpu))
	}
	for i := range runs {
		slices.SortFunc(runs[i], func(a, b result) int { return cmp.Compare(a.callsPerSec, b.callsPerSec) })
		p.side[i] = runs[i][len(runs[i])/2]
	}
	slices.Sort(p.callsPerSec)
	p.p50, p.p99, p.cpu = median(p50), median(p99), median(cpu)
	return p, nil
}

func median(v []float64) float64 {
	slices.Sort(v)
	return v[len(v)/2]
}

// caller makes a fresh client for one run and returns its call function
// and a cleanup.
type caller func() (func(ctx context.Context) error, func(), error)

func sdkCall(base, family string) caller {
	return func() (func(ctx context.Context) error, func(), error) {
		c, err := enduser.NewClient(enduser.Config{
			BaseURL: base, UserDomain: domain, UserDomainSecret: secret,
			GenAuth: enduser.GenAuthConfig{Host: base, AppID: appID},
		})
		if err != nil {
			return nil, nil, err
		}
		if family == "v2 login" {
			req := enduser.TwitterLoginRequest{AppID: twApp, OAuthToken: twToken, OAuthTokenSecret: twSecret}
			return func(ctx context.Context) error {
				_, err := c.TwitterLogin(ctx, req)
				return err
			}, c.CloseIdleConnections, nil
		}
		req := enduser.MobileSignInRequest{ExtIdpConnIdentifier: wxConn, Payload: enduser.WechatPayload{Code: wxCode}}
		return func(ctx context.Context) error {
			_, err := c.SignInByMobile(ctx, req)
			return err
		}, c.CloseIdleConnections, nil
	}
}

func rawCall(base, family string) caller {
	return func() (func(ctx context.Context) error, func(), error) {
		rc := baseline.New(baseline.Config{
			BaseURL: base, UserDomain: domain, UserDomainSecret: secret, GenAuthHost: base, AppID: appID,
			Timeout: enduser.DefaultTimeout, UserAgent: "enduser-go/" + enduser.Version,
		})
		if family == "v2 login" {
			return func(ctx context.Context) error {
				_, err := rc.TwitterLogin(ctx, twApp, twToken, twSecret)
				return err
			}, rc.CloseIdleConnections, nil
		}
		return func(ctx context.Context) error {
			_, err := rc.SignInByMobileWechat(ctx, wxConn, wxCode)
			return err
		}, rc.CloseIdleConnections, nil
	}
}

// measure runs calls calls over n goroutines with one fresh client and
// reads how many connections the server accepted meanwhile.
func measure(ctl string, calls, n int, mk caller) (result, error) {
	if _, _, err := readConns(ctl); err != nil { // reset the counter
		return result{}, err
	}
	call, cleanup, err := mk()
	if err != nil {
		return result{}, err
	}
	defer cleanup()
	// One call first: a fresh client's first calls would otherwise all dial
	// at once (over TLS, each its own handshake, before HTTP/2 can share one
	// connection); measured is the steady state of a long-lived client.
	if err := call(context.Background()); err != nil {
		return result{}, err
	}
	lat := make([]time.Duration, calls)
	var next atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	cpu0 := cpuTime()
	start := time.Now()
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(calls) {
					return
				}
				t := time.Now()
				if err := call(context.Background()); err != nil {
					firstErr.CompareAndSwap(nil, err)
				}
				lat[i] = time.Since(t)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	if err, _ := firstErr.Load().(error); err != nil {
		return result{}, err
	}
	conns, proto, err := readConns(ctl)
	if err != nil {
		return result{}, err
	}
	slices.Sort(lat)
	return result{
		callsPerSec: float64(calls) / elapsed.Seconds(),
		p50:         lat[calls/2].Round(time.Microsecond),
		p99:         lat[calls*99/100].Round(time.Microsecond),
		cpu:         (cpu / time.Duration(calls)).Round(100 * time.Nanosecond),
		conns:       conns,
		proto:       proto,
	}, nil
}

// cpuTime is this process's CPU time (user+system); the server is another
// process and is not counted.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// readConns returns and resets the server's accepted-connection count,
// and returns the protocol of the latest request it answered.
func readConns(ctl string) (int64, string, error) {
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	resp, err := hc.Get(ctl)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, "", err
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return 0, "", fmt.Errorf("counter said %q", b)
	}
	n, err := strconv.ParseInt(f[0], 10, 64)
	return n, f[1], err
}
