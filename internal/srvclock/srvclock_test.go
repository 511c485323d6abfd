package srvclock_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser/internal/srvclock"
)

func dated(t time.Time) http.Header {
	return http.Header{"Date": {t.UTC().Format(http.TimeFormat)}}
}

// The skew follows the server's Date; differences under MinSkew (the
// header's second and a round trip) are noise, whether from zero or from
// a skew already learned.
func TestObserve(t *testing.T) {
	local := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	now := func() time.Time { return local }
	cases := []struct {
		name     string
		server   time.Duration // the server's clock minus the local one
		wantSkew time.Duration
	}{
		{"on time", 0, 0},
		{"within the noise", srvclock.MinSkew - time.Second, 0},
		{"an hour ahead", time.Hour, time.Hour},
		{"within the noise of the skew learned", time.Hour - time.Second, time.Hour},
		{"an hour behind", -time.Hour, -time.Hour},
		{"on time again", 0, 0},
		{"a year ahead is not believed", 365 * 24 * time.Hour, 0},
		{"two days behind is not believed", -48 * time.Hour, 0},
		{"a day behind", -srvclock.MaxSkew, -srvclock.MaxSkew},
		{"a year behind keeps the day", -365 * 24 * time.Hour, -srvclock.MaxSkew},
		{"on time at last", 0, 0},
	}
	c := srvclock.New()
	for _, tc := range cases {
		local = local.Add(time.Minute) // a new Date each time
		c.Observe(dated(local.Add(tc.server)), now)
		assert.Equal(t, tc.wantSkew, c.Skew(), tc.name)
		assert.Equal(t, local.Add(tc.wantSkew), c.Now(local), tc.name)
	}
	c.Observe(http.Header{"Date": {"not a date"}}, now)
	c.Observe(http.Header{}, now)
	assert.Equal(t, time.Duration(0), c.Skew(), "an answer without a usable Date teaches nothing")
}

// Until an answer arrives, Wait lets one caller through at a time; after
// it, everyone at once.
func TestWait(t *testing.T) {
	c := srvclock.New()
	release, err := c.Wait(context.Background(), time.Minute)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c.Wait(ctx, time.Minute)
	require.ErrorIs(t, err, context.DeadlineExceeded, "a second caller waits for the first")

	waited := make(chan error, 1)
	go func() {
		r, err := c.Wait(context.Background(), time.Minute)
		if err == nil {
			r()
		}
		waited <- err
	}()
	c.Observe(http.Header{}, time.Now) // the first caller's answer
	release()
	require.NoError(t, <-waited)
	var held []func()
	for range 3 {
		r, err := c.Wait(context.Background(), time.Minute)
		require.NoError(t, err, "after an answer nobody waits")
		held = append(held, r)
	}
	for _, r := range held {
		r()
	}
}
