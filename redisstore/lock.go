package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// unlockScript deletes the lock only if it still holds the caller's owner
// value: a plain DEL could release a lock that expired and was taken by
// another owner meanwhile.
var unlockScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("DEL", KEYS[1])
end
return 0
`)

// Lock takes session key's refresh lock for at most ttl (SET NX PX with a
// random owner value), waiting with jittered exponential backoff while
// another owner holds it, until ctx ends. The returned unlock releases the
// lock only if this owner still holds it, and returns [ErrLockNotHeld] if
// the TTL ran out first; calling it again after a release returns nil.
func (s *Store) Lock(ctx context.Context, key string, ttl time.Duration) (func(context.Context) error, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	if ttl < time.Millisecond {
		return nil, fmt.Errorf("redisstore: lock TTL %v: want at least 1ms", ttl)
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("redisstore: lock owner: %w", err)
	}
	owner := hex.EncodeToString(b[:])
	lk := s.LockKey(key)
	wait := s.opts.minBackoff
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		ok, err := s.rdb.SetNX(ctx, lk, owner, ttl).Result()
		if err != nil {
			return nil, redisError(ctx, "taking the lock", err)
		}
		if ok {
			return s.unlocker(lk, owner), nil
		}
		// Jittered in [wait/2, wait]: waiters spread out, none waits past wait.
		d := wait/2 + mrand.N(wait/2+1) //nolint:gosec // G404: jitter, not a secret
		if timer == nil {
			timer = time.NewTimer(d)
		} else {
			timer.Reset(d)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("redisstore: waiting for the lock: %w", ctx.Err())
		case <-timer.C:
		}
		wait = min(2*wait, s.opts.maxBackoff)
	}
}

func (s *Store) unlocker(lockKey, owner string) func(context.Context) error {
	var mu sync.Mutex
	released := false
	return func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		if released {
			return nil
		}
		n, err := unlockScript.Run(ctx, s.rdb, []string{lockKey}, owner).Int()
		if err != nil {
			return redisError(ctx, "releasing the lock", err)
		}
		released = true
		if n == 0 {
			return ErrLockNotHeld
		}
		return nil
	}
}
