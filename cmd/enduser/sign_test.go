package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/seed1804ee03/enduser"
)

func TestSign(t *testing.T) {
	want := enduser.Sign("s3cret", "a", "b")
	r := runCLI(t, map[string]string{"ENDUSER_USER_DOMAIN_SECRET": "s3cret"}, "", "sign", "a", "b")
	assert.Equal(t, exitOK, r.code)
	assert.Equal(t, want+"\n", r.stdout)

	r = runCLI(t, nil, "s3cret\n", "sign", "a", "b")
	assert.Equal(t, want+"\n", r.stdout, "secret from stdin")

	r = runCLI(t, map[string]string{"ENDUSER_USER_DOMAIN_SECRET": "other"}, "s3cret\n", "sign", "--user-domain-secret", "-", "a", "b")
	assert.Equal(t, want+"\n", r.stdout, "--user-domain-secret - wins over the variable")

	r = runCLI(t, nil, "", "sign", "a")
	assert.Equal(t, exitUsage, r.code, "no secret anywhere")

	r = runCLI(t, nil, "\n", "sign", "a")
	assert.Equal(t, exitUsage, r.code, "empty secret")

	r = runCLI(t, nil, "", "sign", "--user-domain-secret", "s3cret", "a")
	assert.Equal(t, exitUsage, r.code)
	assert.NotContains(t, r.stderr, "s3cret")
	assert.Contains(t, r.stderr, "set ENDUSER_USER_DOMAIN_SECRET, or give --user-domain-secret -")
}
