package codes_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/seed1804ee03/enduser/internal/codes"
)

func TestV2Rows(t *testing.T) {
	t.Parallel()
	classes := map[codes.Class]bool{codes.InvalidRequest: true, codes.Misconfigured: true, codes.ReLogin: true, codes.Denied: true, codes.Server: true}
	groups := map[codes.Group]bool{codes.Service: true, codes.UserDomain: true, codes.Signature: true, codes.Account: true,
		codes.Session: true, codes.LoginField: true, codes.Provider: true, codes.DataCenter: true}
	prev := 0
	for _, r := range codes.AllV2() {
		assert.Greater(t, r.Code, prev, "ascending, one row per code")
		prev = r.Code
		assert.NotEmpty(t, r.Text, r.Code)
		assert.Equal(t, r.Class == "", r.Group == "", "%d: a code the SDK's endpoints answer has a class and a group, any other neither", r.Code)
		if r.Class != "" {
			assert.True(t, classes[r.Class], "%d: class %q", r.Code, r.Class)
			assert.True(t, groups[r.Group], "%d: group %q", r.Code, r.Group)
		}
	}
}
