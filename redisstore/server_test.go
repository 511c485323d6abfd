package redisstore_test

import (
	"context"
	"net"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// redisProcess is a redis-server of one test (no persistence), which the
// test may kill, pause or restart on the same port.
type redisProcess struct {
	t    testing.TB
	path string
	dir  string
	port int
	addr string
	cmd  *exec.Cmd
}

// startRedisServer starts a redis-server of its own for one test, from the
// one on PATH; the cluster test needs one too. It is killed when the test
// ends.
func startRedisServer(t testing.TB) *redisProcess {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("no redis-server on PATH: this test kills and restarts a real Redis (make test says so)")
	}
	p := &redisProcess{t: t, path: path, dir: t.TempDir()}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p.port = l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	p.addr = "127.0.0.1:" + strconv.Itoa(p.port)
	p.start()
	t.Cleanup(p.kill)
	return p
}

// start runs redis-server on p's port and waits until it answers.
func (p *redisProcess) start() {
	p.t.Helper()
	p.cmd = exec.Command(p.path, "--port", strconv.Itoa(p.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", p.dir)
	require.NoError(p.t, p.cmd.Start())
	rdb := redis.NewClient(&redis.Options{Addr: p.addr, MaxRetries: -1})
	defer func() { _ = rdb.Close() }()
	require.Eventually(p.t, func() bool { return rdb.Ping(context.Background()).Err() == nil },
		20*time.Second, 10*time.Millisecond, "redis-server at %s", p.addr)
}

// kill ends the server with SIGKILL, as a crash would; its data is gone.
func (p *redisProcess) kill() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
	p.cmd = nil
}

// restart kills the server and starts an empty one on the same port.
func (p *redisProcess) restart() {
	p.t.Helper()
	p.kill()
	p.start()
}

// client returns a client of the server, closed when the test ends.
func (p *redisProcess) client(opts ...func(*redis.Options)) *redis.Client {
	o := &redis.Options{Addr: p.addr}
	for _, f := range opts {
		f(o)
	}
	rdb := redis.NewClient(o)
	p.t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}
