package enduser_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/storetest"
)

func TestMemoryStoreContract(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) enduser.TokenStore { return enduser.NewMemoryStore() })
}

func TestMemoryStoreRefusesBadInput(t *testing.T) {
	t.Parallel()
	s := enduser.NewMemoryStore()
	require.Error(t, s.Store(bg, "k", nil))
	tok, err := s.Load(bg, "k")
	require.NoError(t, err)
	assert.Nil(t, tok, "a refused Store stores nothing")

	for _, ttl := range []time.Duration{0, -time.Second} {
		unlock, err := s.Lock(bg, "k", ttl)
		require.Error(t, err)
		assert.Nil(t, unlock)
	}
}

func TestMemoryStoreCanceledContextOnHeldLock(t *testing.T) {
	t.Parallel()
	s := enduser.NewMemoryStore()
	unlock, err := s.Lock(bg, "k", time.Minute)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(bg)
	cancel()
	_, err = s.Lock(ctx, "k", time.Minute)
	assert.ErrorIs(t, err, context.Canceled, "an ended context fails at once, without waiting for the ttl")
	require.NoError(t, unlock(bg))
}
