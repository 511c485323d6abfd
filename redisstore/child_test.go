package redisstore_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
	"github.com/seed1804ee03/enduser/redisstore"
)

// The multi-process tests re-run this test binary as child processes (see
// TestMain): each child is one replica of a service, with its own Client,
// Redis connection pool and SharedTokenSource, configured by these
// variables. A child prints "ready", then for every line "run <key>" on
// its stdin starts its goroutines at once on a new SharedTokenSource for
// key, each calling Token once, and prints one JSON childResult line. It
// exits when its stdin closes.
const (
	childEnv        = "REDISSTORE_TEST_CHILD" // the child's name, also its User-Agent
	childRedisEnv   = "REDISSTORE_TEST_REDIS"
	childPrefixEnv  = "REDISSTORE_TEST_PREFIX"
	childEmuEnv     = "REDISSTORE_TEST_EMULATOR"
	childTimeoutEnv = "REDISSTORE_TEST_TIMEOUT"
	childLockTTLEnv = "REDISSTORE_TEST_LOCK_TTL"
	childGoroutines = "REDISSTORE_TEST_GOROUTINES"
	childKeyEnv     = "REDISSTORE_TEST_KEY" // hex AES key: the store encrypts (key id "test")
)

// childResult is what a child reports for one run: per goroutine a short
// hash of the access token it got (never the token), or its error, and its
// latency.
type childResult struct {
	Name    string   `json:"name"`
	Hashes  []string `json:"hashes"`
	Errors  []string `json:"errors"`
	Latency []int64  `json:"latency_ns"`
	Ops     int64    `json:"redis_ops"` // Redis commands this child sent during the run
}

// tokenHash names a token in test output without showing it.
func tokenHash(t *enduser.Token) string {
	if t == nil {
		return "<nil>"
	}
	sum := sha256.Sum256([]byte(t.AccessToken))
	return hex.EncodeToString(sum[:8])
}

func runChild() int {
	if err := child(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	return 0
}

func child(in io.Reader, out io.Writer) error {
	name := os.Getenv(childEnv)
	timeout, err := time.ParseDuration(os.Getenv(childTimeoutEnv))
	if err != nil {
		return fmt.Errorf("%s: %w", childTimeoutEnv, err)
	}
	lockTTL, err := time.ParseDuration(os.Getenv(childLockTTLEnv))
	if err != nil {
		return fmt.Errorf("%s: %w", childLockTTLEnv, err)
	}
	goroutines, err := strconv.Atoi(os.Getenv(childGoroutines))
	if err != nil {
		return fmt.Errorf("%s: %w", childGoroutines, err)
	}
	client, err := enduser.NewClient(enduser.Config{
		BaseURL:          os.Getenv(childEmuEnv),
		UserDomain:       endusertest.DefaultUserDomain,
		UserDomainSecret: endusertest.DefaultUserDomainSecret,
	}, enduser.WithUserAgent(name), enduser.WithTimeout(timeout))
	if err != nil {
		return err
	}
	rdb, err := dial(os.Getenv(childRedisEnv))
	if err != nil {
		return err
	}
	defer func() { _ = rdb.Close() }()
	ops := &opCounter{}
	rdb.AddHook(ops)
	opts := []redisstore.Option{redisstore.WithPrefix(os.Getenv(childPrefixEnv))}
	if k := os.Getenv(childKeyEnv); k != "" {
		secret, err := hex.DecodeString(k)
		if err != nil {
			return fmt.Errorf("%s: %w", childKeyEnv, err)
		}
		opts = append(opts, redisstore.WithEncryption(redisstore.Key{ID: "test", Secret: secret}))
	}
	store, err := redisstore.New(rdb, opts...)
	if err != nil {
		return err
	}
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		return err
	}
	if _, err := fmt.Fprintln(out, "ready"); err != nil {
		return err
	}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		key, ok := strings.CutPrefix(sc.Text(), "run ")
		if !ok {
			return fmt.Errorf("unknown command %q", sc.Text())
		}
		ts := client.SharedTokenSource(store, key, enduser.WithLockTTL(lockTTL))
		opsBefore := ops.n.Load()
		res := childResult{Name: name, Hashes: make([]string, goroutines), Errors: make([]string, goroutines), Latency: make([]int64, goroutines)}
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				began := time.Now()
				tok, err := ts.Token(context.Background())
				res.Latency[i] = int64(time.Since(began))
				res.Hashes[i] = tokenHash(tok)
				if err != nil {
					res.Errors[i] = errorText(err)
				}
			}()
		}
		close(start)
		wg.Wait()
		res.Ops = ops.n.Load() - opsBefore
		line, err := json.Marshal(res)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(out, "%s\n", line); err != nil {
			return err
		}
	}
	return sc.Err()
}

// replica is a running child process, seen from the test.
type replica struct {
	name   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string // stdout, line by line; closed when the child exits
	stderr *bytes.Buffer
	mu     sync.Mutex // guards stderr
}

// childConfig configures the replicas of one test.
type childConfig struct {
	redisAddr  string
	prefix     string
	emulator   string
	timeout    time.Duration
	lockTTL    time.Duration
	goroutines int
	key        []byte // encryption key, nil for none
}

// startReplicas starts n children and waits until each is ready. They are
// killed (if still running) and reaped when the test ends.
func startReplicas(tb testing.TB, n int, cfg childConfig) []*replica {
	tb.Helper()
	exe, err := os.Executable()
	require.NoError(tb, err)
	rs := make([]*replica, n)
	for i := range rs {
		name := fmt.Sprintf("redisstore-replica-%d", i)
		rs[i] = startProcess(tb, name, exe,
			childEnv+"="+name,
			childRedisEnv+"="+cfg.redisAddr,
			childPrefixEnv+"="+cfg.prefix,
			childEmuEnv+"="+cfg.emulator,
			childTimeoutEnv+"="+cfg.timeout.String(),
			childLockTTLEnv+"="+cfg.lockTTL.String(),
			childGoroutines+"="+strconv.Itoa(cfg.goroutines),
			childKeyEnv+"="+hex.EncodeToString(cfg.key),
		)
	}
	for _, r := range rs {
		line := r.next(tb, 30*time.Second)
		require.Equal(tb, "ready", line, "%s: stderr: %s", r.name, r.stderrText())
	}
	return rs
}

// startProcess starts this test binary as a child named name with env
// added to the test's. It is killed (if still running) and reaped when the
// test ends.
func startProcess(tb testing.TB, name, exe string, env ...string) *replica {
	tb.Helper()
	r := &replica{name: name, lines: make(chan string, 16), stderr: &bytes.Buffer{}}
	r.cmd = exec.Command(exe, "-test.run=^$")
	r.cmd.Env = append(os.Environ(), env...)
	r.cmd.Stderr = lockedWriter{r}
	var err error
	r.stdin, err = r.cmd.StdinPipe()
	require.NoError(tb, err)
	stdout, err := r.cmd.StdoutPipe()
	require.NoError(tb, err)
	require.NoError(tb, r.cmd.Start())
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(r.lines)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for sc.Scan() {
			r.lines <- sc.Text()
		}
	}()
	tb.Cleanup(func() {
		_ = r.stdin.Close()
		exited := make(chan struct{})
		go func() {
			for range r.lines { // drain, so the reader can finish
			}
			close(exited)
		}()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = r.cmd.Process.Kill()
			<-exited
		}
		<-done
		_ = r.cmd.Wait()
	})
	return r
}

// startSessionsReplica starts a replica of the sessions acceptance test.
func startSessionsReplica(tb testing.TB, cfg sessionsChildConfig) *replica {
	tb.Helper()
	exe, err := os.Executable()
	require.NoError(tb, err)
	js, err := json.Marshal(cfg)
	require.NoError(tb, err)
	return startProcess(tb, fmt.Sprintf("sessions-replica-%d", cfg.Index), exe, sessionsChildEnv+"="+string(js))
}

type lockedWriter struct{ r *replica }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	return w.r.stderr.Write(p)
}

func (r *replica) stderrText() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stderr.String()
}

func (r *replica) run(tb testing.TB, key string) {
	tb.Helper()
	_, err := fmt.Fprintf(r.stdin, "run %s\n", key)
	require.NoError(tb, err)
}

func (r *replica) next(tb testing.TB, within time.Duration) string {
	tb.Helper()
	select {
	case line, ok := <-r.lines:
		require.True(tb, ok, "%s exited: stderr: %s", r.name, r.stderrText())
		return line
	case <-time.After(within):
		tb.Fatalf("%s said nothing for %v: stderr: %s", r.name, within, r.stderrText())
		return ""
	}
}

func (r *replica) result(tb testing.TB, within time.Duration) childResult {
	tb.Helper()
	var res childResult
	line := r.next(tb, within)
	require.NoError(tb, json.Unmarshal([]byte(line), &res), "%s: %q", r.name, line)
	return res
}

// kill ends the child with SIGKILL, as a crash would.
func (r *replica) kill(tb testing.TB) {
	tb.Helper()
	require.NoError(tb, r.cmd.Process.Kill())
}

// errorText is err's text and, when the SDK's own text hides it, its
// cause's (the redisstore error, which shows no secret either).
func errorText(err error) string {
	text := err.Error()
	var se interface{ Unwrap() []error }
	if errors.As(err, &se) {
		for _, e := range se.Unwrap() {
			if !errors.Is(e, enduser.ErrTokenStore) {
				text += " (" + e.Error() + ")"
			}
		}
	}
	return text
}
