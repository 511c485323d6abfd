package redisstore

import (
	"context"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/seed1804ee03/enduser"
)

var _ enduser.ChangeNotifier = (*Store)(nil)

// storeScript writes a token and announces the change in one atomic step:
// a subscriber that hears of it and loads the key reads the new value.
// ARGV: the value, its TTL in milliseconds (0: none), the change channel,
// the session key.
var storeScript = redis.NewScript(`
if ARGV[2] == "0" then
	redis.call("SET", KEYS[1], ARGV[1])
else
	redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
end
redis.call("PUBLISH", ARGV[3], ARGV[4])
return 1
`)

// deleteScript deletes a token and announces the change, atomically.
// ARGV: the change channel, the session key.
var deleteScript = redis.NewScript(`
redis.call("DEL", KEYS[1])
redis.call("PUBLISH", ARGV[1], ARGV[2])
return 1
`)

// ChangeChannel returns the Pub/Sub channel on which every Store and Delete
// announces the session key it changed (see [Store.NotifyChanges]).
func (s *Store) ChangeChannel() string { return s.opts.prefix + "changed" }

// Bounds of the wait before subscribing again after the subscription
// failed (Redis down, say): doubling from the first to the second.
const (
	resubscribeMin = 50 * time.Millisecond
	resubscribeMax = 5 * time.Second
)

// NotifyChanges implements [enduser.ChangeNotifier] on Redis Pub/Sub: every
// Store and Delete, in any process, publishes the session key on
// [Store.ChangeChannel] in the same atomic step as its write (a Lua
// script), and NotifyChanges subscribes to the channel and calls
// changed(key) for each message, from one goroutine, until stop is called.
// stop ends the subscription and its goroutine and returns once no changed
// runs any more.
//
// Pub/Sub delivers at most once: a message published while the
// subscription is down (Redis restarting, the connection dropped and not
// yet subscribed again, or a subscriber too slow for Redis's
// client-output-buffer-limit for pubsub) is lost, and nothing tells the
// subscriber which keys it missed. The Sessions' revalidation bound
// ([enduser.WithMaxStaleness]) is then the floor: a replica that missed an
// End stops serving the session's token once its cached copy is older than
// the bound. The subscription reconnects by itself (go-redis subscribes
// again on a new connection), waiting from 50 ms doubling to 5 s between
// failed attempts.
//
// On a Cluster the channel is a classic (not sharded) one: a PUBLISH on the
// node of the key's slot reaches subscribers on every node.
func (s *Store) NotifyChanges(changed func(key string)) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ps := s.rdb.Subscribe(ctx, s.ChangeChannel())
	done := make(chan struct{})
	go func() {
		defer close(done)
		wait := resubscribeMin
		timer := time.NewTimer(time.Hour)
		timer.Stop() // started by Reset, when a Receive fails
		for {
			msg, err := ps.Receive(ctx)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				// The connection broke; the next Receive dials again and
				// subscribes again. Wait a little, so that a Redis that is
				// down is not dialled in a loop.
				timer.Reset(wait)
				wait = min(2*wait, resubscribeMax)
				select {
				case <-ctx.Done():
					return
				case <-timer.C:
				}
				continue
			}
			switch m := msg.(type) {
			case *redis.Subscription:
				wait = resubscribeMin
			case *redis.Message:
				if m.Payload != "" {
					changed(m.Payload)
				}
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			_ = ps.Close() // ends a Receive blocked on the connection
			<-done
		})
	}
}
