package enduser

import (
	"context"
	"time"
)

// TokenStore keeps the token of a session where every replica of a service
// can see it, so that one refresh happens per expiry across all of them
// (see [Client.SharedTokenSource]). Implementations must be safe for
// concurrent use. The redisstore module implements it on Redis.
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
