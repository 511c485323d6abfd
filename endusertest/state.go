package endusertest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// state is everything the emulator remembers, behind one mutex. Every map
// that grows with traffic is pruned on the emulator's clock (see sweep).
type state struct {
	mu       sync.Mutex
	faults   map[string][]*pending
	requests []Request // ring of the recent requests, oldest at next once full
	next     int
	counts   map[string]int
	tokens   map[string]*issued     // live token (access tokens without "Bearer ") → what it is
	spent    map[string]tombstone   // used, revoked or logged-out token → why, until it would have expired
	codes    map[[32]byte]time.Time // SHA-256 of a redeemed single-use code → when it is forgotten
	seeded   map[string]string      // seeded login credential → uid
	profiles map[string]Profile     // uid → seeded profile
	lifetime uint64                 // sign-ins answered, for LifetimeKeyAlternate

	inserts int // since the last sweep
	sweepAt int // sweep when inserts reaches it
	peak    int // largest size since the maps were last rebuilt
}

// tokenKind tells access from refresh tokens.
type tokenKind int

const (
	accessToken tokenKind = iota + 1
	refreshToken
)

func (k tokenKind) String() string {
	if k == refreshToken {
		return "refresh token"
	}
	return "access token"
}

// issued is a token the emulator issued.
type issued struct {
	kind   tokenKind
	family family // familyV2 or familyGenAuth
	uid    string
	source string // the login endpoint or GenAuth connection of the session
	grant  string // the session: every token a login and its refreshes issued
	scope  string // GenAuth
	issued time.Time
	expiry time.Time
}

// tombstone remembers why a token no longer works, so that answers can say
// so, until the token would have expired anyway.
type tombstone struct {
	reason string
	until  time.Time
}

func (st *state) init() {
	st.faults = map[string][]*pending{}
	st.counts = map[string]int{}
	st.tokens = map[string]*issued{}
	st.spent = map[string]tombstone{}
	st.codes = map[[32]byte]time.Time{}
	st.seeded = map[string]string{}
	st.profiles = map[string]Profile{}
	st.sweepAt = minSweep
}

// minSweep is the fewest inserts between two sweeps.
const minSweep = 1024

// insertedLocked counts an insert into a pruned map and sweeps when due:
// after max(minSweep, half the live entries) inserts, so pruning costs O(1)
// per insert on average.
func (st *state) insertedLocked(now time.Time) {
	st.inserts++
	if st.inserts < st.sweepAt {
		return
	}
	st.sweepLocked(now)
}

// sweepLocked forgets expired tokens, tombstones and codes. Go maps do not
// shrink, so maps that emptied a lot are rebuilt.
func (st *state) sweepLocked(now time.Time) {
	for k, t := range st.tokens {
		if !now.Before(t.expiry) {
			delete(st.tokens, k)
			if t.kind == refreshToken {
				st.spent[k] = tombstone{reason: "expired", until: now.Add(time.Minute)}
			}
		}
	}
	for k, t := range st.spent {
		if !now.Before(t.until) {
			delete(st.spent, k)
		}
	}
	for k, until := range st.codes {
		if !now.Before(until) {
			delete(st.codes, k)
		}
	}
	size := len(st.tokens) + len(st.spent) + len(st.codes)
	if st.peak > 4*size && st.peak > 4*minSweep {
		st.tokens = clone(st.tokens)
		st.spent = clone(st.spent)
		st.codes = clone(st.codes)
		st.peak = size
	}
	st.peak = max(st.peak, size)
	st.inserts = 0
	st.sweepAt = max(minSweep, size/2)
}

func clone[K comparable, V any](m map[K]V) map[K]V {
	c := make(map[K]V, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// codeKey is the key of a redeemed code: a fixed size, whatever the code.
func codeKey(scope, code string) [32]byte {
	return sha256.Sum256([]byte(scope + "\x00" + code))
}

// newID returns a random identifier with a prefix.
func newID(prefix string) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

// deriveUID is the user id of a login identity that no seeded user claims:
// stable for the identity, unguessable from it, and stored nowhere.
func (s *Server) deriveUID(identity string) string {
	m := hmac.New(sha256.New, s.uidKey)
	m.Write([]byte(identity))
	return "uid-" + hex.EncodeToString(m.Sum(nil)[:12])
}
