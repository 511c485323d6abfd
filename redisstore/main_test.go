package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// redisAddrEnv names the Redis the tests use: "host:port" or a redis:// URL.
// Without it they run against miniredis, an in-process fake, and say so
// (`make test` and .ci/run start a real redis-server and set it).
const redisAddrEnv = "REDIS_ADDR"

// TestMain runs a child of the multi-process tests when asked to (see
// acceptance_test.go), and otherwise the tests, failing the package if any
// test leaves a goroutine behind.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(runChild())
	}
	if os.Getenv(sessionsChildEnv) != "" {
		if err := runSessionsChild(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "sessions child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if os.Getenv(redisAddrEnv) == "" {
		fmt.Fprintln(os.Stderr, "redisstore: REDIS_ADDR is unset: the Redis tests run against miniredis (an in-process fake), NOT a real Redis")
	}
	goleak.VerifyTestMain(m)
}

// testRedis is the Redis of one test: its address (for child processes)
// and a client closed when the test ends.
type testRedis struct {
	addr string // host:port or redis:// URL, as REDIS_ADDR takes it
	rdb  redis.UniversalClient
	fake bool // miniredis
}

// newRedis returns the Redis named by REDIS_ADDR, or a fresh miniredis
// whose TTLs follow the wall clock.
func newRedis(t testing.TB) *testRedis {
	t.Helper()
	addr := os.Getenv(redisAddrEnv)
	fake := addr == ""
	if fake {
		m := miniredis.NewMiniRedis()
		m.ClockTTL(true)
		require.NoError(t, m.Start())
		t.Cleanup(m.Close)
		addr = m.Addr()
	}
	rdb, err := dial(addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = rdb.Close() })
	require.NoError(t, rdb.Ping(context.Background()).Err(), "Redis at %s", addr)
	return &testRedis{addr: addr, rdb: rdb, fake: fake}
}

// dial connects to "host:port" or a redis:// URL.
func dial(addr string) (redis.UniversalClient, error) {
	opt, err := clientOptions(addr)
	if err != nil {
		return nil, err
	}
	return redis.NewClient(opt), nil
}

// clientOptions are the options of a client for "host:port" or a redis:// URL.
func clientOptions(addr string) (*redis.Options, error) {
	if strings.Contains(addr, "://") {
		opt, err := redis.ParseURL(addr)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", redisAddrEnv, err)
		}
		return opt, nil
	}
	return &redis.Options{Addr: addr}, nil
}

// testPrefix is a key prefix of its own for each test, so that tests never
// see each other's keys in a shared Redis; the keys are deleted at the end.
func testPrefix(t testing.TB, r *testRedis) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix := "enduser-test:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		keys, err := r.rdb.Keys(ctx, prefix+"*").Result()
		if err == nil && len(keys) > 0 {
			_ = r.rdb.Del(ctx, keys...).Err()
		}
	})
	return prefix
}

// opCounter is a go-redis hook that counts the commands a client sends.
type opCounter struct{ n atomic.Int64 }

func (c *opCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *opCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmd)
	}
}

func (c *opCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.n.Add(int64(len(cmds)))
		return next(ctx, cmds)
	}
}
