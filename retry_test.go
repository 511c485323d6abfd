package enduser

import (
	"context"
	"errors"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser/internal/envelope"
)

func TestBackoff(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{MaxAttempts: 10, MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}
	tests := []struct {
		name     string
		p        RetryPolicy
		attempt  int
		min, max time.Duration
	}{
		{"first wait: half to all of MinBackoff", p, 1, 50 * time.Millisecond, 100 * time.Millisecond},
		{"doubles", p, 2, 100 * time.Millisecond, 200 * time.Millisecond},
		{"capped by MaxBackoff", p, 5, 500 * time.Millisecond, time.Second},
		{"no overflow on huge attempts", p, 200, 500 * time.Millisecond, time.Second},
		{"zero backoff", RetryPolicy{MaxAttempts: 3}, 2, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for range 50 {
				d := backoff(tt.p, tt.attempt)
				assert.GreaterOrEqual(t, d, tt.min)
				assert.LessOrEqual(t, d, tt.max)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name, header string
		want         time.Duration
	}{
		{"absent", "", 0},
		{"seconds", "3", 3 * time.Second},
		{"zero", "0", 0},
		{"negative is ignored", "-5", 0},
		{"capped at a day", "999999999", 24 * time.Hour},
		{"HTTP date", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"date in the past", now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"garbage", "soon", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, parseRetryAfter(tt.header, now))
		})
	}
}

// TestShouldRetry is the retry decision table: only what the server cannot
// have processed is retried, and 503 only for an idempotent read.
func TestShouldRetry(t *testing.T) {
	t.Parallel()
	c, err := NewClient(Config{BaseURL: "https://h", UserDomain: "d", UserDomainSecret: "s"})
	require.NoError(t, err)
	p := RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Second}
	refused := newTransportError(context.Background(), "op", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED})
	reset := newTransportError(context.Background(), "op", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET})
	status503 := &UnexpectedResponseError{Op: "op", HTTPStatus: 503}
	status429 := &UnexpectedResponseError{Op: "op", HTTPStatus: 429}
	status502 := &UnexpectedResponseError{Op: "op", HTTPStatus: 502}
	login := &call{op: OpAppleLogin, family: FamilyV2}
	read := &call{op: OpUserInfo, family: FamilyV2, idempotent: true}
	tests := []struct {
		name    string
		k       *call
		attempt int
		status  int
		err     error
		retry   bool
	}{
		{"success", login, 1, 200, nil, false},
		{"refused connection, login", login, 1, 0, refused, true},
		{"refused connection, last attempt", login, 3, 0, refused, false},
		{"reset after writing", login, 1, 0, reset, false},
		{"429, login", login, 1, 429, status429, true},
		{"503, login: a gateway may have forwarded it", login, 1, 503, status503, false},
		{"503, idempotent read", read, 1, 503, status503, true},
		{"502, read", read, 1, 502, status502, false},
		{"v2 failure envelope", login, 1, 200, &APIError{Op: OpAppleLogin, Family: FamilyV2, HTTPStatus: 200, Code: 5015}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wait, why := c.shouldRetry(context.Background(), tt.k, p, tt.attempt, failed(tt.status, envelope.Result{}, tt.err, 0))
			assert.Equal(t, tt.retry, why != "", "reason %q", why)
			if tt.retry {
				assert.LessOrEqual(t, wait, p.MaxBackoff)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, why := c.shouldRetry(ctx, login, p, 1, failed(0, envelope.Result{}, refused, 0))
	assert.Empty(t, why, "never after the context ended")
	assert.False(t, errors.Is(refused, context.Canceled))
}
