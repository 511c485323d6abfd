package endusertest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// TestCounts: Counts and GET CountsPath list every endpoint with its calls,
// and agree with Count.
func TestCounts(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	c, err := enduser.NewClient(srv.Config())
	require.NoError(t, err)
	ctx := context.Background()
	_, err = c.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: "id-token"})
	require.NoError(t, err)

	counts := srv.Counts()
	assert.Len(t, counts, len(srv.Endpoints()), "every endpoint")
	for _, name := range srv.Endpoints() {
		assert.Equal(t, srv.Count(name), counts[name], name)
	}
	assert.Equal(t, 1, counts[enduser.OpAppleLogin])

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL()+endusertest.CountsPath, http.NoBody)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var got map[string]int
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	assert.Equal(t, counts, got)

	post, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL()+endusertest.CountsPath, http.NoBody)
	require.NoError(t, err)
	resp, err = http.DefaultClient.Do(post)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.Equal(t, counts, srv.Counts(), "reading the counts is not a call")
}

// TestDateOnlyWithAClock: the emulator dates its answers by its clock when
// given one (a client learns the server's clock from Date) and, without
// one, is a server without a clock: no Date (RFC 9110 section 6.6.1).
func TestDateOnlyWithAClock(t *testing.T) {
	t.Parallel()
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	for name, tc := range map[string]struct {
		opts []endusertest.Option
		want []string
	}{
		"no clock":   {nil, nil},
		"with clock": {[]endusertest.Option{endusertest.WithClock(func() time.Time { return at })}, []string{at.Format(http.TimeFormat)}},
	} {
		srv := endusertest.NewServer(t, tc.opts...)
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL()+endusertest.CountsPath, http.NoBody)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		assert.Equal(t, tc.want, resp.Header.Values("Date"), name)
	}
}
