package endusertest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Script is a set of faults and seeded users in JSON, so that a service
// written in any language can script the emulator run by
// `enduser emulator --script file.json`. Read one with ParseScript and apply
// it with Server.ApplyScript. The format:
//
//	{
//	  "users": [
//	    {"uid": "u-ada", "nickname": "Ada", "name": "Ada Lovelace", "email": "ada@example.com",
//	     "emailVerified": true, "phone": "+44 20 0000", "phoneVerified": false,
//	     "picture": "https://example.com/ada.png", "claims": {"locale": "en-GB"},
//	     "credentials": ["ada-apple-identity-token", "ada-wechat-code"]}
//	  ],
//	  "faults": [
//	    {"endpoint": "refreshToken", "fault": "processThenDrop"},
//	    {"endpoint": "appleAuthLogin", "fault": "failCode", "code": 5104, "forUser": "u-ada"},
//	    {"endpoint": "signin-by-mobile", "fault": "failCode", "code": 403, "apiCode": 2005},
//	    {"endpoint": "oidc/token", "fault": "failOAuth", "status": 400, "error": "invalid_grant"},
//	    {"endpoint": "userInfo", "fault": "httpStatus", "status": 503, "retryAfter": "1"},
//	    {"endpoint": "twitterAuthLogin", "fault": "gatewayHTML", "status": 502, "onCall": 2},
//	    {"endpoint": "oidc/me", "fault": "rateLimited", "retryAfter": "30", "envelopeOnly": true},
//	    {"endpoint": "refreshToken", "fault": "delay", "delay": "2s", "times": 3},
//	    {"endpoint": "wechatOffiaccountAuthLogin", "fault": "dropConnection", "forCode": "code-1", "after": "100ms"}
//	  ]
//	}
//
// A user is a Profile (see SeedUser) with the login credentials that log in
// as it. A fault names its endpoint (an SDK Op name such as
// "twitterAuthLogin", "refreshToken", "signin-by-mobile", "oidc/token", or
// "oidc/.well-known/openid-configuration"), its kind ("failCode",
// "failOAuth", "gatewayHTML", "httpStatus", "rateLimited", "delay",
// "dropConnection", "processThenDrop", "processThenDelay") with that kind's
// fields ("delay" for delay and processThenDelay), and optionally its aim ("forUser", "forToken", "forCode", "onCall"), a delay
// before it applies ("after"), and "times" (queue it that many times;
// default 1). Durations are Go durations ("250ms", "2s"). Unknown keys,
// kinds and endpoints are errors.
//
// A script is bounded, and one past a bound is an error, never a partial
// run: at most 1 MiB of JSON, 1,000 users with 100 credentials each, 1,000
// fault entries, "times" at most 1,000 per entry and 10,000 queued faults in
// all, and durations ("delay", "after") of at most one hour.
type Script struct {
	Users  []ScriptUser  `json:"users"`
	Faults []ScriptFault `json:"faults"`
}

// ScriptUser is a seeded user of a Script.
type ScriptUser struct {
	UID           string         `json:"uid"`
	Nickname      string         `json:"nickname"`
	Name          string         `json:"name"`
	Email         string         `json:"email"`
	EmailVerified bool           `json:"emailVerified"`
	Phone         string         `json:"phone"`
	PhoneVerified bool           `json:"phoneVerified"`
	Picture       string         `json:"picture"`
	Claims        map[string]any `json:"claims"`
	Credentials   []string       `json:"credentials"`
}

// ScriptFault is one fault of a Script.
type ScriptFault struct {
	Endpoint     string `json:"endpoint"`
	Fault        string `json:"fault"`
	Code         int    `json:"code"`
	APICode      int    `json:"apiCode"`
	Status       int    `json:"status"`
	Error        string `json:"error"`
	RetryAfter   string `json:"retryAfter"`
	EnvelopeOnly bool   `json:"envelopeOnly"`
	Delay        string `json:"delay"`
	After        string `json:"after"`
	ForUser      string `json:"forUser"`
	ForToken     string `json:"forToken"`
	ForCode      string `json:"forCode"`
	OnCall       int    `json:"onCall"`
	Times        int    `json:"times"`
}

// The bounds of a script (see Script).
const (
	maxScript          = 1 << 20 // bytes of JSON
	maxScriptUsers     = 1000
	maxUserCredentials = 100
	maxScriptEntries   = 1000      // fault entries
	maxFaultTimes      = 1000      // "times" of one entry
	maxQueuedFaults    = 10_000    // the sum of "times" over the entries
	maxScriptDuration  = time.Hour // "delay" and "after"
)

// ParseScript reads a JSON script (at most 1 MiB) and checks its faults'
// kinds and fields. Endpoints are checked when the script is applied.
func ParseScript(r io.Reader) (*Script, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxScript+1))
	if err != nil {
		return nil, fmt.Errorf("reading the script: %w", err)
	}
	if len(b) > maxScript {
		return nil, errors.New("the script is larger than 1 MiB")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var sc Script
	if err := dec.Decode(&sc); err != nil {
		return nil, fmt.Errorf("the script is not valid: %w", err)
	}
	if dec.More() {
		return nil, errors.New("the script has data after its JSON object")
	}
	if err := sc.check(); err != nil {
		return nil, err
	}
	return &sc, nil
}

// check refuses a script past its bounds or with a fault that does not
// build, before anything is allocated for its faults.
func (sc *Script) check() error {
	if len(sc.Users) > maxScriptUsers {
		return fmt.Errorf("the script has %d users; at most %d", len(sc.Users), maxScriptUsers)
	}
	for i := range sc.Users {
		if n := len(sc.Users[i].Credentials); n > maxUserCredentials {
			return fmt.Errorf("user %d has %d credentials; at most %d", i+1, n, maxUserCredentials)
		}
	}
	if len(sc.Faults) > maxScriptEntries {
		return fmt.Errorf("the script has %d faults; at most %d", len(sc.Faults), maxScriptEntries)
	}
	queued := 0
	for i := range sc.Faults {
		sf := &sc.Faults[i]
		if _, err := sf.build(); err != nil {
			return fmt.Errorf("fault %d (%s): %w", i+1, sf.Endpoint, err)
		}
		if sf.Times > maxFaultTimes {
			return fmt.Errorf("fault %d (%s): \"times\" is %d; at most %d", i+1, sf.Endpoint, sf.Times, maxFaultTimes)
		}
		queued += max(sf.Times, 1)
	}
	if queued > maxQueuedFaults {
		return fmt.Errorf("the script queues %d faults; at most %d", queued, maxQueuedFaults)
	}
	return nil
}

// ApplyScript seeds the script's users, then injects its faults in order.
// A script past the bounds of Script is refused before anything is applied;
// otherwise it stops at the first fault Inject refuses and returns its error.
func (s *Server) ApplyScript(sc *Script) error {
	if err := sc.check(); err != nil {
		return err
	}
	for i := range sc.Users {
		u := &sc.Users[i]
		s.SeedUser(Profile{
			UID: u.UID, Nickname: u.Nickname, Name: u.Name, Email: u.Email, EmailVerified: u.EmailVerified,
			Phone: u.Phone, PhoneVerified: u.PhoneVerified, Picture: u.Picture, Claims: u.Claims,
		}, u.Credentials...)
	}
	for i := range sc.Faults {
		sf := &sc.Faults[i]
		f, err := sf.build()
		if err != nil {
			return fmt.Errorf("fault %d (%s): %w", i+1, sf.Endpoint, err)
		}
		faults := make([]Fault, max(sf.Times, 1))
		for j := range faults {
			faults[j] = f
		}
		if err := s.checkFaults(sf.Endpoint, faults); err != nil {
			return fmt.Errorf("fault %d: %w", i+1, err)
		}
		if err := s.Inject(sf.Endpoint, faults...); err != nil {
			return fmt.Errorf("fault %d: %w", i+1, err)
		}
	}
	return nil
}

// build makes the Fault a script entry describes.
func (sf *ScriptFault) build() (Fault, error) {
	var f Fault
	switch sf.Fault {
	case "failCode":
		if sf.Code == 0 {
			return f, errors.New(`failCode needs "code"`)
		}
		f = FailAPICode(sf.Code, sf.APICode)
	case "failOAuth":
		if sf.Status == 0 || sf.Error == "" {
			return f, errors.New(`failOAuth needs "status" and "error"`)
		}
		f = FailOAuth(sf.Status, sf.Error)
	case "gatewayHTML":
		f = GatewayHTML(orDefault(sf.Status, 502))
	case "httpStatus":
		if sf.Status == 0 {
			return f, errors.New(`httpStatus needs "status"`)
		}
		f = HTTPStatus(sf.Status, sf.RetryAfter)
	case "rateLimited":
		f = RateLimited(sf.RetryAfter)
		if sf.EnvelopeOnly {
			f = f.InEnvelopeOnly()
		}
	case "delay":
		d, err := duration("delay", sf.Delay)
		if err != nil || d == 0 {
			return f, errors.Join(errors.New(`delay needs "delay", e.g. "2s"`), err)
		}
		f = Delay(d)
	case "dropConnection":
		f = DropConnection()
	case "processThenDrop":
		f = ProcessThenDrop()
	case "processThenDelay":
		d, err := duration("delay", sf.Delay)
		if err != nil || d == 0 {
			return f, errors.Join(errors.New(`processThenDelay needs "delay", e.g. "2s"`), err)
		}
		f = ProcessThenDelay(d)
	case "":
		return f, errors.New(`"fault" is missing`)
	default:
		return f, fmt.Errorf("unknown fault %q (failCode, failOAuth, gatewayHTML, httpStatus, rateLimited, delay, dropConnection, processThenDrop, processThenDelay)", sf.Fault)
	}
	if sf.After != "" {
		d, err := duration("after", sf.After)
		if err != nil {
			return f, err
		}
		f = f.After(d)
	}
	if sf.OnCall < 0 || sf.Times < 0 {
		return f, errors.New(`"onCall" and "times" count from 1`)
	}
	if sf.ForUser != "" {
		f = f.ForUser(sf.ForUser)
	}
	if sf.ForToken != "" {
		f = f.ForToken(sf.ForToken)
	}
	if sf.ForCode != "" {
		f = f.ForCode(sf.ForCode)
	}
	if sf.OnCall > 0 {
		f = f.OnCall(sf.OnCall)
	}
	return f, nil
}

func duration(key, v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 || d > maxScriptDuration {
		return 0, fmt.Errorf("%q must be a duration such as \"250ms\" or \"2s\" of at most %s, not %q", key, maxScriptDuration, v)
	}
	return d, nil
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
