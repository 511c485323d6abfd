package redisstore

import "errors"

// Errors a [Store] returns besides the wrapped errors of Redis itself.
var (
	// ErrInvalidKey: an empty session key, or one containing '}' (it would
	// break the Cluster hash tag that keeps a token and its lock together).
	ErrInvalidKey = errors.New("redisstore: invalid session key")
	// ErrUnknownKey: the stored token is encrypted under a key id that the
	// store was not given (or the store has no keys at all).
	ErrUnknownKey = errors.New("redisstore: stored token is encrypted under an unknown key id")
	// ErrDecrypt: the stored token does not decrypt under its key id: a
	// different key with the same id, a tampered value, or a value copied
	// from another session's key.
	ErrDecrypt = errors.New("redisstore: stored token does not decrypt (wrong key or tampered value)")
	// ErrNotEncrypted: the store encrypts, but the stored token is plain JSON
	// (see [WithPlaintextReads] to migrate a store that did not encrypt).
	ErrNotEncrypted = errors.New("redisstore: stored token is not encrypted")
	// ErrCorrupt: the stored value is neither a token nor an encrypted token.
	ErrCorrupt = errors.New("redisstore: stored value is not a token")
	// ErrLockNotHeld: unlock found the lock gone or held by another owner:
	// this owner's TTL ran out before it released.
	ErrLockNotHeld = errors.New("redisstore: the lock was no longer held by this owner")
)
