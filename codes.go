package enduser

import "github.com/seed1804ee03/enduser/internal/codes"

// Code is a numeric result code of the v2 end-user API. Every code the
// platform documents has a meaning ([Code.Text]); the codes a login or
// session call can answer also have an exported sentinel below. An
// [*APIError] with a code matches its Code with [errors.Is], and [errors.As]
// extracts the Code itself.
//
// Code implements error: its text is the documented meaning in a few words.
type Code int

//go:generate go run ./internal/codes/cmd/gencodes

// Aliases: the same wire code under the name of what the field is called.
const (
	ErrJSCodeRequired    = ErrCodeRequired         // 5372: jsCode is missing
	ErrCodeParamRequired = ErrFacebookCodeRequired // 5374: the code parameter is missing
)

// Error returns the code's documented meaning and its number.
func (c Code) Error() string { return describe(c.Text(), "code", int(c)) }

// Text returns the documented meaning of the code, or "" for an unknown code.
func (c Code) Text() string { return codeRows[c].Text }

// codeRows is internal/codes by code, and codeClasses the class of every
// code with one there (the codes the SDK's endpoints answer); any other code
// is ClassServer. Both are built once and never changed.
var codeRows, codeClasses = func() (map[Code]codes.V2, map[Code]ErrorClass) {
	rows, classes := map[Code]codes.V2{}, map[Code]ErrorClass{}
	for _, r := range codes.AllV2() {
		rows[Code(r.Code)] = r
		for cl, name := range classNames {
			if name == string(r.Class) {
				classes[Code(r.Code)] = ErrorClass(cl)
			}
		}
	}
	return rows, classes
}()

// codeSet is the error of a local check whose field the server answers with
// one code while an older page of the API docs lists another for the login: it
// matches all of them with errors.Is, and errors.As finds the first (the
// server's).
type codeSet []Code

func (cs codeSet) Error() string { return cs[0].Error() }

func (cs codeSet) Unwrap() []error {
	out := make([]error, len(cs))
	for i, c := range cs {
		out[i] = c
	}
	return out
}
