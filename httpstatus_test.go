package enduser_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// TestHTTPStatusIsTheREADMETable: for an error of every class, HTTPStatus
// answers the status of the README's class table ("e.g. answer").
func TestHTTPStatusIsTheREADMETable(t *testing.T) {
	t.Parallel()
	members := map[enduser.ErrorClass]error{
		enduser.ClassInvalidRequest: &enduser.ValidationError{Op: enduser.OpAppleLogin, Field: "identityToken", Reason: "is empty"},
		enduser.ClassMisconfigured:  enduser.ErrInvalidConfig,
		enduser.ClassReLogin:        enduser.ErrTokenInvalid,
		enduser.ClassDenied:         enduser.Code(5147),
		enduser.ClassRateLimited:    enduser.ErrRateLimited,
		enduser.ClassTemporary:      enduser.ErrTokenStore,
		enduser.ClassMaybeProcessed: &enduser.TransportError{Op: enduser.OpAppleLogin, Err: errors.New("reset"), Written: true},
		enduser.ClassServer:         enduser.ErrUnexpectedResponse,
	}
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	row := regexp.MustCompile("(?m)^\\| `(Class[A-Za-z]+)` \\|[^|]*\\|[^|]*\\| ([^|]*) \\|")
	rows := row.FindAllStringSubmatch(string(readme), -1)
	require.Len(t, rows, len(members), "one README row per class with a member here")
	for _, r := range rows {
		var class enduser.ErrorClass
		var member error
		for c, e := range members {
			if "Class"+camel(c.String()) == r[1] {
				class, member = c, e
			}
		}
		require.NotNil(t, member, "README row %s", r[1])
		require.Equal(t, class, enduser.Class(member), "the member of %s", r[1])
		status, _ := enduser.HTTPStatus(member)
		documented := regexp.MustCompile(`\d{3}`).FindAllString(r[2], -1)
		assert.Contains(t, documented, strconv.Itoa(status), "%s: README says %q", r[1], r[2])
	}
	status, wait := enduser.HTTPStatus(nil)
	assert.Equal(t, http.StatusOK, status)
	assert.Zero(t, wait)
}

// camel turns "invalid_request" into "InvalidRequest" and "relogin" into
// "ReLogin" (the one class whose constant splits a word).
func camel(s string) string {
	if s == "relogin" {
		return "ReLogin"
	}
	var b strings.Builder
	for _, w := range strings.Split(s, "_") {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// TestHTTPStatusRetryAfter: a 429 whose wait is longer than the client
// waits out answers 429 with the server's Retry-After; a timed-out call that
// may have been processed is 504, a reset one 502.
func TestHTTPStatusRetryAfter(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	c, err := enduser.NewClient(srv.Config())
	require.NoError(t, err)
	srv.Inject(enduser.OpAppleLogin, endusertest.RateLimited("30"))
	_, err = c.AppleLogin(context.Background(), enduser.AppleLoginRequest{IdentityToken: "id-token"})
	require.Error(t, err)
	status, wait := enduser.HTTPStatus(err)
	assert.Equal(t, http.StatusTooManyRequests, status)
	assert.Equal(t, 30*time.Second, wait)

	timedOut := &enduser.TransportError{Op: enduser.OpAppleLogin, Err: context.DeadlineExceeded, Written: true}
	require.Equal(t, enduser.ClassMaybeProcessed, enduser.Class(timedOut))
	status, wait = enduser.HTTPStatus(timedOut)
	assert.Equal(t, http.StatusGatewayTimeout, status)
	assert.Zero(t, wait)
}
