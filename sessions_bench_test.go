package enduser_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
)

// The sessions layer against what a service writes by hand without it: a
// map of users' tokens in memory ("raw"), the floor's refresh and sign-in
// (internal/baseline) and the same MemoryStore. BENCHMARKS.md records the
// ratios as the cost of the feature.

const benchSession = "session:user-1"

// benchExpired is the GenAuth session's token with its access token expired.
func benchExpired() *enduser.Token {
	t := *benchGenAuthToken
	t.Expiry = time.Now().Add(-time.Minute)
	return &t
}

// BenchmarkSessionsToken measures Sessions.Token on a valid cached token
// (no store operation) against a sync.Map of tokens, and on an expired one
// (lock, load, refresh over loopback, store, unlock) against the floor's
// refresh between a store load and a store write.
func BenchmarkSessionsToken(b *testing.B) {
	srv := benchServer(b)
	b.Run("cached/sdk", func(b *testing.B) {
		s := benchClient(b, srv).Sessions(enduser.NewMemoryStore())
		tok := *benchGenAuthToken
		tok.Expiry = time.Now().Add(time.Hour)
		require.NoError(b, s.Start(bg, benchSession, &tok))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Token(bg, benchSession); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached/raw", func(b *testing.B) {
		var m sync.Map
		tok := *benchGenAuthToken
		tok.Expiry = time.Now().Add(time.Hour)
		m.Store(benchSession, &tok)
		b.ReportAllocs()
		for b.Loop() {
			v, ok := m.Load(benchSession)
			if !ok || !v.(*enduser.Token).Valid() {
				b.Fatal("no valid token")
			}
		}
	})
	b.Run("refreshing/sdk", func(b *testing.B) {
		s := benchClient(b, srv).Sessions(enduser.NewMemoryStore())
		b.ReportAllocs()
		for range b.N {
			b.StopTimer()
			require.NoError(b, s.Start(bg, benchSession, benchExpired()))
			b.StartTimer()
			if _, err := s.Token(bg, benchSession); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("refreshing/raw", func(b *testing.B) {
		rc, store := rawClient(b, srv), enduser.NewMemoryStore()
		b.ReportAllocs()
		for range b.N {
			b.StopTimer()
			require.NoError(b, store.Store(bg, benchSession, benchExpired()))
			b.StartTimer()
			t, err := store.Load(bg, benchSession)
			if err != nil || t.Valid() {
				b.Fatal("not an expired token", err)
			}
			o, err := rc.RefreshGenAuth(bg, t.RefreshToken)
			if err != nil {
				b.Fatal(err)
			}
			nt := &enduser.Token{
				Family: enduser.FamilyGenAuth, AccessToken: o.AccessToken, TokenType: o.TokenType, RefreshToken: o.RefreshToken,
				IDToken: o.IDToken, Scope: o.Scope, Expiry: time.Now().Add(time.Duration(o.ExpiresIn) * time.Second),
			}
			if err := store.Store(bg, benchSession, nt); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSessionsStart is a login kept as a session: SignInByMobile and
// Sessions.Start (the key's lock, the store write, the cache) against the
// floor's sign-in and a store write.
func BenchmarkSessionsStart(b *testing.B) {
	srv := benchServer(b)
	b.Run("sdk", func(b *testing.B) {
		c := benchClient(b, srv)
		s := c.Sessions(enduser.NewMemoryStore())
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			tok, err := c.SignInByMobile(bg, benchMobile)
			if err != nil {
				b.Fatal(err)
			}
			if err := s.Start(bg, benchSession, tok); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		rc, store := rawClient(b, srv), enduser.NewMemoryStore()
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			d, err := rc.SignInByMobileWechat(bg, benchMobile.ExtIdpConnIdentifier, benchMobile.Payload.(enduser.WechatPayload).Code)
			if err != nil {
				b.Fatal(err)
			}
			tok := &enduser.Token{
				Family: enduser.FamilyGenAuth, AccessToken: d.AccessToken, TokenType: d.TokenType, RefreshToken: d.RefreshToken,
				IDToken: d.IDToken, Scope: d.Scope, Expiry: time.Now().Add(time.Duration(d.ExpireIn.Seconds) * time.Second),
			}
			if err := store.Store(bg, benchSession, tok); err != nil {
				b.Fatal(err)
			}
		}
	})
}
