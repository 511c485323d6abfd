package endusertest

import (
	"strings"
	"time"
)

// Profile is what the user-info endpoints of both families answer for a
// user: v2 userInfo (uid, nikeName, email, phone, headimg) and OIDC /oidc/me
// (sub, name, nickname, email, phone_number, picture, …).
type Profile struct {
	UID           string // v2 uid and OIDC sub; "" when seeding: one is made up
	Nickname      string // v2 nikeName, OIDC nickname
	Name          string // OIDC name
	Email         string
	EmailVerified bool
	Phone         string // v2 phone, OIDC phone_number
	PhoneVerified bool
	Picture       string // v2 headimg, OIDC picture
	// Claims are added to the answers of both families (v2 userInfo data
	// and OIDC claims), replacing fields of the same name.
	Claims map[string]any
}

// defaultProfile is the profile of a user nobody seeded.
func defaultProfile(uid string) Profile {
	return Profile{UID: uid, Nickname: "Emulated User", Name: "Emulated User", Email: "user@example.com", EmailVerified: true}
}

// SeedUser registers a user with profile p and returns its uid (p.UID, or a
// new one). Logins of either family that present one of credentials (a v2
// code, authCode, jsCode, identity token or OAuth token; a GenAuth payload's
// code, access token or token) log in as this user, and both user-info
// endpoints answer p for them. Seeding an existing uid replaces its profile.
// Unseeded logins get a stable uid per identity and a default profile.
func (s *Server) SeedUser(p Profile, credentials ...string) string {
	if p.UID == "" {
		p.UID = newID("uid")
	}
	cp := p
	if p.Claims != nil {
		cp.Claims = clone(p.Claims)
	}
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	s.state.profiles[p.UID] = cp
	for _, c := range credentials {
		s.state.seeded[c] = p.UID
	}
	return p.UID
}

// profileLocked returns the profile of uid; s.state.mu is held.
func (s *Server) profileLocked(uid string) Profile {
	if p, ok := s.state.profiles[uid]; ok {
		return p
	}
	return defaultProfile(uid)
}

// loginUIDLocked resolves the user of a login: the seeded user of the
// credential, or the user derived from the identity.
func (s *Server) loginUIDLocked(identity, credential string) string {
	if uid, ok := s.state.seeded[credential]; ok && credential != "" {
		return uid
	}
	return s.deriveUID(identity)
}

// RevokeToken revokes a token of either family by its value: an access
// token (with or without "Bearer ") stops working; a refresh token ends its
// session, so the access tokens issued with it stop working too. It reports
// whether the token was live.
func (s *Server) RevokeToken(token string) bool {
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	return s.revokeLocked(bareToken(token), "revoked", s.set.clock())
}

// revokeLocked ends a token (and, for a refresh token, its session) and
// remembers why; s.state.mu is held.
func (s *Server) revokeLocked(token, reason string, now time.Time) bool {
	t, ok := s.state.tokens[token]
	if !ok {
		return false
	}
	s.endLocked(token, t, reason)
	if t.kind == refreshToken {
		for k, o := range s.state.tokens {
			if o.grant == t.grant {
				s.endLocked(k, o, reason)
			}
		}
	}
	s.state.insertedLocked(now)
	return true
}

func (s *Server) endLocked(token string, t *issued, reason string) {
	delete(s.state.tokens, token)
	// A copy: a token read from a request shares the memory of its body.
	s.state.spent[strings.Clone(token)] = tombstone{reason: reason, until: t.expiry}
}

// lookupLocked finds a live token of a kind and family, or says why it does
// not work (without the token's value); s.state.mu is held.
func (s *Server) lookupLocked(token string, kind tokenKind, fam family, now time.Time) (*issued, string) {
	t, ok := s.state.tokens[token]
	switch {
	case ok && t.family != fam:
		return nil, "the " + t.kind.String() + " was issued by the other API family (" + familyName(t.family) + ")"
	case ok && t.kind != kind:
		return nil, "a " + t.kind.String() + " was sent where a " + kind.String() + " belongs"
	case ok && !now.Before(t.expiry):
		return nil, "the " + kind.String() + " expired at " + t.expiry.UTC().Format(time.RFC3339)
	case ok:
		return t, ""
	}
	if ts, ok := s.state.spent[token]; ok {
		return nil, "the " + kind.String() + " was " + ts.reason
	}
	return nil, "the " + kind.String() + " is unknown to this emulator"
}

func familyName(f family) string {
	if f == familyV2 {
		return "v2"
	}
	return "GenAuth"
}

// issueLocked creates a token pair (and for GenAuth, with a refresh token
// only when asked) for a session; s.state.mu is held. grant "" starts a new
// session.
func (s *Server) issueLocked(proto issued, withRefresh bool, now time.Time) (at string, a *issued, rt string, r *issued) {
	if proto.grant == "" {
		proto.grant = newID("grant")
	}
	prefix := "emu-"
	if proto.family == familyGenAuth {
		prefix = "emu-g"
	}
	a, at = &issued{}, newID(prefix+"at")
	*a = proto
	a.kind, a.issued, a.expiry = accessToken, now, now.Add(s.set.accessLifetime)
	s.state.tokens[at] = a
	s.state.insertedLocked(now)
	if withRefresh {
		r, rt = &issued{}, newID(prefix+"rt")
		*r = proto
		r.kind, r.issued, r.expiry = refreshToken, now, now.Add(s.set.refreshLifetime)
		s.state.tokens[rt] = r
		s.state.insertedLocked(now)
	}
	return at, a, rt, r
}
