package enduser

import (
	"context"
	"errors"
	"sync"
	"time"
)

// MemoryStore is a [TokenStore] in the memory of one process: for a
// service with a single replica, and for tests. Its locks and tokens are
// gone when the process ends. The zero value is not usable; call
// [NewMemoryStore]. It is safe for concurrent use.
//
// It keeps copies: changing a Token after Store, or one returned by Load,
// does not change what is stored.
type MemoryStore struct {
	mu    sync.Mutex
	toks  map[string]Token
	locks map[string]*memoryLock
}

// memoryLock is one owner's hold on a key's refresh lock. Its address is
// the owner's identity: unlock releases the key only while the map still
// holds this very lock.
type memoryLock struct {
	expires  time.Time
	released chan struct{} // closed when the owner unlocks
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{toks: map[string]Token{}, locks: map[string]*memoryLock{}}
}

var errNilStoredToken = errors.New("enduser: MemoryStore.Store: nil token")

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
		return errNilStoredToken
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.toks[key] = *t
	return nil
}

// Delete removes the token stored under key; an absent key is not an error.
func (s *MemoryStore) Delete(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.toks, key)
	return nil
}

// Lock takes key's refresh lock for at most ttl, waiting while another
// owner holds it until that owner unlocks, its ttl runs out, or ctx ends
// (the error then matches ctx.Err()). The returned unlock releases the lock
// only while this owner still holds it: once the ttl has run out and
// another owner took the lock, it does nothing. It never fails.
func (s *MemoryStore) Lock(ctx context.Context, key string, ttl time.Duration) (func(context.Context) error, error) {
	if ttl <= 0 {
		return nil, errors.New("enduser: MemoryStore.Lock: ttl must be positive")
	}
	for {
		s.mu.Lock()
		now := time.Now()
		held := s.locks[key]
		if held == nil || !now.Before(held.expires) {
			l := &memoryLock{expires: now.Add(ttl), released: make(chan struct{})}
			s.locks[key] = l
			s.mu.Unlock()
			return func(context.Context) error { s.unlock(key, l); return nil }, nil
		}
		s.mu.Unlock()
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		timer := time.NewTimer(held.expires.Sub(now))
		select {
		case <-held.released:
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		}
		timer.Stop()
	}
}

// unlock releases key's lock if l still holds it.
func (s *MemoryStore) unlock(key string, l *memoryLock) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.locks[key] == l {
		delete(s.locks, key)
		close(l.released)
	}
}
