package enduser

import (
	"context"
	"net/http"
	"strings"
)

// GenAuth's OpenID Connect endpoints (refresh, user info, revocation,
// introspection) answer plain OAuth 2.0 JSON, no envelope; they go through
// the same call path as every other call: retry rules, body limit, logging,
// scrubbing, one send per rotating credential.

// isOIDCOp reports whether op is one of GenAuth's /oidc/* endpoints.
func isOIDCOp(op string) bool { return strings.HasPrefix(op, "oidc/") }

// sessionOver reports whether an OAuth error code means the token is dead
// (RFC 6749 section 5.2, RFC 6750 section 3.1): log in again.
func sessionOver(oauthError string) bool {
	return oauthError == "invalid_grant" || oauthError == "invalid_token"
}

// oidcURL is the URL of a GenAuth OIDC endpoint; op is its path.
func (c *Client) oidcURL(op string) string {
	return strings.TrimRight(c.genAuth.Host, "/") + "/" + op
}

// authMethod returns the client authentication of endpoint op: its own
// setting, else the app's AuthMethod.
func (c *Client) authMethod(op string) ClientAuthMethod {
	own := map[string]string{
		OpOIDCToken: c.genAuth.TokenEndpointAuthMethod, OpOIDCIntrospection: c.genAuth.IntrospectionEndpointAuthMethod,
		OpOIDCRevocation: c.genAuth.RevocationEndpointAuthMethod,
	}[op]
	if m, ok := parseAuthMethod(own); ok && own != "" {
		return m
	}
	return c.genAuth.AuthMethod
}

// withClientAuth adds the client authentication of op's method to a form
// and returns the Authorization header it needs: client_id (none),
// client_id and client_secret (client_secret_post), or HTTP Basic
// (client_secret_basic).
func (c *Client) withClientAuth(form []byte, op string) ([]byte, string) {
	switch c.authMethod(op) {
	case AuthClientSecretBasic:
		return form, c.keys().basicAuth
	case AuthClientSecretPost:
		form = appendParam(form, "client_id", c.genAuth.AppID)
		return appendParam(form, "client_secret", c.keys().appSecret), ""
	default:
		return appendParam(form, "client_id", c.genAuth.AppID), ""
	}
}

// postOIDC sends params as a form, with client authentication, to the
// GenAuth OIDC endpoint op and decodes the plain answer into out (nil to
// ignore it). secrets are the request's credentials, scrubbed from anything
// the answer echoes. idempotent marks a call that may be sent twice (a 503
// is retried): introspection and revocation, never a refresh, whose
// refresh token rotates.
func postOIDC(ctx context.Context, c *Client, op string, idempotent bool, params []param, secrets []string, out any) (int, error) {
	if c.genAuthURL == "" {
		return 0, ErrNotConfigured
	}
	form := make([]byte, 0, 256)
	for _, p := range params {
		form = appendParam(form, p.key, p.value)
	}
	form, auth := c.withClientAuth(form, op)
	if auth != "" { // an echo of the bare Basic credentials is scrubbed too
		secrets = append(secrets[:len(secrets):len(secrets)], strings.TrimPrefix(auth, "Basic "))
	}
	k := &call{
		op: op, family: FamilyGenAuth, oauth: true, method: http.MethodPost,
		url: c.oidcURL(op), host: c.genAuthHost, contentType: "application/x-www-form-urlencoded",
		body: form, auth: auth, scrub: secrets, idempotent: idempotent, out: out,
	}
	return c.do(ctx, k)
}
