package redisstore_test

import (
	"context"
	"log"
	"os"

	"github.com/redis/go-redis/v9"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/redisstore"
)

// Every replica of a service builds the same store and a SharedTokenSource
// per session; one of them stores the session's token after the login.
func Example() {
	ctx := context.Background()
	client, err := enduser.NewClient(enduser.Config{
		BaseURL:          "https://iot-api.acceleronix.io",
		UserDomain:       "E.SP.4294967410",
		UserDomainSecret: os.Getenv("ENDUSER_USER_DOMAIN_SECRET"),
	})
	if err != nil {
		log.Fatal(err)
	}
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:    []string{"redis:6379"}, // one address: a single node; several: a Cluster; with MasterName: Sentinel
		PoolSize: 10,                     // the store needs few connections
	})
	defer func() { _ = rdb.Close() }()
	store, err := redisstore.New(rdb, redisstore.WithEncryption(
		redisstore.Key{ID: "2026-11", Secret: []byte(os.Getenv("TOKEN_KEY_2026_11"))}, // current: encrypts
		redisstore.Key{ID: "2026-10", Secret: []byte(os.Getenv("TOKEN_KEY_2026_10"))}, // previous: still decrypts
	))
	if err != nil {
		log.Print(err) // a bad key: a configuration error
		return
	}

	// After a login, on whichever replica handled it:
	//	err = store.Store(ctx, "session:"+sessionID, tok)

	ts := client.SharedTokenSource(store, "session:42")
	tok, err := ts.Token(ctx) // one refresh per expiry across all replicas
	if err != nil {
		log.Print(err) // enduser.ErrTokenStore: Redis failed, retry later; enduser.ErrTokenInvalid: log in again
		return
	}
	_ = tok.AuthorizationHeader()
}
