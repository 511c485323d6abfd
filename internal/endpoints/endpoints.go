// Package endpoints is the one table of the v2 end-user API
// (/v2/enduser/enduserapi/*): per endpoint its name (the root package's Op
// constant), method, required fields in signature order with the code the
// server answers when each is missing, optional parameters, whether it is
// signed or authenticated, and every code it can answer.
//
// The root package derives its endpoint rows from it (v2.go), and the
// emulator and the command line can read it, so a v2 endpoint is one row
// here and one method in the root package. Codes are the wire numbers; the
// root package names them (codes.go). Sources: the API pages of the
// platform's documentation (public mirror JFish-ByHu/cms_repo,
// docsEU/en/appDevelop/OpenAPI/APIList/*.md) and error-code summary
// (appDevelop/errorCode.md).
package endpoints

import "slices"

// Field is a required parameter.
type Field struct {
	Name    string // wire name
	Missing int    // the code the server answers when it is empty
	// AlsoMatches are codes an older API page lists for the same empty field;
	// a local check matches them too.
	AlsoMatches []int
	// Credential marks the provider credential that identifies the user.
	Credential bool
	// SingleUse marks an authorization code that the provider redeems once.
	SingleUse bool
	// Public marks a value that is no secret (an id, a version, a time):
	// it is not redacted from the server's echoes.
	Public bool
}

// Endpoint is one row.
type Endpoint struct {
	Op       string   // path segment under /v2/enduser/enduserapi/, and the Op of errors
	Method   string   // HTTP method
	Fields   []Field  // required parameters, in signature order
	Optional []string // optional parameters, sent only when set
	Signed   bool     // userDomain and signature = SHA-256(Fields + user-domain secret) are added
	Carrier  bool     // userDomain and sign = MD5(Fields + the carrier app's secret) are added
	UserID   string   // the userInfo field holding the provider's id of a user who logged in here
	Auth     bool     // the token goes in the Authorization header
	Codes    []int    // every code it can answer, ascending
}

// loginCodes returns the codes every signed login can answer plus
// specific, ascending: a service exception, user domain checks, failed
// attempts, account lock, IP and access blocking, signature checks and the
// MCC's data center.
func loginCodes(specific ...int) []int {
	all := append([]int{5000, 5013, 5015, 5023, 5104, 5146, 5147, 5148, 5325, 5420, 5421, 5550, 6084, 6085}, specific...)
	slices.Sort(all)
	return slices.Compact(all)
}

// All returns the table, a fresh copy per call.
func All() []Endpoint {
	appID := Field{Name: "appId", Missing: 5218}
	login := func(op, userID string, fields []Field, specific ...int) Endpoint {
		return Endpoint{Op: op, Method: "POST", Fields: fields, Optional: []string{"mcc"}, Signed: true, UserID: userID, Codes: loginCodes(specific...)}
	}
	return []Endpoint{
		login("twitterAuthLogin", "twitterUserId", []Field{appID, {Name: "oauthToken", Missing: 5569, Credential: true}, {Name: "oauthTokenSecret", Missing: 5570}},
			5218, 5569, 5570),
		login("appleAuthLogin", "appleUserId", []Field{{Name: "identityToken", Missing: 5568, Credential: true}},
			5566, 5567, 5568),
		// The seeds give 5372 for an empty code; the platform's list says 5374.
		login("wechatOffiaccountAuthLogin", "wechatOffiaccountUserId", []Field{appID, {Name: "code", Missing: 5374, AlsoMatches: []int{5372}, Credential: true, SingleUse: true}},
			5218, 5367, 5368, 5369, 5372, 5374, 5375),
		login("facebookAuthLogin", "facebookUserId", []Field{appID, {Name: "code", Missing: 5374, Credential: true, SingleUse: true}},
			5218, 5374),
		// Earlier releases gave 5372 for an empty authCode; the platform's list says 5354.
		login("alipayAuthLogin", "alipayUserId", []Field{appID, {Name: "authCode", Missing: 5354, AlsoMatches: []int{5372}, Credential: true, SingleUse: true}},
			5218, 5354, 5368, 5372, 5376),
		login("wechatMiniprogramAuthLogin", "wechatMiniprogramUserId", []Field{appID, {Name: "jsCode", Missing: 5372, Credential: true, SingleUse: true}},
			5218, 5367, 5368, 5369, 5372, 5373),
		{Op: "refreshToken", Method: "PUT", Fields: []Field{{Name: "refreshToken", Missing: 5115, Credential: true}},
			Codes: []int{5000, 5032, 5115, 5325}},
		{Op: "userInfo", Method: "GET", Auth: true, Codes: []int{5000, 5032, 5033, 5065, 5106, 5325}},
		{Op: "userLogout", Method: "DELETE", Auth: true, Optional: []string{"deviceId"}, Codes: []int{5000, 5032, 5045, 5106, 5325}},
		login("qqAuthLogin", "qqUserId", []Field{{Name: "accessToken", Missing: 5366, Credential: true}},
			5366, 5367, 5368, 5369),
		// The carrier's one-tap login (China Mobile's loginTokenValidate behind
		// it) names no field-specific code: an empty field is rejected by
		// the carrier's parameter check, 5221.
		{Op: "phoneAuthLogin", Method: "POST", Fields: []Field{
			{Name: "appid", Missing: 5221, Public: true}, {Name: "version", Missing: 5221, Public: true},
			{Name: "msgid", Missing: 5221, Public: true}, {Name: "systemtime", Missing: 5221, Public: true},
			{Name: "strictcheck", Missing: 5221, Public: true}, {Name: "token", Missing: 5221, Credential: true, SingleUse: true},
		}, Optional: []string{"expandparams", "mcc"}, Carrier: true,
			Codes: []int{5000, 5013, 5015, 5023, 5104, 5220, 5221, 6084, 6085}},
		// New rows go above this line.
	}
}

// Lookup returns the row of op.
func Lookup(op string) (Endpoint, bool) {
	table := All()
	if i := slices.IndexFunc(table, func(e Endpoint) bool { return e.Op == op }); i >= 0 {
		return table[i], true
	}
	return Endpoint{}, false
}
