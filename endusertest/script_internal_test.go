package endusertest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScriptBounds: a script past a stated bound is an error from
// ParseScript and from ApplyScript, never a panic or an allocation sized by
// the input; a script at the bound is accepted.
func TestScriptBounds(t *testing.T) {
	t.Parallel()
	fault := func(times int) string {
		return fmt.Sprintf(`{"endpoint":"refreshToken","fault":"processThenDrop","times":%d}`, times)
	}
	faults := func(n, times int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fault(times)
		}
		return `{"faults":[` + strings.Join(parts, ",") + `]}`
	}
	user := func(creds int) string {
		c := make([]string, creds)
		for i := range c {
			c[i] = fmt.Sprintf("%q", fmt.Sprint("cred-", i))
		}
		return `{"uid":"u","credentials":[` + strings.Join(c, ",") + `]}`
	}
	users := func(n int) string { return `{"users":[` + strings.Repeat(user(1)+",", n-1) + user(1) + `]}` }
	tests := []struct {
		name   string
		script string
		ok     bool
	}{
		{"times at the bound", faults(1, maxFaultTimes), true},
		{"times past the bound", faults(1, maxFaultTimes+1), false},
		{"times 50,000,000 in a small file", faults(1, 50_000_000), false},
		{"times 10^15", faults(1, 1_000_000_000_000_000), false},
		{"times past the int range", `{"faults":[` + strings.Replace(fault(1), `"times":1`, `"times":1e30`, 1) + `]}`, false},
		{"queued faults at the bound", faults(maxQueuedFaults/maxFaultTimes, maxFaultTimes), true},
		{"queued faults past the bound", faults(maxQueuedFaults/maxFaultTimes+1, maxFaultTimes), false},
		{"entries past the bound", faults(maxScriptEntries+1, 1), false},
		{"users at the bound", users(maxScriptUsers), true},
		{"users past the bound", users(maxScriptUsers + 1), false},
		{"credentials past the bound", `{"users":[` + user(maxUserCredentials+1) + `]}`, false},
		{"credentials at the bound", `{"users":[` + user(maxUserCredentials) + `]}`, true},
		{"delay past the bound", `{"faults":[{"endpoint":"refreshToken","fault":"delay","delay":"` + (maxScriptDuration + 1).String() + `"}]}`, false},
		{"after past the bound", `{"faults":[{"endpoint":"refreshToken","fault":"processThenDrop","after":"1000000h"}]}`, false},
		{"size past the bound", `{"users":[],"faults":[]}` + strings.Repeat(" ", maxScript), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc, err := ParseScript(strings.NewReader(tt.script))
			if !tt.ok {
				require.Error(t, err)
				assert.Nil(t, sc)
				return
			}
			require.NoError(t, err)
			srv := NewServer(t)
			require.NoError(t, srv.ApplyScript(sc))
		})
	}
}

// TestApplyScriptBounds: a Script built in Go past a bound is refused by
// ApplyScript before anything is queued.
func TestApplyScriptBounds(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	sc := &Script{Faults: []ScriptFault{
		{Endpoint: "refreshToken", Fault: "processThenDrop"},
		{Endpoint: "refreshToken", Fault: "processThenDrop", Times: 1_000_000_000_000_000},
	}}
	require.Error(t, srv.ApplyScript(sc))
	assert.Zero(t, srv.Pending("refreshToken"), "nothing of a refused script is applied")
}

// FuzzParseScript feeds arbitrary bytes to the script parser: it never
// panics, and a script it accepts applies to a server within the bounds.
func FuzzParseScript(f *testing.F) {
	for _, seed := range []string{
		`{"faults":[{"endpoint":"refreshToken","fault":"processThenDrop","times":3}]}`,
		`{"faults":[{"endpoint":"refreshToken","fault":"delay","delay":"1ms","times":1000000000000000}]}`,
		`{"users":[{"uid":"u","credentials":["c"]}],"faults":[{"endpoint":"appleAuthLogin","fault":"failCode","code":5104,"forUser":"u"}]}`,
		`{"faults":[{"endpoint":"oidc/token","fault":"failOAuth","status":400,"error":"invalid_grant","onCall":2}]}`,
		`{"faults":[{"endpoint":"nope","fault":"rateLimited","retryAfter":"30","envelopeOnly":true}]}`,
		`{} {}`, `[]`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sc, err := ParseScript(strings.NewReader(string(b)))
		if err != nil {
			return
		}
		queued := 0
		for i := range sc.Faults {
			queued += max(sc.Faults[i].Times, 1)
		}
		if queued > maxQueuedFaults || len(sc.Users) > maxScriptUsers {
			t.Fatalf("accepted a script past its bounds: %d faults, %d users", queued, len(sc.Users))
		}
		srv, err := Start()
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		_ = srv.ApplyScript(sc) // an unknown endpoint is an error, not a panic
	})
}
