package enduser

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser/internal/connections"
)

// wireBody is the sign-in body as encoding/json writes the generated wire
// struct: what mobileBody appends by hand must equal it byte for byte.
func wireBody(c *Client, r MobileSignInRequest) ([]byte, error) {
	opts := r.Options
	if opts != nil && opts.Scope == "" && len(opts.Context) == 0 && opts.TenantID == "" && len(opts.CustomData) == 0 {
		opts = nil
	}
	w := mobileWire{ExtIdpConnIdentifier: r.ExtIdpConnIdentifier, Connection: r.Payload.Connection(), Options: opts}
	r.Payload.setWire(&w)
	if c.genAuth.AuthMethod == AuthClientSecretPost {
		w.ClientID, w.ClientSecret = c.genAuth.AppID, c.keys().appSecret
	}
	return json.Marshal(&w)
}

// hostileText needs every kind of escape encoding/json makes.
const hostileText = "a\"b\\c<d>e&f\x01\tg\u2028h\u00e9\U0001F600\xffi"

// texts are values each needing one kind of escape, then all of them.
var texts = []string{"plain-value_1.~", `a"b`, `a\b`, "a<b", "a>b", "a&b", "a\x1fb", "a\nb", "a\u2028b", "a\u00e9b", "a\xffb", "a\x7fb", hostileText}

// filled is the wire JSON of a payload with every field set: strings to
// plain or hostile text, booleans true, nested objects filled.
func filled(fields []connections.Field, text string) map[string]any {
	var bit uint
	return sparse(fields, text, ^uint(0), &bit)
}

// TestMobileBodyIsTheWireStruct: for every connection, plain and hostile
// values, every options shape and every client authentication method, the
// appended body equals encoding/json's encoding of the wire struct.
func TestMobileBodyIsTheWireStruct(t *testing.T) {
	options := []*MobileSignInOptions{
		nil,
		{},
		{Scope: "openid profile"},
		{Scope: "openid", Context: map[string]any{"k": hostileText, "n": 1.5}, TenantID: hostileText, CustomData: map[string]any{"<x>": []int{1}}},
	}
	for _, method := range []ClientAuthMethod{AuthNone, AuthClientSecretPost, AuthClientSecretBasic} {
		cfg := Config{GenAuth: GenAuthConfig{Host: "https://genauth.example.test", AppID: "app<&>1", AppSecret: "sec\"ret\u00e9", AuthMethod: method}}
		c, err := NewClient(cfg)
		require.NoError(t, err)
		for _, row := range connections.All() {
			for _, text := range texts {
				wire, err := json.Marshal(filled(row.Fields, text))
				require.NoError(t, err)
				p, err := ParseMobilePayload(Connection(row.Name), wire)
				require.NoError(t, err, row.Name)
				for _, o := range options {
					r := MobileSignInRequest{ExtIdpConnIdentifier: "conn-" + text, Payload: p, Options: o}
					want, err := wireBody(c, r)
					require.NoError(t, err)
					got, err := c.mobileBody(r)
					require.NoError(t, err)
					assert.Equal(t, string(want), string(got), "%s, %v, options %+v", row.Name, method, o)
				}
			}
		}
	}
}

// sparse is the wire JSON of a payload whose optional fields (strings and
// booleans, nested ones included) are each set or left out by one bit of
// mask, taken in order from *bit; required strings and objects are set.
func sparse(fields []connections.Field, text string, mask uint, bit *uint) map[string]any {
	m := map[string]any{}
	for _, f := range fields {
		optional := f.Kind == connections.KindBool || f.Kind == connections.KindString && !f.Required
		if optional {
			*bit++
			if mask&(1<<(*bit-1)) == 0 {
				continue
			}
		}
		switch f.Kind {
		case connections.KindString:
			m[f.JSON] = text
		case connections.KindBool:
			m[f.JSON] = true
		case connections.KindObject:
			m[f.JSON] = sparse(f.Object.Fields, text, mask, bit)
		}
	}
	return m
}

// TestMobileBodyOmitsWhatEncodingJSONOmits: for every connection and every
// choice of its optional fields set or empty, the payload appended by its
// generated appendJSON equals encoding/json's encoding of the wire struct,
// the empty optional fields left out in the same places. Choices the
// sign-in refuses (an either-or rule with neither set) are a
// ValidationError; every connection has a choice that is accepted.
func TestMobileBodyOmitsWhatEncodingJSONOmits(t *testing.T) {
	c, err := NewClient(Config{GenAuth: GenAuthConfig{Host: "https://genauth.example.test", AppID: "app"}})
	require.NoError(t, err)
	for _, row := range connections.All() {
		var optional uint
		sparse(row.Fields, "", 0, &optional)
		accepted := 0
		for mask := uint(0); mask < 1<<optional; mask++ {
			for _, text := range []string{"plain-value_1.~", hostileText} {
				var bit uint
				wire, err := json.Marshal(sparse(row.Fields, text, mask, &bit))
				require.NoError(t, err)
				p, err := ParseMobilePayload(Connection(row.Name), wire)
				require.NoError(t, err, row.Name)
				r := MobileSignInRequest{ExtIdpConnIdentifier: "conn", Payload: p}
				got, err := c.mobileBody(r)
				if err != nil {
					var ve *ValidationError
					require.ErrorAs(t, err, &ve, "%s %s", row.Name, wire)
					continue
				}
				accepted++
				want, err := wireBody(c, r)
				require.NoError(t, err)
				assert.Equal(t, string(want), string(got), "%s, mask %b", row.Name, mask)
			}
		}
		assert.Positive(t, accepted, row.Name)
	}
}

// TestMobileBodyRefusesUnencodableOptions: options encoding/json cannot
// encode are a ValidationError naming the field, as before.
func TestMobileBodyRefusesUnencodableOptions(t *testing.T) {
	c, err := NewClient(Config{GenAuth: GenAuthConfig{Host: "https://genauth.example.test", AppID: "app"}})
	require.NoError(t, err)
	for field, o := range map[string]*MobileSignInOptions{
		"options.context":    {Context: map[string]any{"f": func() {}}},
		"options.customData": {CustomData: map[string]any{"c": make(chan int)}},
	} {
		_, err := c.mobileBody(MobileSignInRequest{ExtIdpConnIdentifier: "x", Payload: WechatPayload{Code: "c"}, Options: o})
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, field)
		assert.Equal(t, field, ve.Field)
	}
}

// BenchmarkMobileBody: the appended body ("sdk") against encoding/json on
// the 37-field wire struct ("raw", what the SDK did before).
func BenchmarkMobileBody(b *testing.B) {
	c, err := NewClient(Config{GenAuth: GenAuthConfig{Host: "https://genauth.example.test", AppID: "6063fb2f3c0000000000aaaa"}})
	require.NoError(b, err)
	r := MobileSignInRequest{ExtIdpConnIdentifier: "wechat-mobile", Payload: WechatPayload{Code: "081AbCdEf0GhIjKl1MnOp2QrSt3UvWx"}}
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.mobileBody(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := wireBody(c, r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
