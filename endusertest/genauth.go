package endusertest

import (
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/internal/connections"
)

// connection is GenAuth's view of a connection: the payload key it reads
// and the credentials it needs ("a|b" means either; dots walk nested
// objects), from the SDK's one connection table. The first required
// credential identifies the login; one whose last part is "code" is
// single-use.
type connection struct {
	key      string
	required []string
	fields   map[string]connections.Kind // every payload field by dotted wire path
}

// connectionTable reads the SDK's table once per server.
func connectionTable() map[string]connection {
	m := map[string]connection{}
	rows := connections.All()
	for i := range rows {
		c := connection{key: rows[i].Key, required: rows[i].Required(), fields: map[string]connections.Kind{}}
		addFields(c.fields, "", rows[i].Fields)
		m[rows[i].Name] = c
	}
	return m
}

func addFields(into map[string]connections.Kind, prefix string, fields []connections.Field) {
	for _, f := range fields {
		into[prefix+f.JSON] = f.Kind
		if f.Kind == connections.KindObject && f.Object != nil {
			addFields(into, prefix+f.JSON+".", f.Object.Fields)
		}
	}
}

// payloadFailure checks a payload object against the table: every field
// known and of its type. It names the field, never its value.
func (c connection) payloadFailure(prefix string, obj map[string]any) string {
	for k, v := range obj {
		path := prefix + k
		kind, known := c.fields[path]
		if !known {
			return c.key + "." + quoteShort(path)[1:len(quoteShort(path))-1] + " is not a field of this payload"
		}
		var ok bool
		switch kind {
		case connections.KindString:
			_, ok = v.(string)
		case connections.KindBool:
			_, ok = v.(bool)
		case connections.KindObject:
			var sub map[string]any
			if sub, ok = v.(map[string]any); ok {
				if why := c.payloadFailure(path+".", sub); why != "" {
					return why
				}
			}
		}
		if !ok {
			return c.key + "." + path + " has the wrong JSON type"
		}
	}
	return ""
}

// connectionFor returns the connection named name.
func (s *Server) connectionFor(name string) (connection, bool) {
	c, ok := s.connections[name]
	return c, ok
}

// genAuthFail is GenAuth's failure envelope (HTTP 200, as GenAuth answers
// everything); msg says what the emulator checked.
func genAuthFail(status, apiCode int, msg string) response {
	body := map[string]any{"statusCode": status, "message": msg, "requestId": newID("req")}
	if apiCode != 0 {
		body["apiCode"] = apiCode
	}
	return response{http.StatusOK, body, nil}
}

// mobileCredential returns the payload's identifying credential and whether
// it is a single-use code.
func (s *Server) mobileCredential(body map[string]any) (conn connection, credential string, singleUse bool) {
	name, _ := body["connection"].(string)
	conn, known := s.connectionFor(name)
	if !known {
		return conn, "", false
	}
	payload, _ := body[conn.key].(map[string]any)
	if len(conn.required) == 0 {
		return conn, "", false
	}
	for _, path := range strings.Split(conn.required[0], "|") {
		if v := lookupString(payload, path); v != "" {
			return conn, v, path == "code" || strings.HasSuffix(path, ".code")
		}
	}
	return conn, "", false
}

// identMobile resolves the sign-in's user: a seeded credential, else one
// user per connection identifier.
func identMobile(s *Server, c *call) {
	_, c.credential, _ = s.mobileCredential(c.body)
	conn, _ := c.body["connection"].(string)
	id, _ := c.body["extIdpConnidentifier"].(string)
	c.identity = "genauth:" + conn + ":" + id
	c.uid = s.loginUIDLocked(c.identity, c.credential)
}

func serveSignInByMobile(s *Server, c *call) response {
	if got := c.r.Header.Get("x-authing-app-id"); got != s.set.appID {
		return genAuthFail(http.StatusBadRequest, 2011, "app does not exist: the x-authing-app-id header is not the emulated app's id")
	}
	body := c.body
	if body == nil {
		return genAuthFail(http.StatusBadRequest, 0, "the body is not a JSON object")
	}
	if why := s.clientAuthFailure(c.r, s.set.authMethod, body["client_id"], body["client_secret"], "JSON body"); why != "" {
		return genAuthFail(http.StatusUnauthorized, 0, "client authentication failed: "+why)
	}
	id, _ := body["extIdpConnidentifier"].(string)
	name, _ := body["connection"].(string)
	conn, known := s.connectionFor(name)
	switch {
	case id == "":
		return genAuthFail(http.StatusBadRequest, 0, "extIdpConnidentifier missing")
	case !known:
		return genAuthFail(http.StatusBadRequest, 0, "unknown connection: "+quoteShort(name))
	}
	allowed := map[string]bool{"extIdpConnidentifier": true, "connection": true, conn.key: true, "options": true}
	if s.set.authMethod == enduser.AuthClientSecretPost {
		allowed["client_id"], allowed["client_secret"] = true, true
	}
	for k := range body {
		if !allowed[k] {
			return genAuthFail(http.StatusBadRequest, 0, "unexpected key "+quoteShort(k)+": a "+name+" sign-in sends only "+conn.key+" as its payload")
		}
	}
	payload, isObject := body[conn.key].(map[string]any)
	if !isObject {
		return genAuthFail(http.StatusBadRequest, 0, conn.key+" missing or not an object")
	}
	if why := conn.payloadFailure("", payload); why != "" {
		return genAuthFail(http.StatusBadRequest, 0, why)
	}
	for _, need := range conn.required {
		if !hasAny(payload, strings.Split(need, "|")) {
			return genAuthFail(http.StatusBadRequest, 0, conn.key+"."+strings.ReplaceAll(need, "|", " or ")+" missing or empty")
		}
	}
	scope := "openid profile"
	if opts, _ := body["options"].(map[string]any); opts != nil {
		if sc, _ := opts["scope"].(string); sc != "" {
			if !containsWord(sc, "openid") {
				return genAuthFail(http.StatusBadRequest, 0, `options.scope must include "openid"`)
			}
			scope = sc
		}
	}
	_, credential, singleUse := s.mobileCredential(body)
	if !s.set.hs256 {
		if _, err := s.keys.current(); err != nil { // before the lock: making a key takes a while
			return genAuthFail(http.StatusInternalServerError, 0, "the emulator could not make its signing key")
		}
	}

	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	now := s.set.clock()
	if singleUse {
		key := codeKey("genauth:"+name, credential)
		if _, used := s.state.codes[key]; used {
			return genAuthFail(http.StatusBadRequest, 0, "the "+name+" code was already redeemed (codes are single-use)")
		}
		s.state.codes[key] = now.Add(s.set.codeLifetime)
		s.state.insertedLocked(now)
	}
	at, a, rt, _ := s.issueLocked(issued{family: familyGenAuth, uid: c.uid, source: name, scope: scope}, containsWord(scope, "offline_access"), now)
	idToken, err := s.idTokenLocked(a, now)
	if err != nil {
		return genAuthFail(http.StatusInternalServerError, 0, "signing the id token failed")
	}
	data := map[string]any{"scope": scope, "access_token": at, "id_token": idToken, "token_type": "Bearer"}
	lifetime := int64(s.set.accessLifetime.Seconds())
	switch k := s.set.lifetimeKey; {
	case k == LifetimeKeyExpiresIn, k == LifetimeKeyAlternate && s.state.lifetime%2 == 1:
		data["expires_in"] = lifetime
	case k == LifetimeKeyBoth:
		data["expire_in"], data["expires_in"] = lifetime, lifetime
	default:
		data["expire_in"] = lifetime
	}
	s.state.lifetime++
	if rt != "" {
		data["refresh_token"] = rt
	}
	return response{http.StatusOK, map[string]any{"statusCode": 200, "message": "", "data": data}, nil}
}

// clientAuthFailure checks the client authentication method the app
// demands and says what is wrong, or "" when it holds. id and secret are
// what the request carried in its body or form (where names the place).
func (s *Server) clientAuthFailure(r *http.Request, method enduser.ClientAuthMethod, id, secret any, where string) string {
	basic := r.Header.Get("Authorization")
	isBasic := len(basic) > 6 && strings.EqualFold(basic[:6], "basic ")
	switch method {
	case enduser.AuthClientSecretPost:
		switch {
		case isBasic:
			return "the app demands client_secret_post, but the request carries a Basic Authorization header too"
		case id != s.set.appID:
			return "the app demands client_secret_post: client_id in the " + where + " is missing or not the app id"
		case secret != s.set.appSecret:
			return "the app demands client_secret_post: client_secret in the " + where + " is missing or wrong"
		}
	case enduser.AuthClientSecretBasic:
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(s.set.appID+":"+s.set.appSecret))
		switch {
		case secret != nil:
			return "the app demands client_secret_basic, but client_secret is in the " + where + " too"
		case !isBasic:
			return "the app demands client_secret_basic: no Basic Authorization header"
		case basic != want:
			return "the app demands client_secret_basic: the Basic credentials are not base64(app id:app secret)"
		}
	default:
		if secret != nil {
			return "the app's method is none, so the request must not carry client_secret"
		}
		if isBasic {
			return "the app's method is none, so the request must not carry Basic credentials"
		}
	}
	return ""
}

// lookupString returns the string at a dotted path, or "".
func lookupString(m map[string]any, path string) string {
	v := any(m)
	for _, part := range strings.Split(path, ".") {
		obj, _ := v.(map[string]any)
		v = obj[part]
	}
	s, _ := v.(string)
	return s
}

// hasAny reports whether any of the dotted paths is a non-empty string.
func hasAny(m map[string]any, paths []string) bool {
	for _, p := range paths {
		if lookupString(m, p) != "" {
			return true
		}
	}
	return false
}

func containsWord(s, w string) bool {
	for _, f := range strings.Fields(s) {
		if f == w {
			return true
		}
	}
	return false
}
