package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/seed1804ee03/enduser"
)

// Errors a [Store] returns besides the wrapped errors of Redis itself.
// Every error a Store's method returns matches [enduser.ErrTokenStore]
// (errors.Is), so [enduser.Class] puts it in [enduser.ClassTemporary]: the
// session is not over, try again later. The exceptions are the caller's
// own mistakes, caught before anything is sent to Redis ([ErrInvalidKey], a
// nil token, a lock TTL under a millisecond): they match
// [enduser.ErrInvalidRequest] too, and are [enduser.ClassInvalidRequest].
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

// storeError is every error a Store's method returns: it matches
// enduser.ErrTokenStore without adding its text (a caller that wraps it in
// ErrTokenStore again, as enduser's sessions do, says it once), and unwraps
// to the cause, so errors.Is and errors.As reach the go-redis error.
type storeError struct {
	msg     string
	err     error
	invalid bool // the caller's mistake: matches enduser.ErrInvalidRequest too
}

func (e *storeError) Error() string { return e.msg }
func (e *storeError) Unwrap() error { return e.err }

// Format prints Error for every verb: %#v would otherwise print the cause's
// fields, and a Redis reply is a string type that may quote the command.
func (e *storeError) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(e.msg)) }

// Is makes the error match enduser.ErrTokenStore (and
// enduser.ErrInvalidRequest for the caller's own mistakes).
func (e *storeError) Is(target error) bool {
	return target == enduser.ErrTokenStore || (e.invalid && target == enduser.ErrInvalidRequest)
}

// failed wraps one of the store's own errors, whose text is the store's.
func failed(err error) error { return &storeError{msg: err.Error(), err: err} }

// invalid wraps a mistake of the caller, caught before any I/O.
func invalid(err error) error { return &storeError{msg: err.Error(), err: err, invalid: true} }

// redisError wraps an error of go-redis while doing something with a
// command whose arguments are args (the command's name first). When ctx has
// ended it wraps ctx's error too: go-redis reports a deadline that cut a
// read short as a network timeout, which errors.Is would not match with
// context.DeadlineExceeded.
//
// The text never shows the command, its keys or its values (a token, its
// stored value, a lock's owner value, the session key): a Redis error such
// as "ERR unknown command 'X', with args beginning with: ..." quotes them,
// and so may a proxy in front of Redis, or go-redis itself when it cannot
// parse a reply. The text of the cause is cut where it starts quoting (see
// [quoteFree]); the cause stays reachable with errors.As.
func redisError(ctx context.Context, doing string, err error, args ...string) error {
	cause := err
	ctxErr := ctx.Err()
	if d, ok := ctx.Deadline(); ok && ctxErr == nil && !time.Now().Before(d) {
		// The socket's deadline (go-redis sets it from ctx's) may fire a
		// moment before ctx's own timer does.
		ctxErr = context.DeadlineExceeded
	}
	if ctxErr != nil && !errors.Is(err, ctxErr) {
		cause = fmt.Errorf("%w: %w", ctxErr, err)
	}
	return &storeError{msg: "redisstore: " + doing + ": " + quoteFree(cause.Error(), args), err: cause}
}

// quoteFree returns msg cut before the first thing in it that quotes a
// command: a quotation mark (not an apostrophe between letters), one of args (the command's name as a word, a
// key or a value anywhere), or a control character. What remains is the
// server's or the network's own words, e.g. "READONLY You can't write
// against a read only replica." stays whole.
func quoteFree(msg string, args []string) string {
	cut := len(msg)
	for i, r := range msg {
		apostrophe := r == '\'' && i > 0 && i+1 < len(msg) && isLetter(msg[i-1]) && isLetter(msg[i+1]) // "can't"
		if (r == '\'' || r == '"' || r == '`') && !apostrophe || unicode.IsControl(r) {
			cut = i
			break
		}
	}
	lower := strings.ToLower(msg)
	for n, a := range args {
		if a == "" {
			continue
		}
		if n == 0 { // the command's name: only as a word ("GET" is in "target")
			cut = min(cut, wordIndex(lower, strings.ToLower(a)))
			continue
		}
		if i := strings.Index(lower, strings.ToLower(a)); i >= 0 {
			cut = min(cut, i)
		}
	}
	if cut == len(msg) {
		return msg
	}
	return strings.TrimRight(msg[:cut], " :,(") + " [cut]"
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// wordIndex returns the index of word in s as a whole word, or len(s).
func wordIndex(s, word string) int {
	isWord := func(r byte) bool { return r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' }
	for from := 0; from < len(s); {
		i := strings.Index(s[from:], word)
		if i < 0 {
			break
		}
		i += from
		end := i + len(word)
		if (i == 0 || !isWord(s[i-1])) && (end == len(s) || !isWord(s[end])) {
			return i
		}
		from = i + 1
	}
	return len(s)
}
