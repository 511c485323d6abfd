// Package enduser logs end users in through social identity providers, over
// two server APIs, and returns one [Token] or one error type whatever the
// provider.
//
// The v2 end-user API (/v2/enduser/enduserapi/*) signs each login with
// SHA-256 over its fields and the user-domain secret: [Client.TwitterLogin],
// [Client.AppleLogin], [Client.WechatOfficialAccountLogin],
// [Client.FacebookLogin], [Client.AlipayLogin] and
// [Client.WechatMiniProgramLogin], then [Client.RefreshToken] (or a
// [TokenSource]), [Client.UserInfo] and [Client.Logout].
//
// GenAuth sign-in by mobile ([Client.SignInByMobile]) exchanges the
// credential of one of thirty-two identity-source connections, each with its own
// payload type ([WechatPayload], [GooglePayload], …), authenticating the
// client as the app demands ([AuthNone], [AuthClientSecretPost],
// [AuthClientSecretBasic]). Its session goes through the app host's OpenID
// Connect endpoints: [Client.VerifyIDToken] tells who logged in (the id
// token's sub, verified with go-oidc), [Client.Refresh], [Client.UserInfo],
// [Client.Introspect] and [Client.Logout] (token revocation).
//
// # Usage
//
// Build one [Client] and share it between goroutines:
//
//	client, err := enduser.NewClient(enduser.Config{
//		BaseURL:          "https://iot-api.acceleronix.io",
//		UserDomain:       "E.SP.4294967410",
//		UserDomainSecret: secret,
//	})
//	tok, err := client.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: idToken})
//	req.Header.Set("Authorization", tok.AuthorizationHeader())
//
// # Configuration
//
// Choose the data center's host: https://iot-api.quectelcn.com (China) or
// https://iot-api.acceleronix.io (Europe); the server does not redirect
// between them, and a login whose MCC belongs elsewhere fails with
// [ErrMCCWrongDataCenter]. Plain http is accepted for loopback hosts only,
// unless [WithInsecureHTTP]. Options set the HTTP client ([WithHTTPClient]),
// a per-call timeout ([WithTimeout], 15 s by default), the retry policy
// ([WithRetry]: only requests that never left the process and 429 answers
// are retried, 503 only for reads: codes are single-use), logging ([WithLogger]), the
// response size limit, the clock and the v2 parameter transport
// ([WithQueryParams]).
//
// # Errors
//
// A failure reported by a server is an [*APIError]. For the v2 API its code
// is a [Code], and every documented code has a sentinel:
//
//	if errors.Is(err, enduser.ErrUserDomainNotFound) { … }  // code 5015
//	var apiErr *enduser.APIError
//	if errors.As(err, &apiErr) { log.Println(apiErr.Code, apiErr.Message) }
//
// GenAuth failures carry statusCode and apiCode and match the ErrGenAuth…
// sentinels ([GenAuthStatus], [APICode]), the groups that say what to do
// next ([ErrGenAuthMFARequired], [ErrGenAuthStepRequired],
// [ErrGenAuthUserLocked], [ErrGenAuthTenantDenied],
// [ErrGenAuthAppMisconfigured]) and [ErrRateLimited]; after MFA (1636) or
// a first login (1639) [APIError.Continuation] holds the token to continue
// with. A request rejected before it
// was sent is a [*ValidationError] matching [ErrInvalidRequest] and, where
// the server has a code for the same mistake, that code too. An answer that
// is not an envelope (a gateway's HTML page, a truncated body) is an
// [*UnexpectedResponseError] matching [ErrUnexpectedResponse]. No answer at
// all is a [*TransportError], whose Written says whether the request may
// have reached the server. No error, log record or printed value ever
// contains a secret.
//
// Every error belongs to one [ErrorClass], which says what to do:
//
//	switch enduser.Class(err) {
//	case enduser.ClassRateLimited: // wait enduser.RetryAfter(err)
//	case enduser.ClassReLogin:     // the session is over: log in again
//	case enduser.ClassTemporary:   // nothing was sent: the same request may be sent again
//	case enduser.ClassMaybeProcessed, enduser.ClassServer: // never resend the credential
//	}
//
// # Observability
//
// [WithHook] installs a [Hook] that sees every call, attempt and token
// refresh; the module github.com/seed1804ee03/enduser/enduserotel
// implements it with OpenTelemetry traces and metrics.
//
// # Tokens
//
// [Token.Expiry] is absolute (v2 sends epoch seconds, GenAuth a lifetime the
// client adds to its clock). v2 access tokens arrive already prefixed with
// "Bearer "; [Token.AuthorizationHeader] gives the exact header value for
// either family. A [TokenSource] refreshes a token of either family
// shortly before it expires, once however many goroutines ask;
// [ErrTokenInvalid] from it means the user must log in again. Replicas of a
// service share a session through a [TokenStore] and
// [Client.SharedTokenSource]: one refresh per expiry across all of them.
//
// [Token.Family] says which API issued a token, and every call that takes
// one ([Client.Refresh], [Client.UserInfo], [Client.Logout],
// [Client.Introspect]) sends it to that family's host only. A token stored
// without a family is told by its content (a "Bearer " access token is v2,
// an id token or scope GenAuth), else by the one configured family, else
// refused before anything is sent.
//
// # Testing
//
// Package endusertest is an in-process emulator of both APIs and of the
// GenAuth app's OIDC endpoints: it checks signatures, required fields,
// client authentication, single-use codes and rotating refresh tokens like
// the real servers, signs real id tokens, seeds user profiles, and scripts
// failures aimed at an endpoint (named by its Op constant), a user, a token,
// a code or the n-th call: among them a call processed and then dropped.
//
//	srv := endusertest.NewServer(t)
//	client, _ := enduser.NewClient(srv.Config())
//	srv.Inject(enduser.OpAppleLogin, endusertest.FailCode(5567))
//	srv.Inject(enduser.OpRefreshToken, endusertest.ProcessThenDrop())
//
// To mock at the HTTP level instead, give the client an *http.Client on an
// httpmock.MockTransport with [WithHTTPClient]; never activate httpmock's
// global transport.
package enduser
