// Package downstream is the reference for a service on the SDK: its login,
// /me and logout handlers on one enduser.Sessions per process, SDK errors
// answered with enduser.HTTPStatus, and its tests in the three styles a
// service uses (see README.md): against the endusertest emulator, with
// httpmock on the SDK's *http.Client, and handler unit tests with
// endusertest.FakeSessions.
package downstream

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/seed1804ee03/enduser"
)

// Sessions is what the handlers need of an *enduser.Sessions (build one per
// process with Client.Sessions); endusertest.FakeSessions in unit tests.
type Sessions interface {
	Start(ctx context.Context, key string, t *enduser.Token) error
	Token(ctx context.Context, key string) (*enduser.Token, error)
	ForceRefresh(ctx context.Context, key string, rejected *enduser.Token) (*enduser.Token, error)
	End(ctx context.Context, key string) error
}

// Platform is what the handlers need of an *enduser.Client: a v2 login
// (Apple), a GenAuth sign-in (WeChat on mobile) whose id token names the
// user, and the user's profile.
type Platform interface {
	AppleLogin(ctx context.Context, req enduser.AppleLoginRequest) (*enduser.Token, error)
	SignInByMobile(ctx context.Context, req enduser.MobileSignInRequest) (*enduser.Token, error)
	VerifyIDToken(ctx context.Context, rawIDToken string) (*enduser.IDToken, error)
	UserInfo(ctx context.Context, t *enduser.Token) (*enduser.UserInfo, error)
}

// WechatConnection is the identifier of the GenAuth app's WeChat identity
// source that POST /login signs in with.
const WechatConnection = "wechat"

// Handler serves a service's three session endpoints:
//
//	POST /login   {"IdentityToken": "..."} (Apple, v2) or {"WechatCode": "..."} (GenAuth):
//	              the session starts under the user's id, set in the "uid" cookie (204)
//	GET  /me      the user's profile as JSON; a token the platform refuses is
//	              refreshed once (Sessions.ForceRefresh) and the call made again
//	POST /logout  the session ends on every replica and is revoked at its host (204)
//
// SDK errors are answered by enduser.HTTPStatus (401: log in again, 503 with
// Retry-After when the server gave a wait, ...). The uid cookie stands in for
// the signed session cookie a real service sets.
func Handler(p Platform, sessions Sessions) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ IdentityToken, WechatCode string }
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		uid, tok, err := login(r.Context(), p, body.IdentityToken, body.WechatCode)
		if err == nil {
			err = sessions.Start(r.Context(), "session:"+uid, tok)
		}
		if fail(w, err) {
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "uid", Value: uid, Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		key := sessionKey(r)
		tok, err := sessions.Token(r.Context(), key)
		var info *enduser.UserInfo
		if err == nil {
			info, err = p.UserInfo(r.Context(), tok)
		}
		if tok != nil && errors.Is(err, enduser.ErrTokenInvalid) { // refused before its expiry
			if tok, err = sessions.ForceRefresh(r.Context(), key, tok); err == nil {
				info, err = p.UserInfo(r.Context(), tok)
			}
		}
		if !fail(w, err) {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]string{"uid": info.UID, "nickname": info.Nickname})
		}
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		// A store failure (503) deleted nothing: the client may retry. Any
		// other error came after the delete: the session is over, only its
		// revocation at the host failed.
		if err := sessions.End(r.Context(), sessionKey(r)); enduser.Class(err) == enduser.ClassTemporary {
			fail(w, err)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "uid", Path: "/", MaxAge: -1, HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

// login signs the user in with the credential given and returns their id:
// a v2 login asks for the profile, a GenAuth sign-in's verified id token
// names the user.
func login(ctx context.Context, p Platform, appleIdentityToken, wechatCode string) (string, *enduser.Token, error) {
	if appleIdentityToken != "" {
		tok, err := p.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: appleIdentityToken})
		if err != nil {
			return "", nil, err
		}
		info, err := p.UserInfo(ctx, tok)
		if err != nil {
			return "", nil, err
		}
		return info.UID, tok, nil
	}
	tok, err := p.SignInByMobile(ctx, enduser.MobileSignInRequest{
		ExtIdpConnIdentifier: WechatConnection, Payload: enduser.WechatPayload{Code: wechatCode},
		Options: &enduser.MobileSignInOptions{Scope: "openid profile offline_access"},
	})
	if err != nil {
		return "", nil, err
	}
	id, err := p.VerifyIDToken(ctx, tok.IDToken)
	if err != nil {
		return "", nil, err
	}
	return id.Subject, tok, nil
}

func sessionKey(r *http.Request) string {
	if c, err := r.Cookie("uid"); err == nil && c.Value != "" {
		return "session:" + c.Value
	}
	return "session:anonymous" // never started: Token answers "log in again"
}

// fail writes err's HTTP status (with Retry-After when the server gave a
// wait) and reports whether there was an error.
func fail(w http.ResponseWriter, err error) bool {
	status, wait := enduser.HTTPStatus(err)
	if status == http.StatusOK {
		return false
	}
	if wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	}
	http.Error(w, http.StatusText(status), status)
	return true
}
