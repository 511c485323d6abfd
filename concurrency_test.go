package enduser_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
)

// TestConcurrentClient shares one client between 64 goroutines making 200
// calls each against the emulator, mixing both families, server failures
// and local validation failures. Run under -race by make test; TestMain's
// goleak check covers it.
func TestConcurrentClient(t *testing.T) {
	srv := endusertest.NewServer(t)
	c, err := enduser.NewClient(srv.Config())
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)

	const goroutines, calls = 64, 200
	var wrong, failed atomic.Int32
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range calls {
				code := fmt.Sprintf("code-%d-%d", g, i)
				var err error
				switch i % 4 {
				case 0:
					_, err = c.WechatOfficialAccountLogin(bg, enduser.WechatOfficialAccountLoginRequest{AppID: "wx", Code: code})
				case 1:
					_, err = c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: enduser.DouyinPayload{Code: code}})
				case 2: // the same code twice: the emulator refuses a redeemed code
					_, err = c.AlipayLogin(bg, enduser.AlipayLoginRequest{AppID: "al", AuthCode: "shared-code"})
					if err != nil && !errors.Is(err, enduser.ErrOpenIDFetch) {
						wrong.Add(1)
					}
					if err != nil {
						failed.Add(1)
					}
					continue
				case 3:
					_, err = c.TwitterLogin(bg, enduser.TwitterLoginRequest{AppID: "tw", OAuthToken: code})
					if !errors.Is(err, enduser.ErrOAuthTokenSecretRequired) {
						wrong.Add(1)
					}
					continue
				}
				if err != nil {
					wrong.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	assert.Zero(t, wrong.Load(), "every call gave the answer it should")
	assert.Equal(t, int32(goroutines*calls/4-1), failed.Load(), "a code is redeemed exactly once")
	assert.Equal(t, goroutines*calls/4, srv.Count("wechatOffiaccountAuthLogin"))
	assert.Equal(t, goroutines*calls/4, srv.Count(enduser.OpSignInByMobile))
	assert.Zero(t, srv.Count("twitterAuthLogin"), "invalid requests are never sent")
}
