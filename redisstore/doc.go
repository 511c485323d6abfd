// Package redisstore keeps the tokens of enduser sessions in Redis, so that
// every replica of a service shares one session and one refresh happens per
// expiry across all of them.
//
// A [*Store] implements [enduser.TokenStore] on any [redis.UniversalClient]:
// a single node, Sentinel or Cluster.
//
//	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{"redis:6379"}})
//	store, err := redisstore.New(rdb, redisstore.WithEncryption(redisstore.Key{ID: "2026-11", Secret: key}))
//	ts := client.SharedTokenSource(store, "session:"+sessionID)
//	tok, err := ts.Token(ctx)
//
// # Layout in Redis
//
// The token of key k lives at "<prefix>{k}:token" as JSON (or as its
// AES-GCM encryption, see [WithEncryption]); its refresh lock at
// "<prefix>{k}:lock". The braces are a Cluster hash tag: a key's token and
// its lock are always in one slot. The default prefix is "enduser:".
//
// A token expires from Redis when its refresh token does (or, without a
// refresh token, when its access token does); a token whose expiries are
// unknown is kept for [DefaultUnknownExpiryTTL] after its last store
// ([WithUnknownExpiryTTL] changes that, 0 keeps it until overwritten).
//
// # The refresh lock
//
// [Store.Lock] takes the lock with SET NX PX and a random owner value from
// crypto/rand. While another owner holds it, the waiter subscribes to the
// lock's release channel ("<prefix>{k}:released") and tries again as soon
// as the owner releases, and otherwise every 25 to 50 ms (the maximum
// backoff), which covers an owner that crashed and whose lock only expires.
// Without Pub/Sub (denied by an ACL, say) it polls with a jittered
// exponential backoff, 2 ms doubling to 50 ms by default
// ([WithLockBackoff]). The returned unlock deletes the lock only if it
// still holds this owner's value and then publishes the release (a
// compare-and-delete Lua script, never a plain DEL), so an owner that
// outlived its TTL cannot release a successor's lock. A crashed owner costs
// the waiters at most the lock's TTL.
//
// The store needs the commands GET, SET, DEL, EVALSHA, EVAL, PUBLISH (from
// the scripts) and SUBSCRIBE.
//
// # Change notifications
//
// Every Store and Delete publishes the session key on one Pub/Sub channel
// ("<prefix>changed", [Store.ChangeChannel]) in the same Lua script as its
// write, and the store implements [enduser.ChangeNotifier]: the
// [enduser.Sessions] of every replica subscribe (one connection each) and
// drop their cached token of a key as soon as it changes, so an End on one
// replica reaches the others in a round trip rather than after
// [enduser.WithMaxStaleness]. Pub/Sub delivers at most once: a message sent
// while a subscriber is disconnected is lost, and the staleness bound is
// then the floor (see [Store.NotifyChanges]).
//
// # During a Redis outage
//
// A replica's [enduser.Sessions] keeps serving the tokens it has cached,
// each up to the staleness bound after it was last confirmed against Redis
// (and never past its expiry); then Token fails with an error matching
// [enduser.ErrTokenStore] ([enduser.ClassTemporary]: answer 503 and try
// again). It never refreshes without Redis's lock, so no refresh token is
// spent and no user is logged out by the outage itself; Start and End fail
// the same way and change nothing. An End made on another replica just
// before the outage may be unheard: the bound covers it. A refresh whose
// store write failed is kept by the replica that made it, which stores it
// again, holding the lock, if Redis answers within the lock's ttl, and
// otherwise at its next call for the session.
//
// Redis without persistence (a restart, a failover to an empty replica, a
// FLUSHALL) loses every session it held: Token then finds nothing and
// fails with [enduser.ErrTokenInvalid] (the user logs in again), except for
// a session whose refresh was in flight, which the refreshing replica
// stores again. Run Redis with persistence (appendonly) or replicas if
// that is not acceptable.
//
// # Failures
//
// Every error of a Store method (Load, Store, Lock, the unlock it returns,
// Delete) matches [enduser.ErrTokenStore], so [enduser.Class] says
// [enduser.ClassTemporary]: Redis is down, paused, read-only or answered
// an error, and the session is not over; answer 503 and try again later.
// Only the caller's own mistakes, caught before any command is sent (an
// invalid key, a nil token), are [enduser.ClassInvalidRequest]. The errors
// wrap their cause (errors.Is and errors.As reach the go-redis error, and
// context.DeadlineExceeded when the caller's deadline ended the call).
//
// Their text never shows a command, a key or a value: a token, its stored
// value, a lock's owner value and the session key stay out, even when Redis
// or a proxy in front of it quotes the command in its error; the text is
// cut where the quote starts.
//
// go-redis honours a context's deadline only with ContextTimeoutEnabled in
// its options; without it a call waits for ReadTimeout and WriteTimeout
// (3 s by default) whatever the context says.
//
// A Load must see the latest Store (see the storetest package): give the
// store a client that reads from masters. [New] refuses a Cluster client
// that reads from replicas.
package redisstore
