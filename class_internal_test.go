package enduser

import (
	"context"
	"crypto/tls"
	"errors"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"net/http"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEverySentinelHasAClass reads the package's source and checks that
// every exported sentinel (a Code or APICode constant, or an Err… variable)
// has a row in class.go. A new code or sentinel fails here until it has.
func TestEverySentinelHasAClass(t *testing.T) {
	scope := packageScope(t)
	rows := map[string]bool{}
	for _, s := range sentinelClasses {
		rows[s.name] = true
	}
	var codes, apiCodes, statuses, vars int
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() || !strings.HasPrefix(name, "Err") {
			continue
		}
		switch obj := obj.(type) {
		case *types.Const:
			v, ok := constant.Int64Val(obj.Val())
			require.True(t, ok, name)
			switch obj.Type() {
			case scope.Lookup("Code").Type():
				codes++
				_, ok := codeClass(Code(v))
				assert.True(t, ok, "%s (code %d) has no row in codeClasses (class.go)", name, v)
			case scope.Lookup("GenAuthStatus").Type():
				statuses++
				_, ok := genAuthStatusClass(GenAuthStatus(v))
				assert.True(t, ok, "%s (statusCode %d) has no row in genAuthStatusClasses (class.go)", name, v)
			case scope.Lookup("APICode").Type():
				apiCodes++
				_, ok := apiCodeClass(APICode(v))
				assert.True(t, ok, "%s (apiCode %d) has no group and no row in apiCodeClasses (class.go)", name, v)
			default:
				t.Errorf("%s is a constant of type %s: teach Class and this test about that kind of sentinel", name, obj.Type())
			}
		case *types.Var:
			vars++
			assert.True(t, rows[name], "%s has no row in sentinelClasses (class.go)", name)
		}
	}
	assert.Positive(t, codes)
	for _, ep := range v2Endpoints() {
		for _, c := range ep.codes {
			_, ok := codeClass(c)
			assert.True(t, ok, "code %d answered by %s has no row in codeClasses (class.go)", c, ep.name)
		}
		for _, f := range ep.fields {
			assert.Equal(t, ClassInvalidRequest, Class(f.missing), "%s.%s: the code of a missing field", ep.name, f.name)
		}
	}
	assert.Len(t, apiCodeText, apiCodes, "every documented apiCode is an exported sentinel")
	assert.Positive(t, statuses)
	assert.Len(t, sentinelClasses, vars, "every row of sentinelClasses is an exported sentinel")
	for c := range apiCodeText {
		_, ok := apiCodeClass(c)
		assert.True(t, ok, "apiCode %d", c)
	}
}

// TestSentinelRowsAreConsistent checks each row against Class itself and
// that every class but ClassNone has members or a rule.
func TestSentinelRowsAreConsistent(t *testing.T) {
	for _, s := range sentinelClasses {
		assert.Equal(t, s.class, Class(s.err), s.name)
	}
	for c, cl := range codeClasses {
		assert.Equal(t, cl, Class(c), "code %d", c)
		assert.Equal(t, cl, Class(&APIError{Op: OpAppleLogin, HTTPStatus: 200, Code: int(c)}), "APIError with code %d", c)
	}
	for c := range apiCodeText {
		cl, _ := apiCodeClass(c)
		assert.Equal(t, cl, Class(&APIError{Op: OpSignInByMobile, HTTPStatus: 200, Code: 400, APICode: int(c)}), "apiCode %d", c)
		if g := c.group(); g != nil {
			assert.Equal(t, cl == groupClasses[g], errors.Is(c, g) || apiCodeClasses[c] == 0, "apiCode %d: a row differs from the group's class only on purpose", c)
		}
	}
	for s, cl := range genAuthStatusClasses {
		if s != ErrGenAuthTooManyRequests {
			assert.Equal(t, cl, Class(&APIError{Op: OpSignInByMobile, HTTPStatus: 200, Code: int(s)}), "statusCode %d", s)
		}
	}
	for e, cl := range oauthClasses {
		assert.Equal(t, cl, Class(&APIError{Op: OpSignInByMobile, HTTPStatus: 400, Code: 400, OAuthError: e}), e)
	}
	for cl := ClassInvalidRequest; cl <= ClassServer; cl++ {
		assert.NotEqual(t, "unknown", cl.String())
	}
	assert.Equal(t, "unknown", ErrorClass(99).String())
}

// packageScope type-checks the package's non-test files from source. The
// imports are stubbed: only the constants' values and the declarations'
// kinds are needed, and they do not depend on other packages.
func packageScope(t *testing.T) *types.Scope {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var parsed []*ast.File
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		parsed = append(parsed, af)
	}
	conf := types.Config{
		Importer: importerFunc(func(p string) (*types.Package, error) {
			pkg := types.NewPackage(p, path.Base(p))
			pkg.MarkComplete()
			return pkg, nil
		}),
		Error: func(error) {}, // the stubbed imports leave some expressions untyped
	}
	pkg, _ := conf.Check("github.com/seed1804ee03/enduser", fset, parsed, nil)
	require.NotNil(t, pkg)
	require.NotNil(t, pkg.Scope().Lookup("Code"))
	return pkg.Scope()
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(p string) (*types.Package, error) { return f(p) }

// H2ResetLoginForTest runs an Apple login against a server that resets each
// HTTP/2 stream after reading it whole (newH2Resetter), for the class walk
// of SECURITY.md's fault table in package enduser_test.
func H2ResetLoginForTest(t *testing.T) error {
	t.Helper()
	srv := newH2Resetter(t)
	c, err := NewClient(Config{BaseURL: srv.url, UserDomain: "E.SP.1", UserDomainSecret: "s"}, WithTimeout(5*time.Second))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	ht, ok := c.rc.GetClient().Transport.(*http.Transport)
	require.True(t, ok)
	ht.TLSClientConfig = &tls.Config{RootCAs: srv.roots, MinVersion: tls.VersionTLS12}
	_, err = c.AppleLogin(context.Background(), AppleLoginRequest{IdentityToken: "IDTOKEN-h2"})
	return err
}
