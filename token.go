package enduser

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// expiryDelta is how long before its Expiry a token stops being Valid, so
// that it is not expired by the time the server sees it.
const expiryDelta = 10 * time.Second

// Valid reports whether t holds an access token that expires in more than
// ten seconds. A nil Token is not valid; a zero Expiry (lifetime unknown)
// is valid until the server rejects the token.
func (t *Token) Valid() bool {
	return t != nil && t.AccessToken != "" && !t.expiredAt(time.Now(), expiryDelta)
}

// expiredAt reports whether the access token expires within leeway of now.
func (t *Token) expiredAt(now time.Time, leeway time.Duration) bool {
	return !t.Expiry.IsZero() && !now.Add(leeway).Before(t.Expiry)
}

// AuthorizationHeader returns the exact value to send in an Authorization
// header: the v2 token unchanged (it already starts with "Bearer "), and
// "<TokenType> <AccessToken>" for a bare GenAuth token.
func (t *Token) AuthorizationHeader() string {
	if t == nil || t.AccessToken == "" {
		return ""
	}
	if hasBearerPrefix(t.AccessToken) {
		return t.AccessToken
	}
	typ := t.TokenType
	if typ == "" {
		typ = "Bearer"
	}
	return typ + " " + t.AccessToken
}

// familyOf returns the family whose host a call with t goes to: t.Family,
// or for a token stored without one, an access token starting with
// "Bearer " is v2, an id token or a scope GenAuth, else the one family the
// client is configured for. Anything else is refused before sending, so a
// token never reaches the other family's host.
func (c *Client) familyOf(op string, t *Token) (Family, error) {
	if t == nil || t.AccessToken == "" && t.RefreshToken == "" {
		return "", &ValidationError{Op: op, Field: "Authorization", Reason: "needs a token", Err: ErrTokenRequired}
	}
	switch t.Family {
	case FamilyV2, FamilyGenAuth:
		return t.Family, nil
	case "":
	default:
		return "", &ValidationError{Op: op, Field: "Family", Reason: "is not a known family (want \"v2\" or \"genauth\")"}
	}
	switch {
	case hasBearerPrefix(t.AccessToken):
		return FamilyV2, nil
	case t.IDToken != "" || t.Scope != "":
		return FamilyGenAuth, nil
	}
	v2, genAuth := c.v2Base != "", c.genAuthURL != ""
	switch {
	case v2 && !genAuth:
		return FamilyV2, nil
	case genAuth && !v2:
		return FamilyGenAuth, nil
	}
	return "", &ValidationError{Op: op, Field: "Family", Reason: "is empty and the token does not tell which API issued it: set Token.Family"}
}

func hasBearerPrefix(s string) bool {
	return len(s) > 7 && strings.EqualFold(s[:7], "bearer ")
}

// String describes the token without its material.
func (t Token) String() string {
	s := "enduser.Token{Family:" + printableFamily(t.Family) + " TokenType:" + printableTokenType(t.TokenType) +
		" AccessToken:" + presence(t.AccessToken) + " Expiry:" + formatTime(t.Expiry) +
		" RefreshToken:" + presence(t.RefreshToken) + " RefreshExpiry:" + formatTime(t.RefreshExpiry) +
		" IDToken:" + presence(t.IDToken)
	if t.Scope != "" {
		s += " Scope:" + printableScope(t.Scope)
	}
	return s + "}"
}

// Format implements fmt.Formatter so that every verb prints String.
func (t Token) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(t.String())) }

// LogValue implements slog.LogValuer: type, expiries and which tokens are
// present.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("family", printableFamily(t.Family)),
		slog.String("token_type", printableTokenType(t.TokenType)),
		slog.Time("expiry", t.Expiry),
		slog.Bool("refresh_token", t.RefreshToken != ""),
		slog.Time("refresh_expiry", t.RefreshExpiry),
		slog.Bool("id_token", t.IDToken != ""),
		slog.String("scope", printableScope(t.Scope)),
	)
}

// The token type, scope and family (read back from a store) are text a
// hostile server could fill with a credential: a Token prints only the
// values it knows, anything else as [redacted].

func printableFamily(f Family) string {
	switch f {
	case "", FamilyV2, FamilyGenAuth:
		return string(f)
	}
	return redacted
}

func printableTokenType(typ string) string {
	switch {
	case typ == "", strings.EqualFold(typ, "bearer"), strings.EqualFold(typ, "dpop"):
		return typ
	}
	return redacted
}

// knownScopes are OpenID Connect's and GenAuth's documented scopes.
var knownScopes = map[string]bool{
	"openid": true, "profile": true, "email": true, "phone": true, "address": true,
	"offline_access": true, "username": true, "roles": true, "external_id": true,
	"extended_fields": true, "tenant_id": true,
}

func printableScope(scope string) string {
	words := strings.Fields(scope)
	for i, w := range words {
		if !knownScopes[w] {
			words[i] = redacted
		}
	}
	return strings.Join(words, " ")
}

func presence(s string) string {
	if s == "" {
		return "none"
	}
	return redacted
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format(time.RFC3339)
}
