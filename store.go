package enduser

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/seed1804ee03/enduser/internal/keylock"
)

// TokenStore keeps the token of a session where every replica of a service
// can see it, so that one refresh happens per expiry across all of them
// (see [Client.Sessions] and [Client.SharedTokenSource]). Implementations
// must be safe for concurrent use and read their writes across replicas
// (a Load after any process's Store or Delete returned sees it): a store
// whose reads lag, such as a Redis replica, hands out spent refresh tokens.
// The redisstore module implements it on Redis.
type TokenStore interface {
	// Load returns the token stored under key, or nil, nil when there is none.
	Load(ctx context.Context, key string) (*Token, error)
	// Store saves t under key, replacing what was there.
	Store(ctx context.Context, key string, t *Token) error
	// Lock takes key's refresh lock for at most ttl, waiting while another
	// owner holds it (until ctx ends); unlock releases it only if this
	// owner still holds it.
	Lock(ctx context.Context, key string, ttl time.Duration) (unlock func(context.Context) error, err error)
	// Delete removes the token stored under key (a logout); an absent key
	// is not an error.
	Delete(ctx context.Context, key string) error
}

// ChangeNotifier is implemented by a [TokenStore] that can tell every
// replica at once that a key changed, so that [Sessions] drops its cached
// token instead of serving it until [WithMaxStaleness] runs out.
// NotifyChanges calls changed(key) after any process's Store or Delete of
// key returned, one call at a time, until stop, which returns once no
// changed runs. Delivery may be lost (the staleness bound stays the
// floor). changed must not block.
type ChangeNotifier interface {
	NotifyChanges(changed func(key string)) (stop func())
}

// MemoryStore is a [TokenStore] and [ChangeNotifier] in the memory of one
// process, for a single replica and for tests. Create it with
// [NewMemoryStore]. It keeps copies of the tokens; printed or logged, it
// shows only how many tokens and locks it holds.
type MemoryStore struct {
	mu        sync.Mutex
	toks      map[string]Token
	locks     keylock.Table
	notify    map[*func(string)]bool
	notifying sync.Mutex // one changed call at a time
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{toks: map[string]Token{}, notify: map[*func(string)]bool{}}
}

// Load returns a copy of the token stored under key, or nil, nil.
func (s *MemoryStore) Load(_ context.Context, key string) (*Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.toks[key]
	if !ok {
		return nil, nil
	}
	return &t, nil
}

// Store saves a copy of t under key.
func (s *MemoryStore) Store(_ context.Context, key string, t *Token) error {
	if t == nil {
		return errors.New("enduser: MemoryStore.Store: nil token")
	}
	s.mu.Lock()
	s.toks[key] = *t
	s.mu.Unlock()
	s.changed(key)
	return nil
}

// Delete removes the token stored under key; an absent key is not an error.
func (s *MemoryStore) Delete(_ context.Context, key string) error {
	s.mu.Lock()
	delete(s.toks, key)
	s.mu.Unlock()
	s.changed(key)
	return nil
}

// NotifyChanges calls changed(key) after every Store and Delete, until
// stop is called.
func (s *MemoryStore) NotifyChanges(changed func(key string)) (stop func()) {
	f := &changed
	s.mu.Lock()
	s.notify[f] = true
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.notify, f)
		s.mu.Unlock()
		s.notifying.Lock() // a barrier: wait for a running changed to return
		defer s.notifying.Unlock()
	}
}

func (s *MemoryStore) changed(key string) {
	s.notifying.Lock()
	defer s.notifying.Unlock()
	s.mu.Lock()
	fs := make([]func(string), 0, len(s.notify))
	for f := range s.notify {
		fs = append(fs, *f)
	}
	s.mu.Unlock()
	for _, f := range fs {
		f(key)
	}
}

// Lock takes key's refresh lock for at most ttl as [TokenStore] says; a
// wait that ctx ends returns ctx.Err(). unlock never fails.
func (s *MemoryStore) Lock(ctx context.Context, key string, ttl time.Duration) (func(context.Context) error, error) {
	if ttl <= 0 {
		return nil, errors.New("enduser: MemoryStore.Lock: ttl must be positive")
	}
	unlock, err := s.locks.Lock(ctx, key, ttl)
	if err != nil {
		return nil, err
	}
	return func(context.Context) error { unlock(); return nil }, nil
}

// String shows how many tokens and locks the store holds; never a key or a token.
func (s *MemoryStore) String() string {
	if s == nil {
		return "<nil>"
	}
	toks, locks := s.counts()
	return fmt.Sprintf("enduser.MemoryStore{Tokens:%d Locks:%d}", toks, locks)
}

// Format prints String for every verb and flag.
func (s *MemoryStore) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// LogValue logs the store like String.
func (s *MemoryStore) LogValue() slog.Value {
	if s == nil {
		return slog.Value{}
	}
	toks, locks := s.counts()
	return slog.GroupValue(slog.Int("tokens", toks), slog.Int("locks", locks))
}

func (s *MemoryStore) counts() (toks, locks int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.toks), s.locks.Len()
}
