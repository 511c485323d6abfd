package enduser

import (
	"context"
	"crypto/tls"
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

	"github.com/seed1804ee03/enduser/internal/gacodes"
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
	named := map[string]int64{} // GenAuth sentinels by name, for the code table's Name column
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
				named[name] = v
				_, ok := genAuthStatusClass(GenAuthStatus(v))
				assert.True(t, ok, "%s (statusCode %d) has no row in genAuthStatusClasses (class.go)", name, v)
			case scope.Lookup("APICode").Type():
				apiCodes++
				named[name] = v
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
			assert.True(t, ok, "code %d answered by %s has no row in codeClasses (class.go)", c, ep.Op)
		}
		for _, f := range ep.fields {
			assert.Equal(t, ClassInvalidRequest, Class(f.missing), "%s.%s: the code of a missing field", ep.Op, f.Name)
		}
	}
	assert.Len(t, gacodes.APICodes, apiCodes, "every apiCode row is an exported sentinel")
	assert.Len(t, gacodes.Statuses, statuses, "every statusCode row is an exported sentinel")
	assert.Len(t, sentinelClasses, vars, "every row of sentinelClasses is an exported sentinel")
	for _, r := range append(gacodes.Statuses[:len(gacodes.Statuses):len(gacodes.Statuses)], gacodes.APICodes...) {
		v, ok := named[r.Name]
		assert.True(t, ok && v == int64(r.Code), "row %d names %s, which is not the sentinel of that value", r.Code, r.Name)
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
	for _, r := range gacodes.APICodes {
		cl := classNamed(r.Class)
		require.Equal(t, r.Class, cl.String(), "apiCode %d: class %q is not a class name", r.Code, r.Class)
		assert.Equal(t, cl, Class(&APIError{Op: OpSignInByMobile, HTTPStatus: 200, Code: 400, APICode: r.Code}), "apiCode %d", r.Code)
		if r.Group != "" {
			g := groups[r.Group]
			require.NotNil(t, g, "apiCode %d: group %q", r.Code, r.Group)
			assert.ErrorIs(t, APICode(r.Code), g)
			assert.Equal(t, Class(g), cl, "apiCode %d has its group's class", r.Code)
		}
		if r.Of != 0 {
			assert.ErrorIs(t, APICode(r.Code), APICode(r.Of))
		}
	}
	for _, r := range gacodes.Statuses {
		cl := classNamed(r.Class)
		require.Equal(t, r.Class, cl.String(), "statusCode %d: class %q is not a class name", r.Code, r.Class)
		assert.Equal(t, cl, Class(&APIError{Op: OpOIDCUserInfo, Family: FamilyGenAuth, HTTPStatus: 200, Code: r.Code}), "statusCode %d", r.Code)
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
