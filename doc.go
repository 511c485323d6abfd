// Package enduser logs end users in through social identity providers, over
// two server APIs, and returns one [Token] or one error type whatever the
// provider.
//
// The v2 end-user API (/v2/enduser/enduserapi/*) signs each login with
// SHA-256 over its fields and the user-domain secret ([Client.AppleLogin],
// [Client.TwitterLogin], …), then [Client.RefreshToken], [Client.UserInfo]
// and [Client.Logout]. GenAuth sign-in by mobile ([Client.SignInByMobile])
// exchanges the credential of one of the identity-source connections, each
// with its own payload type ([WechatPayload], [GooglePayload], …); its
// session goes through the app host's OpenID Connect endpoints
// ([Client.VerifyIDToken], [Client.Refresh], [Client.UserInfo],
// [Client.Introspect], [Client.Logout]).
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
// Options set the HTTP client, the timeout, the retry policy ([RetryPolicy]:
// codes are single-use), logging and a [Hook] (see module enduserotel).
//
// # Errors
//
// A failure reported by a server is an [*APIError] matching its code's
// sentinel (errors.Is(err, [ErrUserDomainNotFound]); GenAuth's statusCode
// and apiCode, e.g. [ErrGenAuthMFARequired]); a request rejected before it
// was sent a [*ValidationError] ([ErrInvalidRequest]); an answer that is
// not an envelope an [*UnexpectedResponseError]; no answer a
// [*TransportError], whose Written says whether the request may have
// reached the server. [Class] says what to do with any of them
// ([ClassReLogin], [ClassTemporary], [ClassRateLimited] with [RetryAfter]
// …).
//
// Errors, log records, Hook events and spans carry only the SDK's own text
// and closed-set values: never a credential or the server's message, which
// is data to read on purpose ([APIError.Message], scrubbed).
//
// # Tokens and testing
//
// A [TokenSource] refreshes a token of either family shortly before it
// expires, once however many goroutines ask; replicas share sessions
// through a [TokenStore]. [Token.Family] says which API issued a token, and
// every call that takes one sends it to that family's host only.
//
// Package endusertest is an in-process emulator of both APIs, strict like
// the real servers, that scripts failures for tests.
package enduser
