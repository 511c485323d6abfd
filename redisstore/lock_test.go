package redisstore_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser/redisstore"
)

// TestLockMutualExclusion: owners on separate clients (as separate replicas
// are) never hold one key's lock at the same time.
func TestLockMutualExclusion(t *testing.T) {
	r := newRedis(t)
	prefix := testPrefix(t, r)
	const replicas, perReplica, rounds = 4, 4, 5
	var holders, maxHolders, total atomic.Int32
	var wg sync.WaitGroup
	for range replicas {
		rdb, err := dial(r.addr)
		require.NoError(t, err)
		t.Cleanup(func() { _ = rdb.Close() })
		s, err := redisstore.New(rdb, redisstore.WithPrefix(prefix))
		require.NoError(t, err)
		for range perReplica {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				for range rounds {
					unlock, err := s.Lock(ctx, "shared", 10*time.Second)
					if !assert.NoError(t, err) {
						return
					}
					n := holders.Add(1)
					for m := maxHolders.Load(); n > m && !maxHolders.CompareAndSwap(m, n); m = maxHolders.Load() {
					}
					time.Sleep(time.Millisecond)
					total.Add(1)
					holders.Add(-1)
					assert.NoError(t, unlock(context.Background()))
				}
			}()
		}
	}
	wg.Wait()
	assert.Equal(t, int32(1), maxHolders.Load(), "never two holders")
	assert.Equal(t, int32(replicas*perReplica*rounds), total.Load(), "every owner got the lock")
}

// TestLockOwnerOnlyRelease: an owner whose TTL ran out cannot release its
// successor's lock.
func TestLockOwnerOnlyRelease(t *testing.T) {
	r := newRedis(t)
	s := newStore(t, r)
	ctx := context.Background()

	unlockA, err := s.Lock(ctx, "k", 100*time.Millisecond)
	require.NoError(t, err)
	start := time.Now()
	unlockB, err := s.Lock(ctx, "k", 10*time.Second) // waits for A's TTL
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond, "B waited for A's TTL")
	ownerB, err := r.rdb.Get(ctx, s.LockKey("k")).Result()
	require.NoError(t, err)

	require.ErrorIs(t, unlockA(ctx), redisstore.ErrLockNotHeld, "A learns it lost the lock")
	still, err := r.rdb.Get(ctx, s.LockKey("k")).Result()
	require.NoError(t, err, "B's lock survives A's unlock")
	assert.Equal(t, ownerB, still)

	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_, err = s.Lock(short, "k", time.Second)
	require.ErrorIs(t, err, context.DeadlineExceeded, "B still holds it")

	require.NoError(t, unlockB(ctx))
	require.NoError(t, unlockB(ctx), "a second unlock is a no-op")
	n, err := r.rdb.Exists(ctx, s.LockKey("k")).Result()
	require.NoError(t, err)
	assert.Zero(t, n, "released")

	unlockC, err := s.Lock(ctx, "k", time.Second)
	require.NoError(t, err, "free again at once")
	require.NoError(t, unlockC(ctx))
}

// TestLockTTLSelfHeals: an owner that never releases (a crashed replica)
// blocks the others for its TTL, not longer.
func TestLockTTLSelfHeals(t *testing.T) {
	r := newRedis(t)
	s := newStore(t, r)
	ctx := context.Background()
	const ttl = 300 * time.Millisecond
	_, err := s.Lock(ctx, "k", ttl) // never unlocked
	require.NoError(t, err)
	start := time.Now()
	unlock, err := s.Lock(ctx, "k", time.Second)
	require.NoError(t, err)
	waited := time.Since(start)
	assert.GreaterOrEqual(t, waited, ttl/2, "the lock was held")
	assert.Less(t, waited, ttl+2*time.Second, "the TTL freed it")
	require.NoError(t, unlock(ctx))

	pttl, err := s.Lock(ctx, "k2", 1500*time.Millisecond)
	require.NoError(t, err)
	d, err := r.rdb.PTTL(ctx, s.LockKey("k2")).Result()
	require.NoError(t, err)
	assert.InDelta(t, 1500, d.Milliseconds(), 200, "SET PX with the TTL asked for")
	require.NoError(t, pttl(ctx))
}

// TestLockPrefixesAreIsolated: the same session key under another prefix
// (another application on the same Redis) has a lock of its own.
func TestLockPrefixesAreIsolated(t *testing.T) {
	r := newRedis(t)
	s, other := newStore(t, r), newStore(t, r)
	ctx := context.Background()
	unlockA, err := s.Lock(ctx, "a", 10*time.Second)
	require.NoError(t, err)
	quick, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	unlockB, err := other.Lock(quick, "a", 10*time.Second)
	require.NoError(t, err, "the same key under another prefix is free")
	require.NoError(t, unlockB(ctx))
	require.NoError(t, unlockA(ctx))
}

// TestLockBackoffBoundsTheWait: with WithLockBackoff a waiter sees a release
// within about the maximum wait.
func TestLockBackoffBoundsTheWait(t *testing.T) {
	r := newRedis(t)
	s := newStore(t, r, redisstore.WithLockBackoff(time.Millisecond, 5*time.Millisecond))
	ctx := context.Background()
	unlock, err := s.Lock(ctx, "k", time.Minute)
	require.NoError(t, err)
	got := make(chan time.Time, 1)
	go func() {
		u, err := s.Lock(ctx, "k", time.Minute)
		if assert.NoError(t, err) {
			at := time.Now()
			assert.NoError(t, u(ctx))
			got <- at
		}
		close(got)
	}()
	time.Sleep(200 * time.Millisecond)
	released := time.Now()
	require.NoError(t, unlock(ctx))
	at, ok := <-got
	require.True(t, ok)
	assert.Less(t, at.Sub(released), time.Second, "seen well within a second (5 ms backoff)")
}

// TestLockWaiterWakesOnRelease: a waiter learns of a release from the
// release channel, long before its backoff would have it try again.
func TestLockWaiterWakesOnRelease(t *testing.T) {
	r := newRedis(t)
	s := newStore(t, r, redisstore.WithLockBackoff(2*time.Second, 2*time.Second)) // polls no sooner than 1 s
	ctx := context.Background()
	unlock, err := s.Lock(ctx, "k", time.Minute)
	require.NoError(t, err)
	got := make(chan time.Time, 1)
	go func() {
		defer close(got)
		u, err := s.Lock(ctx, "k", time.Minute)
		if assert.NoError(t, err) {
			at := time.Now()
			assert.NoError(t, u(ctx))
			got <- at
		}
	}()
	// Wait until the waiter is subscribed (then it has tried twice and sleeps).
	require.Eventually(t, func() bool {
		n, err := r.rdb.PubSubNumSub(ctx, s.ReleaseChannel("k")).Result()
		return err == nil && n[s.ReleaseChannel("k")] == 1
	}, 5*time.Second, 5*time.Millisecond)
	released := time.Now()
	require.NoError(t, unlock(ctx))
	at, ok := <-got
	require.True(t, ok)
	assert.Less(t, at.Sub(released), 700*time.Millisecond, "woken by the release, not by its 1-2 s backoff")
}

// failDials is a go-redis hook that fails every new connection once set:
// the client keeps its pooled connections but cannot open a Pub/Sub one.
type failDials struct{ on atomic.Bool }

func (f *failDials) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if f.on.Load() {
			return nil, errors.New("dial refused by the test")
		}
		return next(ctx, network, addr)
	}
}

func (f *failDials) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }

func (f *failDials) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// TestLockWithoutPubSubPolls: when the waiter cannot subscribe (Pub/Sub
// denied, no connection to spare), it still gets the lock by polling.
func TestLockWithoutPubSubPolls(t *testing.T) {
	r := newRedis(t)
	prefix := testPrefix(t, r)
	holder, err := redisstore.New(r.rdb, redisstore.WithPrefix(prefix))
	require.NoError(t, err)
	opt, err := clientOptions(r.addr)
	require.NoError(t, err)
	opt.PoolSize, opt.MaxRetries = 1, -1
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { _ = rdb.Close() })
	dials := &failDials{}
	rdb.AddHook(dials)
	ctx := context.Background()
	require.NoError(t, rdb.Ping(ctx).Err()) // the one pooled connection
	dials.on.Store(true)
	waiter, err := redisstore.New(rdb, redisstore.WithPrefix(prefix), redisstore.WithLockBackoff(time.Millisecond, 20*time.Millisecond))
	require.NoError(t, err)

	unlock, err := holder.Lock(ctx, "k", time.Minute)
	require.NoError(t, err)
	got := make(chan error, 1)
	go func() {
		u, err := waiter.Lock(ctx, "k", time.Minute)
		if err == nil {
			err = u(ctx)
		}
		got <- err
	}()
	time.Sleep(100 * time.Millisecond)
	require.NoError(t, unlock(ctx))
	select {
	case err := <-got:
		require.NoError(t, err, "the waiter polled its way to the lock")
	case <-time.After(5 * time.Second):
		t.Fatal("the waiter never got the released lock")
	}
}

// TestLockOwnerIsRandom: the owner value is 128 random bits, new for every
// Lock, so no other process can guess it and release the lock.
func TestLockOwnerIsRandom(t *testing.T) {
	r := newRedis(t)
	s := newStore(t, r)
	ctx := context.Background()
	seen := map[string]bool{}
	for range 20 {
		unlock, err := s.Lock(ctx, "k", time.Minute)
		require.NoError(t, err)
		owner, err := r.rdb.Get(ctx, s.LockKey("k")).Result()
		require.NoError(t, err)
		assert.Regexp(t, `^[0-9a-f]{32}$`, owner)
		assert.False(t, seen[owner], "a new owner value every time")
		seen[owner] = true
		require.NoError(t, unlock(ctx))
	}
}
