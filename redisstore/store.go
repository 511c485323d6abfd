package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/seed1804ee03/enduser"
)

// Store is an [enduser.TokenStore] on Redis. It is safe for concurrent use
// and holds no state of its own besides its configuration: any number of
// Stores in any number of processes share the sessions of one Redis.
//
// Printing a Store shows its prefix, never its keys.
type Store struct {
	rdb  redis.UniversalClient
	opts options
}

var _ enduser.TokenStore = (*Store)(nil)

// minTTL is the shortest TTL a stored token gets: a token whose refresh
// token has already expired stays this long, so peers read it and learn the
// session is over rather than finding nothing.
const minTTL = time.Second

// New returns a Store on rdb. It does no I/O; a bad option is an error,
// and so is a Cluster client that reads from replicas (ReadOnly,
// RouteByLatency or RouteRandomly): a replica lags behind its master, and a
// Load must see the latest Store (see the storetest package).
func New(rdb redis.UniversalClient, opts ...Option) (*Store, error) {
	if rdb == nil {
		return nil, errors.New("redisstore: nil Redis client")
	}
	if c, ok := rdb.(*redis.ClusterClient); ok {
		if o := c.Options(); o.ReadOnly || o.RouteByLatency || o.RouteRandomly {
			return nil, errors.New("redisstore: the Cluster client reads from replicas (ReadOnly, RouteByLatency or RouteRandomly): a Load could miss the latest Store")
		}
	}
	o := options{
		prefix:     DefaultPrefix,
		unknownTTL: DefaultUnknownExpiryTTL,
		minBackoff: DefaultLockMinBackoff,
		maxBackoff: DefaultLockMaxBackoff,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if err := errors.Join(o.errs...); err != nil {
		return nil, err
	}
	o.errs = nil
	return &Store{rdb: rdb, opts: o}, nil
}

// String describes the store without its keys.
func (s *Store) String() string {
	return fmt.Sprintf("redisstore.Store{Prefix:%q Encrypted:%t}", s.opts.prefix, s.opts.keys != nil)
}

// Format implements fmt.Formatter so that every verb prints String.
func (s *Store) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// TokenKey returns the Redis key that holds the token of session key.
func (s *Store) TokenKey(key string) string { return s.opts.prefix + "{" + key + "}:token" }

// LockKey returns the Redis key of session key's refresh lock; it is in the
// same Cluster slot as [Store.TokenKey].
func (s *Store) LockKey(key string) string { return s.opts.prefix + "{" + key + "}:lock" }

func checkKey(key string) error {
	if key == "" || strings.Contains(key, "}") {
		return ErrInvalidKey
	}
	return nil
}

// Load returns the token of session key, or nil, nil when Redis has none
// (never stored, or expired with its refresh token).
func (s *Store) Load(ctx context.Context, key string) (*enduser.Token, error) {
	if err := checkKey(key); err != nil {
		return nil, invalid(err)
	}
	rk := s.TokenKey(key)
	val, err := s.rdb.Get(ctx, rk).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, redisError(ctx, "loading a token", err, "get", rk, key)
	}
	plain, err := s.decode(rk, val)
	if err != nil {
		return nil, failed(err)
	}
	var t enduser.Token
	if err := json.Unmarshal(plain, &t); err != nil {
		return nil, failed(ErrCorrupt) // the JSON error could quote token material
	}
	return &t, nil
}

func (s *Store) decode(redisKey, val string) ([]byte, error) {
	switch {
	case strings.HasPrefix(val, sealedPrefix):
		return s.opts.keys.open(redisKey, val)
	case !strings.HasPrefix(val, "{"):
		return nil, ErrCorrupt
	case s.opts.keys != nil && !s.opts.plaintextReads:
		return nil, ErrNotEncrypted
	}
	return []byte(val), nil
}

// Store saves t as the token of session key, replacing what was there,
// with a TTL at t's refresh expiry (see the package documentation), and
// announces the change on [Store.ChangeChannel] in the same atomic step.
func (s *Store) Store(ctx context.Context, key string, t *enduser.Token) error {
	if err := checkKey(key); err != nil {
		return invalid(err)
	}
	if t == nil {
		return invalid(errors.New("redisstore: storing a nil token"))
	}
	plain, err := json.Marshal(t) //nolint:gosec // G117: storing the token is the point; WithEncryption protects it at rest
	if err != nil {
		return failed(errors.New("redisstore: encoding the token"))
	}
	rk := s.TokenKey(key)
	val := string(plain)
	if s.opts.keys != nil {
		if val, err = s.opts.keys.seal(rk, plain); err != nil {
			return failed(err)
		}
	}
	ttl := strconv.FormatInt(s.ttl(t, time.Now()).Milliseconds(), 10)
	if err := storeScript.Run(ctx, s.rdb, []string{rk}, val, ttl, s.ChangeChannel(), key).Err(); err != nil {
		return redisError(ctx, "storing a token", err, append([]string{"evalsha", rk, key, val, string(plain), storeScript.Hash(), "eval "}, tokenSecrets(t)...)...)
	}
	return nil
}

// Delete removes the token of session key (after a logout, say) and
// announces the change on [Store.ChangeChannel] in the same atomic step;
// deleting an absent key is not an error. The refresh lock of the key is
// left as it is. Sessions on other replicas drop their cached token when
// the announcement reaches them, and at the latest when it is older than
// their staleness bound ([enduser.WithMaxStaleness]).
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return invalid(err)
	}
	rk := s.TokenKey(key)
	if err := deleteScript.Run(ctx, s.rdb, []string{rk}, s.ChangeChannel(), key).Err(); err != nil {
		return redisError(ctx, "deleting a token", err, "evalsha", rk, key, deleteScript.Hash(), "eval ")
	}
	return nil
}

// ttl is how long t is worth keeping: until its refresh token expires, or
// without one until its access token does; 0 means no TTL.
func (s *Store) ttl(t *enduser.Token, now time.Time) time.Duration {
	end := t.RefreshExpiry
	if t.RefreshToken == "" {
		end = t.Expiry
	}
	if end.IsZero() {
		return s.opts.unknownTTL
	}
	d := end.Sub(now).Truncate(time.Millisecond)
	if d < minTTL {
		d = minTTL
	}
	return d
}

// tokenSecrets are the strings of t that no error may show.
func tokenSecrets(t *enduser.Token) []string {
	bare := ""
	if len(t.AccessToken) > 7 && strings.EqualFold(t.AccessToken[:7], "bearer ") {
		bare = t.AccessToken[7:]
	}
	return []string{t.AccessToken, bare, t.RefreshToken, t.IDToken}
}
