package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// unlockScript deletes the lock only if it still holds the caller's owner
// value (a plain DEL could release a lock that expired and was taken by
// another owner meanwhile), then tells the waiters on the lock's channel.
var unlockScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	redis.call("DEL", KEYS[1])
	redis.call("PUBLISH", ARGV[2], "")
	return 1
end
return 0
`)

// Lock takes session key's refresh lock for at most ttl (SET NX PX with a
// random owner value). While another owner holds it, Lock subscribes to the
// lock's release channel and tries again when the owner releases, and
// otherwise every maximum backoff (jittered; it covers an owner that
// crashed, whose lock only expires); if it cannot subscribe it polls with
// the jittered exponential backoff of [WithLockBackoff]. It waits until ctx
// ends. The returned unlock releases the lock only if this owner still
// holds it, and returns [ErrLockNotHeld] if the TTL ran out first; calling
// it again after a release returns nil.
//
// A cancelled ctx is noticed within the maximum backoff (50 ms by default);
// a deadline exactly.
func (s *Store) Lock(ctx context.Context, key string, ttl time.Duration) (func(context.Context) error, error) {
	if err := checkKey(key); err != nil {
		return nil, invalid(err)
	}
	if ttl < time.Millisecond {
		return nil, invalid(fmt.Errorf("redisstore: lock TTL %v: want at least 1ms", ttl))
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, failed(fmt.Errorf("redisstore: lock owner: %w", err))
	}
	owner := hex.EncodeToString(b[:])
	lk, ch := s.LockKey(key), s.ReleaseChannel(key)
	w := waiter{s: s, channel: ch, wait: s.opts.minBackoff}
	defer w.close()
	for {
		ok, err := s.rdb.SetNX(ctx, lk, owner, ttl).Result()
		if err != nil {
			return nil, redisError(ctx, "taking the lock", err, "set", lk, key, owner)
		}
		if ok {
			return s.unlocker(key, lk, ch, owner), nil
		}
		if err := w.next(ctx); err != nil {
			return nil, failed(fmt.Errorf("redisstore: waiting for the lock: %w", err))
		}
	}
}

// ReleaseChannel returns the Pub/Sub channel on which an unlock of session
// key's lock is announced to its waiters.
func (s *Store) ReleaseChannel(key string) string { return s.opts.prefix + "{" + key + "}:released" }

// waiter waits between two attempts at a held lock: until a release is
// announced on its channel, or the backoff runs out.
type waiter struct {
	s       *Store
	channel string
	wait    time.Duration
	ps      *redis.PubSub // nil until subscribed, and when Pub/Sub failed
	tried   bool          // subscribing was attempted
	timer   *time.Timer
}

// next returns when it is time to try the lock again, or with ctx's error.
func (w *waiter) next(ctx context.Context) error {
	d := w.wait/2 + mrand.N(w.wait/2+1) //nolint:gosec // G404: jitter, not a secret
	w.wait = min(2*w.wait, w.s.opts.maxBackoff)
	if !w.tried {
		// Subscribe, then try again at once: a release between the failed
		// attempt and the subscription would otherwise go unseen.
		w.tried = true
		w.subscribe(ctx)
		return ctx.Err()
	}
	if w.ps != nil {
		// A release wakes the waiter; the timeout only notices an expired
		// lock (a crashed owner) and a cancelled ctx, so it need not be short.
		maxWait := w.s.opts.maxBackoff
		return w.receive(ctx, maxWait/2+mrand.N(maxWait/2+1)) //nolint:gosec // G404: jitter, not a secret
	}
	if w.timer == nil {
		w.timer = time.NewTimer(d)
	} else {
		w.timer.Reset(d)
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-w.timer.C:
		return nil
	}
}

// subscribe subscribes to the release channel and waits for the
// confirmation. On failure (Pub/Sub denied, say) the waiter polls.
func (w *waiter) subscribe(ctx context.Context) {
	ps := w.s.rdb.Subscribe(ctx, w.channel)
	cctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	for {
		msg, err := ps.ReceiveTimeout(cctx, time.Second)
		if err != nil {
			_ = ps.Close()
			return
		}
		if _, ok := msg.(*redis.Subscription); ok {
			w.ps = ps
			return
		}
	}
}

// receive waits up to d for a release message.
func (w *waiter) receive(ctx context.Context, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return nil
		}
		msg, err := w.ps.ReceiveTimeout(ctx, left)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		var nerr net.Error
		switch {
		case err == nil:
			if _, ok := msg.(*redis.Message); ok {
				return nil
			}
		case errors.As(err, &nerr) && nerr.Timeout():
			return nil
		default: // the subscription broke: poll from now on
			_ = w.ps.Close()
			w.ps = nil
			return nil
		}
	}
}

func (w *waiter) close() {
	if w.ps != nil {
		_ = w.ps.Close()
	}
	if w.timer != nil {
		w.timer.Stop()
	}
}

func (s *Store) unlocker(key, lockKey, channel, owner string) func(context.Context) error {
	var mu sync.Mutex
	released := false
	return func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		if released {
			return nil
		}
		n, err := unlockScript.Run(ctx, s.rdb, []string{lockKey}, owner, channel).Int()
		if err != nil {
			return redisError(ctx, "releasing the lock", err, "evalsha", lockKey, key, owner, channel, unlockScript.Hash(), "eval ")
		}
		released = true
		if n == 0 {
			return failed(ErrLockNotHeld)
		}
		return nil
	}
}
