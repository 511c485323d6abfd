package redisstore_test

import (
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/redisstore"
	"github.com/seed1804ee03/enduser/storetest"
)

// peers gives storetest a second client of the same store: its own
// connection pool to the same Redis, with the same options, as another
// replica of a service would have.
type peers struct {
	mu   sync.Mutex
	dial map[enduser.TokenStore]func(t *testing.T) enduser.TokenStore
}

// newStore returns a store on a fresh client of r with opts, and records how
// to make its peer.
func (p *peers) newStore(t *testing.T, dial func(t *testing.T) redis.UniversalClient, opts ...redisstore.Option) enduser.TokenStore {
	s, err := redisstore.New(dial(t), opts...)
	require.NoError(t, err)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dial == nil {
		p.dial = map[enduser.TokenStore]func(t *testing.T) enduser.TokenStore{}
	}
	p.dial[s] = func(t *testing.T) enduser.TokenStore {
		peer, err := redisstore.New(dial(t), opts...)
		require.NoError(t, err)
		return peer
	}
	return s
}

func (p *peers) option() storetest.Option {
	return storetest.WithPeer(func(t *testing.T, s enduser.TokenStore) enduser.TokenStore {
		p.mu.Lock()
		dial := p.dial[s]
		p.mu.Unlock()
		require.NotNil(t, dial, "a store this test did not make")
		return dial(t)
	})
}

// contract runs storetest on stores with opts, each on a Redis of its own
// (a miniredis) or the shared one, under a prefix of its own; peers read
// through another connection pool.
func contract(t *testing.T, opts ...redisstore.Option) {
	var p peers
	storetest.Run(t, func(t *testing.T) enduser.TokenStore {
		r := newRedis(t)
		o := append([]redisstore.Option{redisstore.WithPrefix(testPrefix(t, r))}, opts...)
		return p.newStore(t, func(t *testing.T) redis.UniversalClient {
			rdb, err := dial(r.addr)
			require.NoError(t, err)
			t.Cleanup(func() { _ = rdb.Close() })
			return rdb
		}, o...)
	}, p.option())
}

// TestContract runs the TokenStore contract that enduser.MemoryStore meets.
func TestContract(t *testing.T) { contract(t) }

// TestContractEncrypted runs it again with encryption at rest.
func TestContractEncrypted(t *testing.T) { contract(t, redisstore.WithEncryption(key2, key1)) }
