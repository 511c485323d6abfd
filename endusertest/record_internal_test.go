package endusertest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
)

// TestRecordedRequestsAreBounded sends large parameters and checks what a
// record keeps: secrets redacted, other values cut, and the heap small.
func TestRecordedRequestsAreBounded(t *testing.T) {
	base := liveHeap()
	s, err := Start()
	require.NoError(t, err)
	defer s.Close()
	big := strings.Repeat("x", 256<<10)
	for range 40 {
		v := url.Values{"identityToken": {big}, "userDomain": {DefaultUserDomain}, "appId": {big},
			"signature": {enduser.Sign(DefaultUserDomainSecret, big)}}
		s.serveDirect(t, http.MethodPost, v2Prefix+enduser.OpAppleLogin, "application/x-www-form-urlencoded", v.Encode())
	}
	heap := liveHeap()
	assert.Less(t, heap-min(heap, base), uint64(4<<20), "40 requests of 512 KiB keep less than 4 MiB")
	reqs := s.Requests()
	require.Len(t, reqs, 40)
	r := reqs[0]
	assert.Equal(t, Redacted, r.Params.Get("identityToken"))
	assert.Equal(t, Redacted, r.Params.Get("signature"))
	assert.Equal(t, DefaultUserDomain, r.Params.Get("userDomain"))
	assert.Len(t, r.Params.Get("appId"), maxRecordedValue+len("…[cut]"))
	assert.NotEmpty(t, r.UserID)
}
