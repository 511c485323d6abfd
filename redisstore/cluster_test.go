package redisstore_test

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/redisstore"
	"github.com/seed1804ee03/enduser/storetest"
)

// startCluster starts a Redis Cluster of three masters on loopback (from
// the redis-server and redis-cli on PATH) for one test and returns a client
// on it. The servers are killed when the test ends.
func startCluster(t *testing.T) *redis.ClusterClient {
	t.Helper()
	server, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("no redis-server on PATH: the Redis Cluster test needs one (make test said so)")
	}
	cli, err := exec.LookPath("redis-cli")
	require.NoError(t, err, "redis-server without redis-cli")
	dir := t.TempDir()
	var addrs []string
	for range 3 {
		port := freeClusterPort(t)
		cmd := exec.Command(server, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--cluster-enabled", "yes", "--cluster-config-file", fmt.Sprintf("nodes-%d.conf", port),
			"--save", "", "--appendonly", "no", "--dir", dir)
		require.NoError(t, cmd.Start())
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		})
		addrs = append(addrs, "127.0.0.1:"+strconv.Itoa(port))
	}
	ctx := context.Background()
	for _, addr := range addrs {
		node := redis.NewClient(&redis.Options{Addr: addr})
		require.Eventually(t, func() bool { return node.Ping(ctx).Err() == nil }, 20*time.Second, 20*time.Millisecond, "node %s", addr)
		_ = node.Close()
	}
	out, err := exec.Command(cli, append(append([]string{"--cluster", "create"}, addrs...), "--cluster-replicas", "0", "--cluster-yes")...).CombinedOutput()
	require.NoError(t, err, "redis-cli --cluster create: %s", out)
	for _, addr := range addrs {
		node := redis.NewClient(&redis.Options{Addr: addr})
		require.Eventually(t, func() bool {
			info, err := node.ClusterInfo(ctx).Result()
			return err == nil && strings.Contains(info, "cluster_state:ok")
		}, 30*time.Second, 50*time.Millisecond, "cluster state at %s", addr)
		_ = node.Close()
	}
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	t.Cleanup(func() { _ = rdb.Close() })
	require.Eventually(t, func() bool { return rdb.Ping(ctx).Err() == nil }, 20*time.Second, 50*time.Millisecond)
	return rdb
}

// freeClusterPort returns a free loopback port whose cluster bus port
// (port + 10000) is free too.
func freeClusterPort(t *testing.T) int {
	t.Helper()
	for range 100 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		port := l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
		if port+10000 > 65535 {
			continue
		}
		bus, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port+10000))
		if err != nil {
			continue
		}
		_ = bus.Close()
		return port
	}
	t.Fatal("no free port pair for a cluster node")
	return 0
}

// TestCluster runs the store on a real three-master Redis Cluster: a
// session's token, lock and release channel hash to one slot, the contract
// holds, and a waiter is woken by the release (its subscription is on the
// node of the session's slot, as the channel carries the same hash tag).
func TestCluster(t *testing.T) {
	rdb := startCluster(t)
	ctx := context.Background()
	s, err := redisstore.New(rdb, redisstore.WithEncryption(key1))
	require.NoError(t, err)

	slots := map[int64]bool{}
	for i := range 50 {
		key := fmt.Sprintf("session:%d", i)
		tokSlot, err := rdb.ClusterKeySlot(ctx, s.TokenKey(key)).Result()
		require.NoError(t, err)
		lockSlot, err := rdb.ClusterKeySlot(ctx, s.LockKey(key)).Result()
		require.NoError(t, err)
		chanSlot, err := rdb.ClusterKeySlot(ctx, s.ReleaseChannel(key)).Result()
		require.NoError(t, err)
		assert.Equal(t, tokSlot, lockSlot, "%s: token and lock in one slot", key)
		assert.Equal(t, tokSlot, chanSlot, "%s: the release channel too", key)
		slots[tokSlot] = true
	}
	assert.Greater(t, len(slots), 10, "sessions spread over the cluster")

	var p peers
	storetest.Run(t, func(t *testing.T) enduser.TokenStore {
		return p.newStore(t, func(t *testing.T) redis.UniversalClient {
			c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: rdb.Options().Addrs})
			t.Cleanup(func() { _ = c.Close() })
			return c
		}, redisstore.WithEncryption(key1))
	}, p.option())

	t.Run("WaiterWokenByRelease", func(t *testing.T) {
		slow, err := redisstore.New(rdb, redisstore.WithLockBackoff(6*time.Second, 6*time.Second))
		require.NoError(t, err)
		unlock, err := slow.Lock(ctx, "wake", time.Minute)
		require.NoError(t, err)
		got := make(chan time.Time, 1)
		go func() {
			defer close(got)
			u, err := slow.Lock(ctx, "wake", time.Minute)
			if assert.NoError(t, err) {
				at := time.Now()
				assert.NoError(t, u(ctx))
				got <- at
			}
		}()
		time.Sleep(300 * time.Millisecond) // subscribed and waiting (a poll comes only after 3 s)
		released := time.Now()
		require.NoError(t, unlock(ctx))
		at, ok := <-got
		require.True(t, ok)
		assert.Less(t, at.Sub(released), 2500*time.Millisecond, "woken by the release, not by a poll (3 s at the earliest)")
	})
}

// A Cluster client that reads from replicas would load a token older than
// the last one stored (a spent refresh token): New refuses it, with no I/O.
func TestClusterReplicaReadsAreRefused(t *testing.T) {
	for name, o := range map[string]redis.ClusterOptions{
		"ReadOnly":       {ReadOnly: true},
		"RouteByLatency": {RouteByLatency: true},
		"RouteRandomly":  {RouteRandomly: true},
	} {
		o.Addrs = []string{"127.0.0.1:1"}
		rdb := redis.NewClusterClient(&o)
		_, err := redisstore.New(rdb)
		assert.Error(t, err, name)
		require.NoError(t, rdb.Close())
	}
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{"127.0.0.1:1"}})
	_, err := redisstore.New(rdb)
	assert.NoError(t, err, "reads from the masters")
	require.NoError(t, rdb.Close())
}
