package downstream

import (
	"context"
	"errors"
	"fmt"

	"github.com/seed1804ee03/enduser"
)

// Accounts serves the profiles of signed-in users from sessions kept in a
// shared token store, so that every replica of the service uses (and
// refreshes) the same session.
type Accounts struct {
	client *enduser.Client
	store  enduser.TokenStore
}

// NewAccounts returns Accounts over an SDK client and a token store.
func NewAccounts(c *enduser.Client, store enduser.TokenStore) *Accounts {
	return &Accounts{client: c, store: store}
}

// ErrLoginAgain means the user's session is over: ask them to log in again
// (HTTP 401).
var ErrLoginAgain = errors.New("session over: log in again")

// ErrTryLater means the session's state is unknown for now: answer 503 and
// let the client retry; never refresh the session some other way meanwhile.
var ErrTryLater = errors.New("session unavailable: try again later")

// Save stores a fresh login's token as the session key.
func (a *Accounts) Save(ctx context.Context, key string, t *enduser.Token) error {
	return a.store.Store(ctx, key, t)
}

// Profile returns the session's user, refreshing its token when it
// expires. A refresh whose answer was lost (the server may have rotated the
// refresh token) fails loudly with ErrTryLater, and the session then ends
// with ErrLoginAgain: the SDK never sends that refresh token again.
func (a *Accounts) Profile(ctx context.Context, key string) (*enduser.UserInfo, error) {
	tok, err := a.client.SharedTokenSource(a.store, key).Token(ctx)
	if err != nil {
		return nil, classify(err)
	}
	info, err := a.client.UserInfo(ctx, tok)
	if err != nil {
		return nil, classify(err)
	}
	return info, nil
}

func classify(err error) error {
	switch enduser.Class(err) {
	case enduser.ClassReLogin:
		return fmt.Errorf("%w (%w)", ErrLoginAgain, err)
	default:
		return fmt.Errorf("%w (%w)", ErrTryLater, err)
	}
}
