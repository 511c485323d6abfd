package enduser

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tablecodes "github.com/seed1804ee03/enduser/internal/codes"
	"github.com/seed1804ee03/enduser/internal/endpoints"
)

// TestV2TableCoversEveryOp checks the v2 table against the Op constants:
// one row per v2 Op, codes ascending and each with a meaning, every missing
// field's code among the codes the endpoint answers.
func TestV2TableCoversEveryOp(t *testing.T) {
	t.Parallel()
	ops := []string{OpTwitterLogin, OpAppleLogin, OpWechatOfficialAccountLogin, OpFacebookLogin, OpAlipayLogin,
		OpWechatMiniProgramLogin, OpRefreshToken, OpUserInfo, OpLogout}
	var names []string
	for _, ep := range v2Endpoints() {
		names = append(names, ep.name)
		assert.True(t, slices.IsSorted(ep.codes), ep.name)
		for _, c := range ep.codes {
			assert.NotEmpty(t, c.Text(), "%s answers %d", ep.name, c)
		}
		for _, f := range ep.fields {
			var code Code
			require.ErrorAs(t, f.missing, &code)
			assert.Contains(t, ep.codes, code, "%s.%s", ep.name, f.name)
		}
		if ep.signed {
			assert.Subset(t, ep.codes, []Code{5146, 5147, 5148, 5325}, "%s lists account lock and access blocking", ep.name)
		}
	}
	assert.ElementsMatch(t, ops, names)
	var table []string
	for _, e := range endpoints.All() {
		table = append(table, e.Op)
		assert.NotEmpty(t, e.Method, e.Op)
	}
	assert.ElementsMatch(t, ops, table, "one table row per Op constant")
}

// TestV2DocCommentsListTheTableCodes reads the doc comment of every v2
// method and checks that its "Codes:" list is exactly the table's.
func TestV2DocCommentsListTheTableCodes(t *testing.T) {
	t.Parallel()
	methods := map[string]*v2Endpoint{
		"TwitterLogin": v2Table[OpTwitterLogin], "AppleLogin": v2Table[OpAppleLogin], "WechatOfficialAccountLogin": v2Table[OpWechatOfficialAccountLogin],
		"FacebookLogin": v2Table[OpFacebookLogin], "AlipayLogin": v2Table[OpAlipayLogin], "WechatMiniProgramLogin": v2Table[OpWechatMiniProgramLogin],
		"RefreshToken": v2Table[OpRefreshToken], "UserInfo": v2Table[OpUserInfo], "Logout": v2Table[OpLogout],
	}
	fset := token.NewFileSet()
	docs := map[string]string{}
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, parser.ParseComments)
		require.NoError(t, err)
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv != nil && fn.Doc != nil {
				docs[fn.Name.Name] = fn.Doc.Text()
			}
		}
	}
	list := regexp.MustCompile(`Codes:((?:\s+\d{4})+)\.`)
	for method, ep := range methods {
		m := list.FindStringSubmatch(docs[method])
		require.NotNil(t, m, "%s's doc comment lists its codes", method)
		var got []Code
		for _, f := range strings.Fields(m[1]) {
			n, _ := strconv.Atoi(f)
			got = append(got, Code(n))
		}
		assert.Equal(t, ep.codes, got, "%s's doc comment and the table", method)
	}
}

// TestEveryCodeClassIsAnErrorClass: a class in internal/codes is the name
// of an ErrorClass, and Class gives it.
func TestEveryCodeClassIsAnErrorClass(t *testing.T) {
	t.Parallel()
	for _, r := range tablecodes.AllV2() {
		if r.Class == "" {
			assert.Equal(t, ClassServer, Class(Code(r.Code)), "%d: no endpoint answers it", r.Code)
			continue
		}
		assert.Equal(t, string(r.Class), Class(Code(r.Code)).String(), "%d", r.Code)
	}
}
