// Package downstream is a sketch of a service that uses the SDK, and its
// tests show the two ways to test such a service without a real account:
// against the endusertest emulator, and with httpmock on the *http.Client
// given to the SDK. Accounts keeps sessions in a shared token store; its
// test scripts the worst refresh failure (processed, answer lost) with
// endusertest.ProcessThenDrop.
package downstream

import (
	"context"
	"errors"
	"fmt"

	"github.com/seed1804ee03/enduser"
)

// Sessions logs app users in with Apple and remembers their tokens.
type Sessions struct {
	client *enduser.Client
	tokens map[string]*enduser.Token
}

// NewSessions returns a Sessions over an SDK client.
func NewSessions(c *enduser.Client) *Sessions {
	return &Sessions{client: c, tokens: map[string]*enduser.Token{}}
}

// ErrRejected means the platform refused the user's credential.
var ErrRejected = errors.New("login rejected")

// LoginWithApple logs a user in and returns their uid.
func (s *Sessions) LoginWithApple(ctx context.Context, identityToken string) (string, error) {
	tok, err := s.client.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: identityToken})
	var apiErr *enduser.APIError
	switch {
	case errors.As(err, &apiErr):
		return "", fmt.Errorf("%w: code %d", ErrRejected, apiErr.Code)
	case err != nil:
		return "", err
	}
	info, err := s.client.UserInfo(ctx, tok)
	if err != nil {
		return "", err
	}
	s.tokens[info.UID] = tok
	return info.UID, nil
}
