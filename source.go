package enduser

import "context"

// Source hands out a token to send: *[TokenSource] implements it, and
// [StaticTokenSource] for tests. Code that only needs a token should take a
// Source, so that tests can give it a fixed token or a mock. It is the
// context-aware form of golang.org/x/oauth2's TokenSource.
type Source interface {
	// Token returns a token valid for a call now, or why there is none.
	Token(ctx context.Context) (*Token, error)
}

var _ Source = (*TokenSource)(nil)

// StaticTokenSource returns a Source that always returns t and never
// refreshes it: for tests, and for tokens whose lifetime the caller
// manages. If t is nil, Token fails with an error matching
// [ErrTokenRequired].
func StaticTokenSource(t *Token) Source { return staticSource{t} }

type staticSource struct{ t *Token }

// Token returns the fixed token.
func (s staticSource) Token(context.Context) (*Token, error) {
	if s.t == nil {
		return nil, &ValidationError{Op: "StaticTokenSource", Field: "token", Reason: "is nil", Err: ErrTokenRequired}
	}
	return s.t, nil
}
