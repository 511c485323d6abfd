package enduser_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
)

func TestWithCallRetryOverridesThePolicy(t *testing.T) {
	t.Parallel()
	srv, n := countingServer(t, answer(429, "slow down"), answer(429, "slow down, again"), answer(200, okLogin))
	c := socketClient(t, srv.URL, fastRetry) // the client retries twice

	err := appleLogin(enduser.WithCallRetry(bg, enduser.RetryPolicy{MaxAttempts: 1}), c)
	assert.Equal(t, enduser.ClassRateLimited, enduser.Class(err))
	assert.Equal(t, int32(1), n.Load(), "this call: no retry")

	require.NoError(t, appleLogin(bg, c), "other calls keep the client's policy")
	assert.Equal(t, int32(3), n.Load())
}

func TestWithCallTimeoutMayExceedTheClients(t *testing.T) {
	t.Parallel()
	slow := func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		answer(200, okLogin)(w, r)
	}
	srv, _ := countingServer(t, slow)
	c := socketClient(t, srv.URL, enduser.WithTimeout(100*time.Millisecond))

	assert.ErrorIs(t, appleLogin(bg, c), context.DeadlineExceeded, "the client's 100 ms")
	require.NoError(t, appleLogin(enduser.WithCallTimeout(bg, 10*time.Second), c), "this call may take longer")

	ctx, cancel := context.WithTimeout(bg, 100*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, appleLogin(enduser.WithCallTimeout(ctx, 10*time.Second), c), context.DeadlineExceeded,
		"the context's own deadline still wins")
}

func TestCallOverridesCompose(t *testing.T) {
	t.Parallel()
	srv, n := countingServer(t, answer(429, "slow down"), answer(200, okLogin))
	c := socketClient(t, srv.URL, enduser.WithRetry(enduser.RetryPolicy{MaxAttempts: 1}))
	ctx := enduser.WithCallTimeout(bg, 5*time.Second)
	ctx = enduser.WithCallRetry(ctx, enduser.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	require.NoError(t, appleLogin(ctx, c), "both overrides hold")
	assert.Equal(t, int32(2), n.Load())
}

func TestInvalidCallOverridesSendNothing(t *testing.T) {
	t.Parallel()
	for name, ctx := range map[string]context.Context{
		"retry":   enduser.WithCallRetry(bg, enduser.RetryPolicy{MaxAttempts: 0}),
		"backoff": enduser.WithCallRetry(bg, enduser.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Second, MaxBackoff: time.Millisecond}),
		"timeout": enduser.WithCallTimeout(bg, -time.Second),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, n := countingServer(t, answer(200, okLogin))
			err := appleLogin(ctx, socketClient(t, srv.URL))
			var ve *enduser.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.ErrorIs(t, err, enduser.ErrInvalidRequest)
			assert.Equal(t, enduser.ClassInvalidRequest, enduser.Class(err))
			assert.Zero(t, n.Load())
		})
	}
}
