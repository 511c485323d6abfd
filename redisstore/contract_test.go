package redisstore_test

import (
	"testing"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/redisstore"
	"github.com/seed1804ee03/enduser/storetest"
)

// TestContract runs the TokenStore contract that enduser.MemoryStore meets.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) enduser.TokenStore { return newStore(t, newRedis(t)) })
}

// TestContractEncrypted runs it again with encryption at rest.
func TestContractEncrypted(t *testing.T) {
	storetest.Run(t, func(t *testing.T) enduser.TokenStore {
		return newStore(t, newRedis(t), redisstore.WithEncryption(key2, key1))
	})
}
