package endusertest

import (
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/seed1804ee03/enduser"
)

// v2Login is one signed login endpoint: its required fields in signature
// order, the code answered when each is missing, and which field (if any)
// is a single-use authorization code.
type v2Login struct {
	name      string
	fields    []string
	missing   []int
	singleUse string
}

var v2Logins = []v2Login{
	{name: "twitterAuthLogin", fields: []string{"appId", "oauthToken", "oauthTokenSecret"}, missing: []int{5218, 5569, 5570}},
	{name: "appleAuthLogin", fields: []string{"identityToken"}, missing: []int{5568}},
	{name: "wechatOffiaccountAuthLogin", fields: []string{"appId", "code"}, missing: []int{5218, 5374}, singleUse: "code"},
	{name: "facebookAuthLogin", fields: []string{"appId", "code"}, missing: []int{5218, 5374}, singleUse: "code"},
	{name: "alipayAuthLogin", fields: []string{"appId", "authCode"}, missing: []int{5218, 5354}, singleUse: "authCode"},
	{name: "wechatMiniprogramAuthLogin", fields: []string{"appId", "jsCode"}, missing: []int{5218, 5372}, singleUse: "jsCode"},
}

// userDomainShape is the shape of user domains seen in the wild:
// C.DM.10271.5, E.SP.4294967410, U.SP.8589934603.
var userDomainShape = regexp.MustCompile(`^[A-Z]\.[A-Z]{2}\.\d+(\.\d+)?$`)

func ok(data any) response {
	return response{http.StatusOK, map[string]any{"code": 200, "msg": "success", "data": data, "extMsg": nil}}
}

func fail(code int) response { return failure("", code, 0) }

func (s *Server) v2Login(ep v2Login) endpointFunc {
	return func(_ *http.Request, req *Request) response {
		p := req.Params
		switch domain := p.Get("userDomain"); {
		case domain == "":
			return fail(5023)
		case !userDomainShape.MatchString(domain):
			return fail(5013)
		case domain != s.set.userDomain:
			return fail(5015)
		}
		vals := make([]string, len(ep.fields))
		for i, f := range ep.fields {
			if vals[i] = p.Get(f); vals[i] == "" {
				return fail(ep.missing[i])
			}
		}
		switch sig := p.Get("signature"); {
		case sig == "":
			return fail(5550)
		case sig != enduser.Sign(s.set.secret, vals...):
			return fail(5420)
		}
		identity := ep.name + ":" + vals[len(vals)-1]
		s.state.mu.Lock()
		defer s.state.mu.Unlock()
		if ep.singleUse != "" {
			code := ep.name + ":" + p.Get(ep.singleUse)
			if s.state.usedCodes[code] {
				return fail(5368) // the provider refuses a redeemed code
			}
			s.state.usedCodes[code] = true
			identity = ep.name + ":" + vals[0] // one user per app in the emulator
		}
		uid, known := s.state.users[identity]
		if !known {
			uid = newID("uid")
			s.state.users[identity] = uid
		}
		return ok(s.issueLocked(session{uid: uid, source: ep.name}))
	}
}

// issueLocked creates a token pair for a session; s.state.mu is held.
func (s *Server) issueLocked(sess session) map[string]any {
	now := s.set.clock()
	at, rt := newID("emu-at"), newID("emu-rt")
	a, r := sess, sess
	a.expiry, r.expiry = now.Add(s.set.accessLifetime), now.Add(s.set.refreshLifetime)
	s.state.access[at], s.state.refresh[rt] = a, r
	return map[string]any{
		"accessToken":  map[string]any{"token": "Bearer " + at, "expirationTime": a.expiry.Unix()},
		"refreshToken": map[string]any{"token": rt, "expirationTime": r.expiry.Unix()},
	}
}

func (s *Server) v2Refresh(_ *http.Request, req *Request) response {
	rt := req.Params.Get("refreshToken")
	if rt == "" {
		return fail(5115)
	}
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	sess, known := s.state.refresh[rt]
	if !known || !s.set.clock().Before(sess.expiry) {
		return fail(5032)
	}
	delete(s.state.refresh, rt) // refresh tokens rotate
	return ok(s.issueLocked(sess))
}

// authorized finds the session of the request's Authorization header.
func (s *Server) authorized(r *http.Request) (session, string, int) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return session{}, "", 5106
	}
	at := strings.TrimPrefix(h, "Bearer ")
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	sess, known := s.state.access[at]
	if !known || !s.set.clock().Before(sess.expiry) {
		return session{}, "", 5032
	}
	return sess, at, 0
}

func (s *Server) v2UserInfo(r *http.Request, _ *Request) response {
	sess, _, code := s.authorized(r)
	if code != 0 {
		return fail(code)
	}
	now := s.set.clock()
	info := map[string]any{
		"uid": sess.uid, "nikeName": "Emulated User", "phone": "", "email": "user@example.com",
		"lang": "en", "timezone": "UTC", "status": 1, "logonMode": 1,
		"registerTime": now.Add(-24 * time.Hour).UnixMilli(), "registerTimeTs": now.Add(-24 * time.Hour).UnixMilli(),
		"lastLoginTime": now.UnixMilli(), "lastLoginTimeTs": now.UnixMilli(),
	}
	if key := userIDField[sess.source]; key != "" {
		info[key] = "emu-" + sess.uid
	}
	return ok(info)
}

var userIDField = map[string]string{
	"twitterAuthLogin": "twitterUserId", "appleAuthLogin": "appleUserId", "facebookAuthLogin": "facebookUserId",
	"alipayAuthLogin": "alipayUserId", "wechatOffiaccountAuthLogin": "wechatOffiaccountUserId",
	"wechatMiniprogramAuthLogin": "wechatMiniprogramUserId",
}

func (s *Server) v2Logout(r *http.Request, _ *Request) response {
	_, at, code := s.authorized(r)
	if code != 0 {
		return fail(code)
	}
	s.state.mu.Lock()
	delete(s.state.access, at)
	s.state.mu.Unlock()
	return ok(nil)
}
