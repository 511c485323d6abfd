package downstream

import (
	"context"
	"errors"
	"fmt"

	"github.com/seed1804ee03/enduser"
)

// Accounts serves the profiles of signed-in users from sessions kept in a
// shared token store: one enduser.Sessions per process, so that every
// replica serves cached tokens and one refresh happens per expiry.
type Accounts struct {
	client   *enduser.Client
	sessions *enduser.Sessions
}

// NewAccounts returns Accounts over an SDK client and a token store.
func NewAccounts(c *enduser.Client, store enduser.TokenStore) *Accounts {
	return &Accounts{client: c, sessions: c.Sessions(store)}
}

// ErrLoginAgain means the user's session is over: ask them to log in again
// (HTTP 401).
var ErrLoginAgain = errors.New("session over: log in again")

// ErrTryLater means the session's state is unknown for now: answer 503 and
// let the client retry; never refresh the session some other way meanwhile.
var ErrTryLater = errors.New("session unavailable: try again later")

// Save stores a fresh login's token as the session key.
func (a *Accounts) Save(ctx context.Context, key string, t *enduser.Token) error {
	return a.sessions.Start(ctx, key, t)
}

// Logout ends the session on every replica and revokes it at its host.
func (a *Accounts) Logout(ctx context.Context, key string) error {
	if err := a.sessions.End(ctx, key); err != nil {
		return classify(err)
	}
	return nil
}

// Profile returns the session's user, refreshing its token when it
// expires. A refresh whose answer was lost (the server may have rotated the
// refresh token) fails loudly with ErrTryLater, and the session then ends
// with ErrLoginAgain: the SDK never sends that refresh token again.
func (a *Accounts) Profile(ctx context.Context, key string) (*enduser.UserInfo, error) {
	tok, err := a.sessions.Token(ctx, key)
	if err != nil {
		return nil, classify(err)
	}
	info, err := a.client.UserInfo(ctx, tok)
	if errors.Is(err, enduser.ErrTokenInvalid) { // refused before its expiry
		if tok, err = a.sessions.ForceRefresh(ctx, key, tok); err == nil {
			info, err = a.client.UserInfo(ctx, tok)
		}
	}
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
