package endusertest

import (
	"net/http"
	"strings"

	"github.com/seed1804ee03/enduser"
)

// oauthError is an RFC 6749 section 5.2 error answer.
func oauthError(status int, code, description string) response {
	resp := response{status, map[string]any{"error": code, "error_description": description}, nil}
	if status == http.StatusUnauthorized && code == "invalid_client" {
		resp.header = map[string]string{"WWW-Authenticate": `Basic realm="oidc"`}
	}
	return resp
}

// identOIDCForm finds the user of the token in a form field.
func identOIDCForm(field string) func(*Server, *call) {
	return func(s *Server, c *call) {
		tok := c.form.Get(field)
		if tok == "" {
			return
		}
		c.tokens = []string{bareToken(tok)}
		if t, ok := s.state.tokens[bareToken(tok)]; ok {
			c.uid = t.uid
		}
	}
}

// formValue returns a form field as any: nil when absent, so that "sent
// empty" and "not sent" differ.
func formValue(c *call, key string) any {
	if vs, ok := c.form[key]; ok && len(vs) > 0 {
		return vs[0]
	}
	return nil
}

// oidcClientFailure checks an OIDC endpoint's client authentication: the
// endpoint's method (WithEndpointAuthMethod) or the app's, and for none the
// client_id in the form.
func (s *Server) oidcClientFailure(c *call) response {
	if c.r.URL.Query().Get("client_secret") != "" {
		return oauthError(http.StatusBadRequest, "invalid_request", "client_secret must not travel in the URL query")
	}
	id, secret := formValue(c, "client_id"), formValue(c, "client_secret")
	method, own := s.set.endpointAuth[c.ep.name]
	if !own {
		method = s.set.authMethod
	}
	if why := s.clientAuthFailure(c.r, method, id, secret, "form"); why != "" {
		return oauthError(http.StatusUnauthorized, "invalid_client", "client authentication failed: "+why)
	}
	switch {
	case method == enduser.AuthNone && id != s.set.appID:
		return oauthError(http.StatusUnauthorized, "invalid_client", "client authentication failed: the app's method is none, so client_id in the form must be the app id")
	case method == enduser.AuthClientSecretBasic && id != nil && id != s.set.appID:
		return oauthError(http.StatusUnauthorized, "invalid_client", "client authentication failed: client_id in the form is not the app id of the Basic credentials")
	}
	return response{}
}

func serveOIDCToken(s *Server, c *call) response {
	if failed := s.oidcClientFailure(c); failed.status != 0 {
		return failed
	}
	switch gt := c.form.Get("grant_type"); gt {
	case "refresh_token":
	case "":
		return oauthError(http.StatusBadRequest, "invalid_request", "grant_type missing")
	default:
		return oauthError(http.StatusBadRequest, "unsupported_grant_type", "the emulator serves only grant_type=refresh_token here, not "+quoteShort(gt))
	}
	rt := c.form.Get("refresh_token")
	if rt == "" {
		return oauthError(http.StatusBadRequest, "invalid_request", "refresh_token missing")
	}
	if !s.set.hs256 {
		if _, err := s.keys.current(); err != nil {
			return oauthError(http.StatusInternalServerError, "server_error", "the emulator could not make its signing key")
		}
	}
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	now := s.set.clock()
	t, why := s.lookupLocked(rt, refreshToken, familyGenAuth, now)
	if t == nil {
		return oauthError(http.StatusBadRequest, "invalid_grant", why)
	}
	if s.set.rotateRefresh {
		s.endLocked(rt, t, "already used (refresh tokens rotate)")
	}
	at, a, nrt, _ := s.issueLocked(issued{family: familyGenAuth, uid: t.uid, source: t.source, grant: t.grant, scope: t.scope}, s.set.rotateRefresh, now)
	idToken, err := s.idTokenLocked(a, now)
	if err != nil {
		return oauthError(http.StatusInternalServerError, "server_error", "signing the id token failed")
	}
	body := map[string]any{
		"access_token": at, "id_token": idToken, "token_type": "Bearer", "scope": t.scope,
		"expires_in": int64(s.set.accessLifetime.Seconds()),
	}
	if nrt != "" {
		body["refresh_token"] = nrt
	}
	return response{http.StatusOK, body, map[string]string{"Cache-Control": "no-store"}}
}

// bearerFailure is RFC 6750's answer to a missing or bad bearer token.
func bearerFailure(why string) response {
	resp := oauthError(http.StatusUnauthorized, "invalid_token", why)
	resp.header = map[string]string{"WWW-Authenticate": `Bearer error="invalid_token", error_description="` + strings.ReplaceAll(why, `"`, "'") + `"`}
	return resp
}

func serveOIDCUserInfo(s *Server, c *call) response {
	h := c.r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return bearerFailure("no Bearer token in the Authorization header")
	}
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	t, why := s.lookupLocked(h[7:], accessToken, familyGenAuth, s.set.clock())
	if t == nil {
		return bearerFailure(why)
	}
	p := s.profileLocked(t.uid)
	claims := map[string]any{
		"sub": p.UID, "name": p.Name, "nickname": p.Nickname, "picture": p.Picture,
		"email": p.Email, "email_verified": p.EmailVerified,
		"phone_number": p.Phone, "phone_number_verified": p.PhoneVerified,
	}
	for k, v := range p.Claims {
		claims[k] = v
	}
	claims["sub"] = p.UID
	return response{http.StatusOK, claims, nil}
}

func serveOIDCRevocation(s *Server, c *call) response {
	if failed := s.oidcClientFailure(c); failed.status != 0 {
		return failed
	}
	tok := c.form.Get("token")
	if tok == "" {
		return oauthError(http.StatusBadRequest, "invalid_request", "token missing")
	}
	switch hint := c.form.Get("token_type_hint"); hint {
	case "", "access_token", "refresh_token":
	default:
		return oauthError(http.StatusBadRequest, "unsupported_token_type", "token_type_hint must be access_token or refresh_token, not "+quoteShort(hint))
	}
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	if t, ok := s.state.tokens[bareToken(tok)]; ok && t.family == familyGenAuth {
		s.revokeLocked(bareToken(tok), "revoked", s.set.clock())
	}
	return response{http.StatusOK, nil, nil} // also for an unknown token (RFC 7009)
}

func serveOIDCIntrospection(s *Server, c *call) response {
	if failed := s.oidcClientFailure(c); failed.status != 0 {
		return failed
	}
	tok := c.form.Get("token")
	if tok == "" {
		return oauthError(http.StatusBadRequest, "invalid_request", "token missing")
	}
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	now := s.set.clock()
	t, ok := s.state.tokens[bareToken(tok)]
	if !ok || t.family != familyGenAuth || !now.Before(t.expiry) {
		return response{http.StatusOK, map[string]any{"active": false}, nil}
	}
	body := map[string]any{
		"active": true, "sub": t.uid, "client_id": s.set.appID, "scope": t.scope,
		"exp": t.expiry.Unix(), "iat": t.issued.Unix(), "iss": s.Issuer(), "aud": s.set.appID,
	}
	if t.kind == accessToken {
		body["token_type"] = "Bearer"
	} else {
		body["token_type"] = "refresh_token"
	}
	return response{http.StatusOK, body, nil}
}
