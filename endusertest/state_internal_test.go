package endusertest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
)

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// serve sends one request straight to the emulator's handler.
func (s *Server) serveDirect(t testing.TB, method, path, contentType, body string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	s.srv.Handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("%s %s: HTTP %d", method, path, rec.Code)
	}
	return rec
}

func (st *state) sizes() (tokens, spent, codes, requests int) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return len(st.tokens), len(st.spent), len(st.codes), len(st.requests)
}

// soakHeapBound is the most live heap 100,000 logins may leave behind: the
// 10,000 recorded requests (about 1.5 KiB each) and the tokens, tombstones
// and codes of the last hour of the emulator's clock.
const soakHeapBound = 48 << 20

// TestSoakMemoryStaysBounded runs 100,000 logins of both families (one a
// second on the emulator's clock, each with a fresh code, one in ten
// refreshed) and checks that the emulator forgets what expired: the live
// heap stays under soakHeapBound and its maps stay the size of one token
// lifetime of traffic.
func TestSoakMemoryStaysBounded(t *testing.T) {
	const logins = 100_000
	clk := NewClock(time.Unix(1_800_000_000, 0))
	base := liveHeap()
	s, err := Start(WithClock(clk.Now), WithTokenLifetimes(10*time.Minute, time.Hour), WithCodeLifetime(10*time.Minute),
		WithGenAuthApp(DefaultAppID, "an-app-secret-of-thirty-two-bytes!", enduser.AuthNone), WithHS256IDTokens())
	require.NoError(t, err)
	defer s.Close()

	form := "application/x-www-form-urlencoded"
	var (
		mu        sync.Mutex
		maxTokens int
		failed    string
	)
	login := func(i int) string {
		clk.Advance(time.Second)
		code := "code-" + strconv.Itoa(i)
		var rec *httptest.ResponseRecorder
		switch i % 4 {
		case 0, 1:
			v := url.Values{"appId": {"wx"}, "code": {code}, "userDomain": {DefaultUserDomain},
				"signature": {enduser.Sign(DefaultUserDomainSecret, "wx", code)}}
			rec = s.serveDirect(t, http.MethodPost, v2Prefix+enduser.OpWechatOfficialAccountLogin, form, v.Encode())
		case 2:
			v := url.Values{"identityToken": {code}, "userDomain": {DefaultUserDomain},
				"signature": {enduser.Sign(DefaultUserDomainSecret, code)}}
			rec = s.serveDirect(t, http.MethodPost, v2Prefix+enduser.OpAppleLogin, form, v.Encode())
		default:
			body := `{"extIdpConnidentifier":"c","connection":"github","githubPayload":{"code":"` + code + `"},"options":{"scope":"openid offline_access"}}`
			rec = s.serveDirect(t, http.MethodPost, "/api/v3/signin-by-mobile", "application/json", body, "x-authing-app-id", DefaultAppID)
		}
		answer := rec.Body.String()
		if !strings.Contains(answer, `"code":200`) && !strings.Contains(answer, `"statusCode":200`) {
			return "login " + strconv.Itoa(i) + " failed: " + answer
		}
		if i%10 == 0 && i%4 < 3 { // refresh one v2 session in ten
			_, rt, _ := strings.Cut(answer, `"refreshToken":{`)
			_, rt, _ = strings.Cut(rt, `"token":"`)
			rt, _, _ = strings.Cut(rt, `"`)
			if got := s.serveDirect(t, http.MethodPut, v2Prefix+enduser.OpRefreshToken, form, "refreshToken="+rt).Body.String(); !strings.Contains(got, `"code":200`) {
				return "refresh " + strconv.Itoa(i) + " failed: " + got
			}
		}
		return ""
	}
	// A few workers, so that the run takes less wall time where there are
	// cores; the clock moves one second per login whatever the order.
	workers := max(2, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < logins; i += workers {
				if msg := login(i); msg != "" {
					mu.Lock()
					failed = msg
					mu.Unlock()
					return
				}
				if i%1000 == w {
					tokens, _, _, _ := s.state.sizes()
					mu.Lock()
					maxTokens = max(maxTokens, tokens)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	require.Empty(t, failed)
	heap := liveHeap()
	tokens, spent, codes, requests := s.state.sizes()
	t.Logf("after %d logins: live heap %.1f MiB over the start; tokens %d (max %d), tombstones %d, codes %d, requests %d",
		logins, float64(heap-min(heap, base))/(1<<20), tokens, maxTokens, spent, codes, requests)
	assert.Less(t, heap-min(heap, base), uint64(soakHeapBound), "live heap")
	// One hour of refresh tokens (3,600 logins) and ten minutes of access
	// tokens and codes, plus up to one sweep interval of expired entries.
	assert.Less(t, maxTokens, 3*3600, "live tokens stay within a lifetime of traffic")
	assert.Less(t, codes, 3*600)
	assert.Less(t, spent, 3*3600)
	assert.Equal(t, 10_000, requests, "the recorded requests stop at the limit")
	assert.Equal(t, logins/2, s.Count(enduser.OpWechatOfficialAccountLogin))
	runtime.KeepAlive(s)
}

// TestSweepForgetsWhatExpired checks pruning at small scale: a sweep drops
// expired tokens (leaving a tombstone that says "expired" for refresh
// tokens), forgotten codes and old tombstones, and keeps live entries.
func TestSweepForgetsWhatExpired(t *testing.T) {
	clk := NewClock(time.Unix(1_800_000_000, 0))
	s, err := Start(WithClock(clk.Now), WithTokenLifetimes(time.Minute, time.Hour), WithCodeLifetime(10*time.Minute))
	require.NoError(t, err)
	defer s.Close()
	form := "application/x-www-form-urlencoded"
	login := func(code string) string {
		v := url.Values{"appId": {"wx"}, "code": {code}, "userDomain": {DefaultUserDomain},
			"signature": {enduser.Sign(DefaultUserDomainSecret, "wx", code)}}
		return s.serveDirect(t, http.MethodPost, v2Prefix+enduser.OpWechatOfficialAccountLogin, form, v.Encode()).Body.String()
	}
	first := login("c-1")
	_, rt, _ := strings.Cut(first, `"refreshToken":{`)
	_, rt, _ = strings.Cut(rt, `"token":"`)
	rt, _, _ = strings.Cut(rt, `"`)
	assert.Contains(t, login("c-1"), `"code":5368`, "redeemed")

	clk.Advance(30 * time.Minute)
	login("c-2")
	s.state.mu.Lock()
	s.state.sweepLocked(clk.Now())
	s.state.mu.Unlock()
	tokens, _, codes, _ := s.state.sizes()
	assert.Equal(t, 3, tokens, "c-1's access token expired; both refresh tokens and c-2's access token live")
	assert.Equal(t, 1, codes, "c-1 is forgotten after 10 minutes, c-2 is remembered")
	assert.Contains(t, login("c-1"), `"code":200`, "a forgotten code works again (a real provider would call it expired)")

	clk.Advance(2 * time.Hour)
	s.state.mu.Lock()
	s.state.sweepLocked(clk.Now())
	s.state.mu.Unlock()
	tokens, spent, codes, _ := s.state.sizes()
	assert.Zero(t, tokens)
	assert.Zero(t, codes)
	assert.Equal(t, 3, spent, "refresh tokens leave a tombstone for a minute")
	got := s.serveDirect(t, http.MethodPut, v2Prefix+enduser.OpRefreshToken, form, "refreshToken="+rt).Body.String()
	assert.Contains(t, got, "was expired")

	clk.Advance(2 * time.Minute)
	s.state.mu.Lock()
	s.state.sweepLocked(clk.Now())
	s.state.mu.Unlock()
	_, spent, _, _ = s.state.sizes()
	assert.Zero(t, spent)
}
