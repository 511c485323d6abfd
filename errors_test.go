package enduser_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/seed1804ee03/enduser"
)

func TestCodeTexts(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "enduser: user domain does not exist (code 5015)", enduser.ErrUserDomainNotFound.Error())
	assert.Equal(t, "enduser: undocumented code (code 7777)", enduser.Code(7777).Error())
	assert.Equal(t, "enduser: app does not exist (apiCode 2011)", enduser.ErrGenAuthAppNotFound.Error())
	assert.ErrorIs(t, enduser.APICode(1636), enduser.ErrGenAuthMFARequired)
	assert.NotErrorIs(t, enduser.ErrGenAuthMFARequired, enduser.APICode(1636))
	e := &enduser.APIError{Op: "signin-by-mobile", HTTPStatus: 200, Code: 400, APICode: 2011, Message: "m", RequestID: "r-1"}
	assert.Equal(t, "enduser: signin-by-mobile: statusCode 400 (invalid argument), apiCode 2011 (app does not exist) (HTTP 200, request id r-1)", e.Error())
}

// The family stored on an APIError decides how its code reads, whatever
// the op; without it the op decides.
func TestAPIErrorFamily(t *testing.T) {
	t.Parallel()
	v2 := &enduser.APIError{Op: "custom", Family: enduser.FamilyV2, HTTPStatus: 200, Code: 5015}
	assert.ErrorIs(t, v2, enduser.ErrUserDomainNotFound)
	assert.Contains(t, v2.Error(), "code 5015")
	ga := &enduser.APIError{Op: "custom", Family: enduser.FamilyGenAuth, HTTPStatus: 200, Code: 400, APICode: 2011}
	assert.ErrorIs(t, ga, enduser.ErrGenAuthAppNotFound)
	assert.Contains(t, ga.Error(), "statusCode 400")
	legacy := &enduser.APIError{Op: enduser.OpSignInByMobile, HTTPStatus: 200, Code: 400, APICode: 2011}
	assert.ErrorIs(t, legacy, enduser.ErrGenAuthAppNotFound, "no family: GenAuth by its op")
}
