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
// The store needs the commands GET, SET, EVALSHA, EVAL, PUBLISH (from the
// script) and SUBSCRIBE.
//
// # Failures
//
// Errors from Redis are wrapped (errors.Is and errors.As reach the go-redis
// error) and never contain token material, even when Redis or a proxy in
// front of it quotes the command in its error: the token, its stored value
// and the lock's owner value are cut from the text. A session key is not a
// secret, but it does not appear in errors either.
package redisstore
