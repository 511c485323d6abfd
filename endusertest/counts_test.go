package endusertest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

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
