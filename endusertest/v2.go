package endusertest

import (
	"crypto/md5" //nolint:gosec // G501: the carrier's one-tap sign is MD5
	"encoding/hex"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/seed1804ee03/enduser"
	v2table "github.com/seed1804ee03/enduser/internal/endpoints"
)

// v2Login is one signed login endpoint: its required fields in signature
// order, the code answered when each is missing, the field that identifies
// the user's credential, whether that credential is a single-use code, and
// whether the carrier's sign replaces the user-domain signature.
type v2Login struct {
	name       string
	fields     []string
	missing    []int
	credential string
	singleUse  bool
	carrier    bool
}

// v2LoginTable reads the signed logins from the SDK's one v2 endpoint
// table.
func v2LoginTable() []v2Login {
	var out []v2Login
	all := v2table.All()
	for i := range all {
		e := &all[i]
		if !e.Signed && !e.Carrier {
			continue
		}
		l := v2Login{name: e.Op, carrier: e.Carrier}
		for _, f := range e.Fields {
			l.fields = append(l.fields, f.Name)
			l.missing = append(l.missing, f.Missing)
			if f.Credential {
				l.credential, l.singleUse = f.Name, f.SingleUse
			}
		}
		out = append(out, l)
	}
	return out
}

// userDomainShape is the shape of user domains seen in the wild:
// C.DM.10271.5, E.SP.4294967410, U.SP.8589934603.
var userDomainShape = regexp.MustCompile(`^[A-Z]\.[A-Z]{2}\.\d+(\.\d+)?$`)

func ok(data any) response {
	return response{http.StatusOK, map[string]any{"code": 200, "msg": "success", "data": data, "extMsg": nil}, nil}
}

// fail is a v2 failure; msg says what the emulator checked.
func fail(code int, msg string) response {
	return response{http.StatusOK, map[string]any{"code": code, "msg": msg, "data": nil, "extMsg": nil}, nil}
}

func readV2Credential(c *call) string { return c.params.Get(c.ep.v2.credential) }

// identV2Login resolves the login's user: a seeded credential, else one
// user per identity (per app for single-use codes, which change each time).
func identV2Login(s *Server, c *call) {
	ep := c.ep.v2
	c.credential = readV2Credential(c)
	c.identity = ep.name + ":" + c.credential
	if ep.singleUse {
		c.identity = ep.name + ":" + c.params.Get("appId") + c.params.Get("appid")
	}
	c.uid = s.loginUIDLocked(c.identity, c.credential)
}

func serveV2Login(s *Server, c *call) response {
	ep, p := c.ep.v2, c.params
	switch domain := p.Get("userDomain"); {
	case domain == "":
		return fail(5023, "user domain missing: no userDomain parameter")
	case !userDomainShape.MatchString(domain):
		return fail(5013, "user domain format incorrect: expected a shape like E.SP.4294967410")
	case domain != s.set.userDomain:
		return fail(5015, "user domain does not exist: it is not the emulator's user domain")
	}
	vals := make([]string, len(ep.fields))
	for i, f := range ep.fields {
		if vals[i] = p.Get(f); vals[i] == "" {
			return fail(ep.missing[i], f+" missing: the parameter is empty or absent")
		}
	}
	if ep.carrier {
		if failed, ok := s.checkCarrier(p.Get("sign"), vals); !ok {
			return failed
		}
	} else {
		switch sig := p.Get("signature"); {
		case sig == "":
			return fail(5550, "signature missing: no signature parameter")
		case sig != enduser.Sign(s.set.secret, vals...):
			return fail(5420, "signature verification failed: it is not SHA-256 over "+strings.Join(ep.fields, " + ")+" + the user domain secret")
		}
	}
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	now := s.set.clock()
	if ep.singleUse {
		key := codeKey(ep.name, c.credential)
		if _, used := s.state.codes[key]; used && ep.carrier {
			return fail(5220, "carrier service error: the carrier refuses a token that was already redeemed (tokens are single-use)")
		} else if used {
			return fail(5368, "getting the OpenID failed: the provider refuses a "+ep.credential+" that was already redeemed (codes are single-use)")
		}
		s.state.codes[key] = now.Add(s.set.codeLifetime)
		s.state.insertedLocked(now)
	}
	at, a, rt, r := s.issueLocked(issued{family: familyV2, uid: c.uid, source: ep.name}, true, now)
	return ok(v2Pair(at, a, rt, r))
}

// systemTimeShape is the carrier's systemtime: 17 digits, yyyyMMddHHmmssSSS.
var systemTimeShape = regexp.MustCompile(`^\d{17}$`)

// checkCarrier checks a one-tap login's fields (appid, version, msgid,
// systemtime, strictcheck, token, in the carrier's sign order) as China
// Mobile's loginTokenValidate does, and its sign: uppercase hex
// MD5(fields + the carrier app's secret). The carrier answers each failure
// as a rejected parameter, which the platform passes on as 5221.
func (s *Server) checkCarrier(sign string, vals []string) (response, bool) {
	h := md5.New() //nolint:gosec // G401: the carrier's sign
	for _, v := range vals {
		h.Write([]byte(v))
	}
	h.Write([]byte(s.set.carrierSecret))
	switch {
	case vals[0] != s.set.carrierAppID:
		return fail(5221, "carrier parameter check failed: appid is not the emulator's carrier app"), false
	case len(vals[2]) > 36:
		return fail(5221, "carrier parameter check failed: msgid is longer than 36 characters"), false
	case !systemTimeShape.MatchString(vals[3]):
		return fail(5221, "carrier parameter check failed: systemtime is not 17 digits (yyyyMMddHHmmssSSS)"), false
	case vals[4] != "0" && vals[4] != "1":
		return fail(5221, `carrier parameter check failed: strictcheck is not "0" or "1"`), false
	case sign == "":
		return fail(5221, "carrier parameter check failed: no sign parameter"), false
	case sign != strings.ToUpper(hex.EncodeToString(h.Sum(nil))):
		return fail(5221, "carrier parameter check failed: sign is not the uppercase MD5 of appid + version + msgid + systemtime + strictcheck + token + the carrier app's secret"), false
	}
	return response{}, true
}

func v2Pair(at string, a *issued, rt string, r *issued) map[string]any {
	return map[string]any{
		"accessToken":  map[string]any{"token": "Bearer " + at, "expirationTime": a.expiry.Unix()},
		"refreshToken": map[string]any{"token": rt, "expirationTime": r.expiry.Unix()},
	}
}

func identV2Refresh(s *Server, c *call) {
	rt := c.params.Get("refreshToken")
	c.tokens = []string{rt}
	if t, ok := s.state.tokens[rt]; ok {
		c.uid = t.uid
	}
}

func serveV2Refresh(s *Server, c *call) response {
	rt := c.params.Get("refreshToken")
	if rt == "" {
		return fail(5115, "refresh token missing: no refreshToken parameter")
	}
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	now := s.set.clock()
	t, why := s.lookupLocked(rt, refreshToken, familyV2, now)
	if t == nil {
		return fail(5032, "token verification failed: "+why)
	}
	s.endLocked(rt, t, "already used (refresh tokens rotate)")
	at, a, nrt, r := s.issueLocked(issued{family: familyV2, uid: t.uid, source: t.source, grant: t.grant}, true, now)
	return ok(v2Pair(at, a, nrt, r))
}

// identBearer finds the user of the request's bearer token (either family).
func identBearer(s *Server, c *call) {
	h := c.r.Header.Get("Authorization")
	if h == "" {
		return
	}
	at := bareToken(h)
	c.tokens = []string{at}
	if t, ok := s.state.tokens[at]; ok {
		c.uid = t.uid
	}
}

// v2Authorized finds the v2 session of the request's Authorization header,
// or the failure to answer.
func (s *Server) v2Authorized(c *call) (*issued, string, response) {
	h := c.r.Header.Get("Authorization")
	if h == "" {
		return nil, "", fail(5106, "token missing: no Authorization header")
	}
	at := bareToken(h)
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	t, why := s.lookupLocked(at, accessToken, familyV2, s.set.clock())
	if t == nil {
		return nil, "", fail(5032, "token verification failed: "+why)
	}
	return t, at, response{}
}

func serveV2UserInfo(s *Server, c *call) response {
	t, _, failed := s.v2Authorized(c)
	if t == nil {
		return failed
	}
	s.state.mu.Lock()
	p := s.profileLocked(t.uid)
	s.state.mu.Unlock()
	now := s.set.clock()
	info := map[string]any{
		"uid": p.UID, "nikeName": p.Nickname, "phone": p.Phone, "email": p.Email, "headimg": p.Picture,
		"lang": "en", "timezone": "UTC", "status": 1, "logonMode": 1,
		"registerTime": now.Add(-24 * time.Hour).UnixMilli(), "registerTimeTs": now.Add(-24 * time.Hour).UnixMilli(),
		"lastLoginTime": now.UnixMilli(), "lastLoginTimeTs": now.UnixMilli(),
	}
	if key := userIDField(t.source); key != "" {
		info[key] = "emu-" + p.UID
	}
	for k, v := range p.Claims {
		info[k] = v
	}
	return ok(info)
}

// userIDField is the userInfo field of the provider's id of a user who
// logged in at source (the table's UserID; "" for none).
func userIDField(source string) string {
	e, _ := v2table.Lookup(source)
	return e.UserID
}

func serveV2Logout(s *Server, c *call) response {
	t, at, failed := s.v2Authorized(c)
	if t == nil {
		return failed
	}
	s.state.mu.Lock()
	s.endLocked(at, t, "logged out")
	s.state.mu.Unlock()
	return ok(nil)
}

// injected is the answer of an injected failure fault, in the endpoint
// family's shape; its message says the failure was injected.
func injected(fam family, f Fault) response {
	if f.kind == faultRateLimit {
		return rateLimited(fam, f)
	}
	const msg = "emulated failure (injected fault)"
	switch fam {
	case familyV2:
		return fail(f.code, msg)
	case familyGenAuth:
		return genAuthFail(f.code, f.apiCode, msg)
	}
	errCode := f.oauthError
	if errCode == "" {
		errCode = oauthErrorFor(f.code)
	}
	return oauthError(f.code, errCode, msg)
}

// rateLimited is a 429 in the family's envelope, with Retry-After.
func rateLimited(fam family, f Fault) response {
	const msg = "too many requests: emulated rate limit (injected fault)"
	var resp response
	switch fam {
	case familyV2:
		resp = fail(http.StatusTooManyRequests, msg)
	case familyGenAuth:
		resp = genAuthFail(http.StatusTooManyRequests, 0, msg)
	default:
		resp = oauthError(http.StatusTooManyRequests, "rate_limit_exceeded", msg)
	}
	resp.status = f.status
	if f.retryAfter != "" {
		resp.header = map[string]string{"Retry-After": f.retryAfter}
	}
	return resp
}

// badRequest answers a body that could not be read.
func badRequest(fam family, why string) response {
	switch fam {
	case familyV2:
		return fail(5000, "service exception: "+why)
	case familyGenAuth:
		return genAuthFail(http.StatusBadRequest, 0, why)
	default:
		return oauthError(http.StatusBadRequest, "invalid_request", why)
	}
}

func oauthErrorFor(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "invalid_client"
	case status >= 500:
		return "server_error"
	case status == http.StatusTooManyRequests:
		return "rate_limit_exceeded"
	default:
		return "invalid_request"
	}
}
