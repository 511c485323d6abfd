package endusertest_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// fatalRecorder is a testing.TB whose Fatalf records instead of stopping.
type fatalRecorder struct {
	testing.TB
	mu   sync.Mutex
	msgs []string
}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

func (r *fatalRecorder) Errorf(format string, args ...any) { r.Fatalf(format, args...) }

func TestInjectMistakesAreLoud(t *testing.T) {
	t.Parallel()
	rec := &fatalRecorder{TB: t}
	srv := endusertest.NewServer(rec)
	err := srv.Inject("userinfo", endusertest.DropConnection())
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown endpoint "userinfo"`)
	assert.Contains(t, err.Error(), enduser.OpUserInfo, "the error lists the real names")
	require.Len(t, rec.msgs, 1, "under NewServer the test fails")
	assert.Contains(t, rec.msgs[0], `unknown endpoint "userinfo"`)

	for name, f := range map[string]struct {
		endpoint string
		fault    endusertest.Fault
		want     string
	}{
		"zero fault":          {enduser.OpAppleLogin, endusertest.Fault{}, "zero Fault"},
		"code on refresh":     {enduser.OpRefreshToken, endusertest.FailCode(1).ForCode("c"), "ForCode"},
		"token on a login":    {enduser.OpAppleLogin, endusertest.FailCode(1).ForToken("t"), "ForToken"},
		"user on JWKS":        {enduser.OpOIDCKeys, endusertest.DropConnection().ForUser("u"), "ForUser"},
		"negative call count": {enduser.OpAppleLogin, endusertest.FailCode(1).OnCall(-1), "OnCall"},
	} {
		assert.ErrorContains(t, srv.Inject(f.endpoint, f.fault), f.want, name)
	}
	assert.ErrorContains(t, srv.Inject(enduser.OpAppleLogin), "no fault")

	rec.msgs = nil
	assert.Zero(t, srv.Count("refreshtoken"))
	assert.Zero(t, srv.Pending("refreshtoken"))
	require.Len(t, rec.msgs, 2, "a misspelt Count or Pending fails the test too")
	assert.Contains(t, rec.msgs[0], `unknown endpoint "refreshtoken"`)

	prog, err := endusertest.Start()
	require.NoError(t, err)
	defer prog.Close()
	assert.Error(t, prog.Inject("refresh", endusertest.FailCode(5000)), "Start-based programs get the error")
	assert.Zero(t, prog.Pending("refresh"))
	for _, name := range prog.Endpoints() {
		assert.NoError(t, prog.Inject(name, endusertest.Delay(time.Millisecond)), name)
	}
}
