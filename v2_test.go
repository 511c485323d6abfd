package enduser

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tablecodes "github.com/seed1804ee03/enduser/internal/codes"
	"github.com/seed1804ee03/enduser/internal/endpoints"
	"github.com/seed1804ee03/enduser/internal/golden"
)

// v2OpConstants returns the constants of v2.go's first block, the v2
// endpoints (the block after it names GenAuth's), by value.
func v2OpConstants(t *testing.T) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "v2.go", nil, 0)
	require.NoError(t, err)
	out := map[string]string{}
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.CONST {
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				v, err := strconv.Unquote(vs.Values[0].(*ast.BasicLit).Value)
				require.NoError(t, err)
				out[v] = vs.Names[0].Name
			}
			break
		}
	}
	delete(out, OpSignInByMobile) // GenAuth's, listed beside the v2 ones for history
	return out
}

// TestV2TableCoversEveryOp checks the v2 table against the Op constants:
// one row per v2 Op, codes ascending and each with a meaning, every missing
// field's code among the codes the endpoint answers.
func TestV2TableCoversEveryOp(t *testing.T) {
	t.Parallel()
	var ops []string
	for v := range v2OpConstants(t) {
		ops = append(ops, v)
	}
	var names []string
	for _, ep := range v2Endpoints() {
		names = append(names, ep.Op)
		assert.True(t, slices.IsSorted(ep.codes), ep.Op)
		for _, c := range ep.codes {
			assert.NotEmpty(t, c.Text(), "%s answers %d", ep.Op, c)
		}
		for _, f := range ep.fields {
			var code Code
			require.ErrorAs(t, f.missing, &code)
			assert.Contains(t, ep.codes, code, "%s.%s", ep.Op, f.Name)
		}
		if ep.Signed {
			assert.Subset(t, ep.codes, []Code{5146, 5147, 5148, 5325}, "%s lists account lock and access blocking", ep.Op)
		}
	}
	assert.ElementsMatch(t, ops, names, "one table row per Op constant")
}

// v2Decls is what the root package declares, read from its source: the
// doc comment and file of every method of *Client, the file of every type,
// and the file of every method of other types, by type.
type v2Decls struct {
	clientDoc  map[string]string   // method → doc comment
	clientFile map[string]string   // method → file
	clientArg  map[string]string   // method → type of its second parameter
	types      map[string]string   // type → file
	methods    map[string][]string // type → "file:method" of its methods
}

func readDecls(t *testing.T) v2Decls {
	t.Helper()
	d := v2Decls{map[string]string{}, map[string]string{}, map[string]string{}, map[string]string{}, map[string][]string{}}
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), e.Name(), nil, parser.ParseComments)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
				for _, spec := range gd.Specs {
					d.types[spec.(*ast.TypeSpec).Name.Name] = e.Name()
				}
			}
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil {
				continue
			}
			recv := fn.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			name := recv.(*ast.Ident).Name
			if name != "Client" {
				d.methods[name] = append(d.methods[name], e.Name()+":"+fn.Name.Name)
				continue
			}
			d.clientDoc[fn.Name.Name], d.clientFile[fn.Name.Name] = fn.Doc.Text(), e.Name()
			if params := fn.Type.Params.List; len(params) > 1 {
				if id, ok := params[1].Type.(*ast.Ident); ok {
					d.clientArg[fn.Name.Name] = id.Name
				}
			}
		}
	}
	return d
}

// methodOf returns the *Client method whose doc comment names the row's
// path and lists its codes, with that list.
func (d v2Decls) methodOf(op string) (method string, listed []Code) {
	path := regexp.MustCompile(`/v2/enduser/enduserapi/` + op + `\b`)
	list := regexp.MustCompile(`Codes:((?:\s+\d{4})+)\.`)
	for name, doc := range d.clientDoc {
		m := list.FindStringSubmatch(doc)
		if m == nil || !path.MatchString(doc) {
			continue
		}
		for _, f := range strings.Fields(m[1]) {
			n, _ := strconv.Atoi(f)
			listed = append(listed, Code(n))
		}
		return name, listed
	}
	return "", nil
}

// TestV2DocCommentsListTheTableCodes: the method of every row lists
// exactly the row's codes in its doc comment.
func TestV2DocCommentsListTheTableCodes(t *testing.T) {
	t.Parallel()
	d := readDecls(t)
	for _, ep := range v2Endpoints() {
		method, listed := d.methodOf(ep.Op)
		require.NotEmpty(t, method, "%s: a *Client method's doc comment names its path and lists its codes", ep.Op)
		assert.Equal(t, ep.codes, listed, "%s's doc comment and the table", method)
	}
}

// TestEveryV2LoginIsARowATypeAndAGoldenCase: what makes a v2 login is its
// row in internal/endpoints (with its Op constant), one file holding its
// request type and the *Client method, the type's printing in v2.go, and a
// golden case in testdata/golden/v2/requests.json. The README's rows are
// rendered from the table (TestREADMEV2Tables). Nothing else names a login.
func TestEveryV2LoginIsARowATypeAndAGoldenCase(t *testing.T) {
	t.Parallel()
	d := readDecls(t)
	raw, err := os.ReadFile(filepath.Join("testdata", "golden", "v2", "requests.json"))
	require.NoError(t, err)
	var g golden.V2Requests
	require.NoError(t, json.Unmarshal(raw, &g))
	cases := map[string]string{} // op → the SDK method its case calls
	for _, c := range g.Cases {
		cases[c.Op] = c.Call
	}
	ops := v2OpConstants(t)
	logins := 0
	for _, e := range endpoints.All() {
		assert.NotEmpty(t, ops[e.Op], "%s: an Op constant in v2.go", e.Op)
		call, ok := cases[e.Op]
		assert.True(t, ok, "%s: a golden case", e.Op)
		if !e.Signed && !e.Carrier {
			continue
		}
		logins++
		method, _ := d.methodOf(e.Op)
		require.NotEmpty(t, method, e.Op)
		file, req := d.clientFile[method], d.clientArg[method]
		assert.Equal(t, method, call, "%s: the golden case calls the login's method", e.Op)
		assert.Equal(t, method+"Request", req, "%s takes its request type", method)
		assert.Equal(t, file, d.types[req], "%s is declared beside its login", req)
		assert.ElementsMatch(t, []string{"v2.go:String", "v2.go:Format", "v2.go:LogValue"}, d.methods[req],
			"%s is printed, redacted, with the other login requests", req)
	}
	assert.Positive(t, logins)
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

// readmeV2Tables renders the README's v2 endpoint table and v2 code table
// from internal/endpoints, internal/codes and the methods' doc comments.
func readmeV2Tables(t *testing.T) string {
	t.Helper()
	d := readDecls(t)
	var b strings.Builder
	b.WriteString("| endpoint | method | SDK call | signed over |\n|---|---|---|---|\n")
	all := endpoints.All()
	for i := range all {
		e := &all[i]
		var fields []string
		for _, f := range e.Fields {
			fields = append(fields, f.Name)
		}
		signed := "(not signed)"
		switch {
		case e.Signed:
			signed = strings.Join(fields, ", ") + " (SHA-256, user-domain secret)"
		case e.Carrier:
			signed = strings.Join(fields, ", ") + " (`sign`: MD5, the carrier app's secret)"
		case e.Auth:
			signed = "(Authorization)"
		}
		method, _ := d.methodOf(e.Op)
		fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s |\n", e.Op, e.Method, method, signed)
	}
	b.WriteString("\nThe v2 codes these endpoints answer (every other documented code has its meaning in `Code.Text`\nand is `ClassServer`):\n\n")
	b.WriteString("| code | meaning | class | group |\n|---|---|---|---|\n")
	for _, r := range tablecodes.AllV2() {
		if r.Class != "" {
			fmt.Fprintf(&b, "| %d | %s | `%s` | %s |\n", r.Code, r.Text, r.Class, r.Group)
		}
	}
	return b.String()
}

// TestREADMEV2Tables: the README's v2 tables are the tables. Run the test
// with ENDUSER_UPDATE_README=1 to rewrite them.
func TestREADMEV2Tables(t *testing.T) {
	t.Parallel()
	const begin, end = "<!-- BEGIN v2: rendered by TestREADMEV2Tables from internal/endpoints and internal/codes; do not edit -->\n", "<!-- END v2 -->"
	raw, err := os.ReadFile("README.md")
	require.NoError(t, err)
	readme := string(raw)
	from, to := strings.Index(readme, begin), strings.Index(readme, end)
	require.True(t, from >= 0 && to > from, "README.md has the v2 markers")
	want := readme[:from+len(begin)] + "\n" + readmeV2Tables(t) + "\n" + readme[to:]
	if os.Getenv("ENDUSER_UPDATE_README") == "1" {
		require.NoError(t, os.WriteFile("README.md", []byte(want), 0o600))
		return
	}
	assert.Equal(t, want, readme, "README.md's v2 tables are stale: ENDUSER_UPDATE_README=1 go test -run TestREADMEV2Tables .")
}

// v2Endpoints lists the rows in table order, for tests.
func v2Endpoints() []*v2Endpoint {
	all := endpoints.All()
	out := make([]*v2Endpoint, 0, len(all))
	for i := range all {
		out = append(out, v2Table[all[i].Op])
	}
	return out
}
