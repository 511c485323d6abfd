package redisstore

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// DefaultPrefix starts every Redis key a Store writes.
const DefaultPrefix = "enduser:"

// DefaultUnknownExpiryTTL is how long a token whose expiries are unknown
// stays in Redis after its last store: the 30 days a v2 refresh token
// lives. An active session is stored again at every refresh, so only a
// session idle for that long is dropped.
const DefaultUnknownExpiryTTL = 30 * 24 * time.Hour

// Default bounds of the wait between two attempts at a held lock.
const (
	DefaultLockMinBackoff = 2 * time.Millisecond
	DefaultLockMaxBackoff = 50 * time.Millisecond
)

type options struct {
	prefix         string
	unknownTTL     time.Duration
	keys           *keyring
	plaintextReads bool
	minBackoff     time.Duration
	maxBackoff     time.Duration
	errs           []error
}

// Option configures a [Store].
type Option func(*options)

// WithPrefix sets the prefix of every key the store writes (default
// [DefaultPrefix]). It must not contain '{' or '}': the store puts the
// session key in braces, a Cluster hash tag.
func WithPrefix(prefix string) Option {
	return func(o *options) {
		if strings.ContainsAny(prefix, "{}") {
			o.errs = append(o.errs, fmt.Errorf("redisstore: prefix %q contains '{' or '}'", prefix))
			return
		}
		o.prefix = prefix
	}
}

// WithUnknownExpiryTTL sets how long a token whose expiries are unknown
// stays in Redis (default [DefaultUnknownExpiryTTL]); 0 keeps it until it
// is overwritten.
func WithUnknownExpiryTTL(d time.Duration) Option {
	return func(o *options) {
		if d < 0 {
			o.errs = append(o.errs, errors.New("redisstore: negative unknown-expiry TTL"))
			return
		}
		o.unknownTTL = d
	}
}

// WithEncryption encrypts every token at rest with AES-GCM under current,
// and decrypts tokens stored under current or any of previous. To rotate,
// give the new key as current and the old one in previous until every
// session has been stored again (at its next refresh), then drop it.
//
// A value under a key id the store does not know fails with [ErrUnknownKey],
// one that does not authenticate with [ErrDecrypt]; a plain value fails
// with [ErrNotEncrypted] unless [WithPlaintextReads] is given.
//
// With random 96-bit nonces, one key should encrypt at most 2^32 tokens:
// rotate it well before that (at a refresh every 2 h, 1M sessions take
// about a year).
func WithEncryption(current Key, previous ...Key) Option {
	return func(o *options) {
		kr, err := newKeyring(current, previous)
		if err != nil {
			o.errs = append(o.errs, err)
			return
		}
		o.keys = kr
	}
}

// WithPlaintextReads lets a store that encrypts read tokens stored in plain
// JSON, to turn encryption on for an existing store: every token is
// encrypted at its next store. Anyone who can write to Redis can then plant
// a token, so drop the option once the old sessions have been refreshed.
func WithPlaintextReads() Option {
	return func(o *options) { o.plaintextReads = true }
}

// WithLockBackoff sets the bounds of the jittered exponential wait between
// two attempts at a lock held by another owner (default
// [DefaultLockMinBackoff] to [DefaultLockMaxBackoff]). A release wakes the
// waiters at once through Pub/Sub; the backoff bounds how late a waiter
// sees an expired lock (a crashed owner) or a release when Pub/Sub fails,
// and how soon it notices a cancelled context. Each attempt is one SET.
func WithLockBackoff(minWait, maxWait time.Duration) Option {
	return func(o *options) {
		if minWait <= 0 || maxWait < minWait {
			o.errs = append(o.errs, fmt.Errorf("redisstore: lock backoff: want 0 < min <= max, got %v and %v", minWait, maxWait))
			return
		}
		o.minBackoff, o.maxBackoff = minWait, maxWait
	}
}
