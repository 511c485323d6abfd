package enduserotel_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/enduserotel"
	"github.com/seed1804ee03/enduser/endusertest"
	"github.com/seed1804ee03/enduser/internal/hostile"
)

var bg = context.Background()

// telemetry is an OpenTelemetry SDK whose spans and metrics stay in memory.
type telemetry struct {
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	hook   *enduserotel.Hook
}

func newTelemetry(t *testing.T) *telemetry {
	t.Helper()
	tel := &telemetry{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tel.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(tel.reader))
	t.Cleanup(func() { _ = tp.Shutdown(bg); _ = mp.Shutdown(bg) })
	h, err := enduserotel.NewHook(enduserotel.WithTracerProvider(tp), enduserotel.WithMeterProvider(mp))
	require.NoError(t, err)
	tel.hook = h
	return tel
}

func (tel *telemetry) client(t *testing.T, cfg enduser.Config, opts ...enduser.Option) *enduser.Client {
	t.Helper()
	fast := enduser.WithRetry(enduser.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond})
	c, err := enduser.NewClient(cfg, append([]enduser.Option{enduser.WithHook(tel.hook), fast}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func (tel *telemetry) metrics(t *testing.T) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, tel.reader.Collect(bg, &rm))
	return rm
}

// find returns the metric named name.
func find(t *testing.T, rm metricdata.ResourceMetrics, name string) metricdata.Metrics {
	t.Helper()
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				return m
			}
		}
	}
	t.Fatalf("no metric %s", name)
	return metricdata.Metrics{}
}

// sums returns a counter's values by the attribute set's encoding.
func sums(t *testing.T, m metricdata.Metrics) map[string]int64 {
	t.Helper()
	sum, ok := m.Data.(metricdata.Sum[int64])
	require.True(t, ok, "%s is a counter", m.Name)
	out := map[string]int64{}
	for _, dp := range sum.DataPoints {
		out[dp.Attributes.Encoded(attribute.DefaultEncoder())] += dp.Value
	}
	return out
}

// histCounts returns a histogram's counts by the attribute set's encoding.
func histCounts(t *testing.T, m metricdata.Metrics) map[string]uint64 {
	t.Helper()
	h, ok := m.Data.(metricdata.Histogram[float64])
	require.True(t, ok, "%s is a histogram", m.Name)
	out := map[string]uint64{}
	for _, dp := range h.DataPoints {
		out[dp.Attributes.Encoded(attribute.DefaultEncoder())] += dp.Count
	}
	return out
}

func attrs(kvs []attribute.KeyValue) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range kvs {
		m[kv.Key] = kv.Value
	}
	return m
}

func TestOneSpanPerCallWithAttemptEvents(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	srv.Inject(enduser.OpAppleLogin, endusertest.RateLimited("0"))
	tel := newTelemetry(t)
	c := tel.client(t, srv.Config())

	_, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "IDTOKEN-otel"})
	require.NoError(t, err)

	spans := tel.spans.Ended()
	require.Len(t, spans, 1, "one span per call, retries included")
	s := spans[0]
	assert.Equal(t, enduser.OpAppleLogin, s.Name())
	assert.Equal(t, trace.SpanKindClient, s.SpanKind())
	assert.Equal(t, codes.Unset, s.Status().Code)
	a := attrs(s.Attributes())
	assert.Equal(t, "POST", a["http.request.method"].AsString())
	assert.Equal(t, "127.0.0.1", a["server.address"].AsString())
	assert.Positive(t, a["server.port"].AsInt64())
	assert.Equal(t, int64(200), a["http.response.status_code"].AsInt64())
	assert.Equal(t, int64(1), a["http.request.resend_count"].AsInt64())
	assert.Equal(t, int64(2), a["enduser.attempts"].AsInt64())
	assert.Equal(t, "v2", a["enduser.family"].AsString())
	assert.Equal(t, "none", a["enduser.class"].AsString())
	assert.NotContains(t, a, attribute.Key("error.type"))

	ev := s.Events()
	require.Len(t, ev, 2)
	first, second := attrs(ev[0].Attributes), attrs(ev[1].Attributes)
	assert.Equal(t, "attempt", ev[0].Name)
	assert.Equal(t, int64(1), first["enduser.attempt"].AsInt64())
	assert.Equal(t, int64(429), first["http.response.status_code"].AsInt64())
	assert.Equal(t, "rate_limited", first["enduser.class"].AsString())
	assert.True(t, first["enduser.retry"].AsBool())
	assert.Equal(t, int64(2), second["enduser.attempt"].AsInt64())
	assert.Equal(t, int64(200), second["http.response.status_code"].AsInt64())
	assert.Equal(t, int64(200), second["enduser.code"].AsInt64())
	assert.NotContains(t, second, attribute.Key("enduser.retry"))

	rm := tel.metrics(t)
	assert.Equal(t, map[string]uint64{"enduser.class=none,enduser.family=v2,enduser.op=appleAuthLogin": 1},
		histCounts(t, find(t, rm, "enduser.call.duration")))
	assert.Equal(t, map[string]int64{"enduser.class=rate_limited,enduser.family=v2,enduser.op=appleAuthLogin": 1},
		sums(t, find(t, rm, "enduser.call.retries")))
}

func TestFailedCallSpanAndMetrics(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	srv.Inject(enduser.OpAppleLogin, endusertest.FailCode(5420))
	srv.Inject(enduser.OpSignInByMobile, endusertest.FailAPICode(403, 2130010))
	tel := newTelemetry(t)
	c := tel.client(t, srv.Config())

	_, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "IDTOKEN-otel"})
	require.ErrorIs(t, err, enduser.ErrSignatureInvalid)
	_, err = c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "wechat", Payload: enduser.WechatPayload{Code: "CODE-otel"}})
	require.ErrorIs(t, err, enduser.ErrGenAuthTenantDenied)

	spans := tel.spans.Ended()
	require.Len(t, spans, 2)
	v2, ga := attrs(spans[0].Attributes()), attrs(spans[1].Attributes())
	assert.Equal(t, codes.Error, spans[0].Status().Code)
	assert.Equal(t, "misconfigured", spans[0].Status().Description)
	assert.Equal(t, "misconfigured", v2["error.type"].AsString())
	assert.Equal(t, int64(5420), v2["enduser.code"].AsInt64())
	assert.Equal(t, enduser.OpSignInByMobile, spans[1].Name())
	assert.Equal(t, "denied", ga["error.type"].AsString())
	assert.Equal(t, int64(403), ga["enduser.code"].AsInt64())
	assert.Equal(t, int64(2130010), ga["enduser.api_code"].AsInt64())
	assert.Equal(t, "genauth", ga["enduser.family"].AsString())

	assert.Equal(t, map[string]uint64{
		"enduser.class=misconfigured,enduser.family=v2,enduser.op=appleAuthLogin": 1,
		"enduser.class=denied,enduser.family=genauth,enduser.op=signin-by-mobile": 1,
	}, histCounts(t, find(t, tel.metrics(t), "enduser.call.duration")))
}

func TestRefreshIsCounted(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	tel := newTelemetry(t)
	c := tel.client(t, srv.Config())
	tok, err := c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "IDTOKEN-otel"})
	require.NoError(t, err)

	ts := c.TokenSource(tok, enduser.WithExpiryLeeway(1000*time.Hour)) // every Token call refreshes
	_, err = ts.Token(bg)
	require.NoError(t, err)
	srv.Inject(enduser.OpRefreshToken, endusertest.FailCode(5032))
	_, err = ts.Token(bg)
	require.ErrorIs(t, err, enduser.ErrTokenInvalid)

	assert.Equal(t, map[string]int64{
		"enduser.class=none,enduser.family=v2":    1,
		"enduser.class=relogin,enduser.family=v2": 1,
	}, sums(t, find(t, tel.metrics(t), "enduser.token.refreshes")))
	names := []string{}
	for _, s := range tel.spans.Ended() {
		names = append(names, s.Name())
	}
	assert.Equal(t, []string{"appleAuthLogin", "refreshToken", "refreshToken"}, names)
}

func TestCallerSpanIsTheParent(t *testing.T) {
	t.Parallel()
	srv := endusertest.NewServer(t)
	tel := newTelemetry(t)
	c := tel.client(t, srv.Config())
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tel.spans))
	ctx, parent := tp.Tracer("test").Start(bg, "handler")
	_, err := c.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: "IDTOKEN-otel"})
	require.NoError(t, err)
	parent.End()
	spans := tel.spans.Ended()
	require.Len(t, spans, 2)
	assert.Equal(t, parent.SpanContext().SpanID(), spans[0].Parent().SpanID())
	assert.Equal(t, parent.SpanContext().TraceID(), spans[0].SpanContext().TraceID())
}

func TestNoopProviders(t *testing.T) {
	t.Parallel()
	h, err := enduserotel.NewHook(enduserotel.WithTracerProvider(tracenoop.NewTracerProvider()),
		enduserotel.WithMeterProvider(metricnoop.NewMeterProvider()), nil)
	require.NoError(t, err)
	srv := endusertest.NewServer(t)
	c, err := enduser.NewClient(srv.Config(), enduser.WithHook(h))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	_, err = c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "IDTOKEN-otel"})
	require.NoError(t, err)
}

// TestNoSecretInTelemetry runs calls of both families, successful and
// failing, and refreshes, then greps everything exported (span names,
// attributes, events, statuses, metric data points) for every secret,
// credential and token.
func TestNoSecretInTelemetry(t *testing.T) {
	t.Parallel()
	const (
		udSecret  = "LEAK-ud-secret-otel"
		appSecret = "LEAK-app-secret-otel"
	)
	srv := endusertest.NewServer(t, endusertest.WithUserDomain("E.SP.77", udSecret),
		endusertest.WithGenAuthApp("otel-app-id", appSecret, enduser.AuthClientSecretPost))
	tel := newTelemetry(t)
	secrets := []string{udSecret, appSecret}
	n := 0
	cred := func(kind string) string {
		n++
		s := fmt.Sprintf("LEAK-%s-%04d", kind, n)
		secrets = append(secrets, s)
		return s
	}
	for _, query := range []bool{false, true} {
		var opts []enduser.Option
		if query {
			opts = append(opts, enduser.WithQueryParams())
		}
		c := tel.client(t, srv.Config(), opts...)
		faults := []endusertest.Fault{{}, endusertest.FailCode(5420), endusertest.GatewayHTML(502), endusertest.HTTPStatus(429, "0"), endusertest.DropConnection()}
		for _, fault := range faults {
			inject := func(ep string) {
				if fault != (endusertest.Fault{}) {
					srv.Inject(ep, fault, fault, fault)
				}
			}
			tw := enduser.TwitterLoginRequest{AppID: "tw-app", OAuthToken: cred("ot"), OAuthTokenSecret: cred("ots")}
			secrets = append(secrets, enduser.Sign(udSecret, tw.AppID, tw.OAuthToken, tw.OAuthTokenSecret))
			inject(enduser.OpTwitterLogin)
			tok, _ := c.TwitterLogin(bg, tw)
			inject(enduser.OpSignInByMobile)
			mtok, _ := c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "wechat",
				Payload: enduser.WechatPayload{Code: cred("wxcode")}, Options: &enduser.MobileSignInOptions{Scope: "openid offline_access"}})
			for _, tk := range []*enduser.Token{tok, mtok} {
				if tk == nil {
					continue
				}
				secrets = append(secrets, tk.AccessToken, strings.TrimPrefix(tk.AccessToken, "Bearer "), tk.RefreshToken, tk.IDToken)
				inject(enduser.OpUserInfo)
				_, _ = c.UserInfo(bg, tk)
				ts := c.TokenSource(tk, enduser.WithExpiryLeeway(1000*time.Hour))
				inject(enduser.OpRefreshToken)
				if fresh, err := ts.Token(bg); err == nil {
					secrets = append(secrets, fresh.AccessToken, fresh.RefreshToken, fresh.IDToken)
				}
			}
		}
	}

	var out strings.Builder
	spans := tel.spans.Ended()
	require.Greater(t, len(spans), 20)
	for _, s := range spans {
		fmt.Fprintf(&out, "%s %v %v %v\n", s.Name(), s.Attributes(), s.Status(), s.Resource())
		for _, e := range s.Events() {
			fmt.Fprintf(&out, "%s %v\n", e.Name, e.Attributes)
		}
		for _, l := range s.Links() {
			fmt.Fprintf(&out, "%v\n", l.Attributes)
		}
	}
	rm := tel.metrics(t)
	b, err := json.Marshal(rm)
	require.NoError(t, err)
	out.Write(b)
	fmt.Fprintf(&out, "%+v", rm)
	all := out.String()
	assert.Contains(t, all, "twitterAuthLogin", "sanity: the data is there")
	for _, s := range secrets {
		if s != "" && strings.Contains(all, s) {
			t.Errorf("secret %q leaked into telemetry", s)
		}
	}
}

// BenchmarkHookOverhead measures a v2 login over loopback with no hook, with
// enduser.NopHook, and with this package's hook on no-op providers (what a
// service without an OpenTelemetry SDK configured runs), and with recording
// SDK providers. The sub-benchmarks alternate within each -count round, so
// their ratios come from the same run (BENCHMARKS.md).
func BenchmarkHookOverhead(b *testing.B) {
	// A fixed answer, so that the server's share of each op is small and the
	// hook's share as large as it gets.
	const login = `{"code":200,"msg":"ok","data":{"accessToken":{"token":"Bearer a","expirationTime":4102444800},"refreshToken":{"token":"r","expirationTime":4102444800}}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, login)
	}))
	b.Cleanup(srv.Close)
	cfg := enduser.Config{BaseURL: srv.URL, UserDomain: "E.SP.1", UserDomainSecret: "bench-secret"}
	otelNoop, err := enduserotel.NewHook(enduserotel.WithTracerProvider(tracenoop.NewTracerProvider()),
		enduserotel.WithMeterProvider(metricnoop.NewMeterProvider()))
	require.NoError(b, err)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tracetest.NewSpanRecorder()),
		sdktrace.WithSampler(sdktrace.NeverSample()))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() { _ = tp.Shutdown(bg); _ = mp.Shutdown(bg) })
	otelSDK, err := enduserotel.NewHook(enduserotel.WithTracerProvider(tp), enduserotel.WithMeterProvider(mp))
	require.NoError(b, err)

	for _, bc := range []struct {
		name string
		opts []enduser.Option
	}{
		{"none", nil},
		{"nop", []enduser.Option{enduser.WithHook(enduser.NopHook{})}},
		{"otel-noop", []enduser.Option{enduser.WithHook(otelNoop)}},
		{"otel-sdk-unsampled", []enduser.Option{enduser.WithHook(otelSDK)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c, err := enduser.NewClient(cfg, bc.opts...)
			require.NoError(b, err)
			b.Cleanup(c.CloseIdleConnections)
			req := enduser.AppleLoginRequest{IdentityToken: "IDTOKEN-bench"}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.AppleLogin(bg, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHookCalls measures what one call costs in hook calls alone
// (CallStart, one Attempt, CallEnd): the additive part of the overhead.
func BenchmarkHookCalls(b *testing.B) {
	otelNoop, err := enduserotel.NewHook(enduserotel.WithTracerProvider(tracenoop.NewTracerProvider()),
		enduserotel.WithMeterProvider(metricnoop.NewMeterProvider()))
	require.NoError(b, err)
	info := enduser.CallInfo{Op: enduser.OpAppleLogin, Family: enduser.FamilyV2, Method: "POST", Host: "127.0.0.1:8080"}
	for _, bc := range []struct {
		name string
		h    enduser.Hook
	}{{"nop", enduser.NopHook{}}, {"otel-noop", otelNoop}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ctx := bc.h.CallStart(bg, info)
				bc.h.Attempt(ctx, enduser.AttemptInfo{CallInfo: info, Attempt: 1, Duration: time.Millisecond, HTTPStatus: 200, Code: 200})
				bc.h.CallEnd(ctx, enduser.CallEndInfo{CallInfo: info, Attempts: 1, Duration: time.Millisecond, HTTPStatus: 200, Code: 200})
			}
		})
	}
}

// TestNoEchoedSecretInSpans: a hostile server answers every call of both
// families with a failure that echoes each credential it was sent, in each
// of hostile.Encodings in turn (hex, base32, reversed, UTF-16LE, halves
// across fields, base64 of base64 …), in every text field of the envelope
// and in a page. No span attribute, event or status, and no metric, holds
// any of them: spans carry only closed-set values. The echoes did reach
// the errors' data fields (Message, ExtMsg, Excerpt), which a span that
// recorded them would have leaked.
func TestNoEchoedSecretInSpans(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var secrets []string
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		creds := hostile.Credentials(r, body)
		mu.Lock()
		secrets = append(secrets, creds...)
		enc := hostile.Encodings[n%len(hostile.Encodings)]
		n++
		mu.Unlock()
		var first, second []string
		for _, c := range creds {
			f, s, _ := strings.Cut(enc.Encode(c), hostile.HalfSplit)
			first, second = append(first, f), append(second, s)
		}
		js := func(parts []string) string { j, _ := json.Marshal(strings.Join(parts, " ; ") + " ;"); return string(j) }
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasPrefix(r.URL.Path, "/v2/"):
			fmt.Fprintf(w, `{"code":5000,"msg":%s,"extMsg":%s}`, js(first), js(second))
		case strings.HasPrefix(r.URL.Path, "/oidc/"):
			w.WriteHeader(400)
			fmt.Fprintf(w, `{"error":%s,"error_description":%s}`, js(second), js(first))
		case n%2 == 0:
			w.Header().Set("Content-Type", "text/html; echo="+url.QueryEscape(strings.Join(second, "")))
			w.WriteHeader(502)
			_, _ = io.WriteString(w, "<html>"+strings.Join(first, " ; ")+"</html>")
		default:
			fmt.Fprintf(w, `{"statusCode":400,"message":%s,"apiCode":2011,"requestId":%s}`, js(first), js(second))
		}
	}))
	t.Cleanup(srv.Close)
	tel := newTelemetry(t)
	cfg := enduser.Config{BaseURL: srv.URL, UserDomain: "E.SP.7", UserDomainSecret: "SPAN-ud-secret-0001",
		GenAuth: enduser.GenAuthConfig{Host: srv.URL, AppID: "span-app", AppSecret: "SPAN-app-secret-0002", AuthMethod: enduser.AuthClientSecretPost}}
	v2Tok := &enduser.Token{Family: enduser.FamilyV2, AccessToken: "Bearer SPAN-v2-access-0003", RefreshToken: "SPAN-v2-refresh-0004"}
	gaTok := &enduser.Token{Family: enduser.FamilyGenAuth, AccessToken: "SPAN-ga-access-0005", TokenType: "Bearer",
		RefreshToken: "SPAN-ga-refresh-0006", IDToken: "SPAN-ga-id-0007"}
	var fields strings.Builder
	for _, query := range []bool{false, true} {
		var opts []enduser.Option
		if query {
			opts = append(opts, enduser.WithQueryParams())
		}
		c := tel.client(t, cfg, opts...)
		var errs []error
		add := func(_ any, err error) { errs = append(errs, err) }
		for range 2 { // twice: each call meets more encodings
			add(c.TwitterLogin(bg, enduser.TwitterLoginRequest{AppID: "tw", OAuthToken: "SPAN-ot-0008", OAuthTokenSecret: "SPAN-ots-0009"}))
			add(c.AppleLogin(bg, enduser.AppleLoginRequest{IdentityToken: "SPAN-idt-0010"}))
			add(c.RefreshToken(bg, "SPAN-rt-0011"))
			add(c.UserInfo(bg, v2Tok))
			add(nil, c.Logout(bg, v2Tok, "device-1"))
			add(c.SignInByMobile(bg, enduser.MobileSignInRequest{ExtIdpConnIdentifier: "conn",
				Payload: enduser.WechatPayload{Code: "SPAN-wx-0012"}}))
			add(c.Refresh(bg, gaTok))
			add(c.UserInfo(bg, gaTok))
			add(c.Introspect(bg, gaTok))
			add(nil, c.Logout(bg, gaTok, ""))
		}
		for _, err := range errs {
			require.Error(t, err)
			var ae *enduser.APIError
			var ue *enduser.UnexpectedResponseError
			switch {
			case errors.As(err, &ae):
				fields.WriteString(ae.Message + " " + ae.ExtMsg + " " + ae.OAuthError + "\n")
			case errors.As(err, &ue):
				fields.WriteString(ue.Excerpt + " " + ue.ContentType + "\n")
			}
		}
	}
	var out strings.Builder
	spans := tel.spans.Ended()
	require.NotEmpty(t, spans)
	for _, s := range spans {
		fmt.Fprintf(&out, "%s %v %v\n", s.Name(), s.Attributes(), s.Status())
		for _, e := range s.Events() {
			fmt.Fprintf(&out, "%s %v\n", e.Name, e.Attributes)
		}
	}
	b, err := json.Marshal(tel.metrics(t))
	require.NoError(t, err)
	out.Write(b)
	mu.Lock()
	defer mu.Unlock()
	require.Greater(t, len(secrets), 20, "the server saw the credentials")
	assert.Contains(t, out.String(), enduser.OpTwitterLogin, "sanity: the spans are there")
	assert.Empty(t, hostile.Leaks(out.String(), secrets), "spans and metrics")
	assert.NotEmpty(t, hostile.Leaks(fields.String(), secrets), "the echoes reached the data fields: a span that recorded them would leak")
}
