package downstream

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"

	"github.com/seed1804ee03/enduser"
)

// Handler serves a service's three session endpoints over one
// enduser.Sessions: POST /login (an Apple identity token in the body),
// GET /me and POST /logout, the user named by the "uid" cookie a real
// service would sign. SDK errors map to HTTP statuses by their class.
func Handler(c *enduser.Client, sessions *enduser.Sessions) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ IdentityToken string }
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		tok, err := c.AppleLogin(r.Context(), enduser.AppleLoginRequest{IdentityToken: body.IdentityToken})
		var info *enduser.UserInfo
		if err == nil {
			info, err = c.UserInfo(r.Context(), tok)
		}
		if err == nil {
			err = sessions.Start(r.Context(), "session:"+info.UID, tok)
		}
		if fail(w, err) {
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "uid", Value: info.UID, HttpOnly: true, Secure: true})
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		key := sessionKey(r)
		tok, err := sessions.Token(r.Context(), key)
		var info *enduser.UserInfo
		if err == nil {
			info, err = c.UserInfo(r.Context(), tok)
		}
		if enduser.Class(err) == enduser.ClassReLogin && tok != nil { // refused before its expiry
			if tok, err = sessions.ForceRefresh(r.Context(), key, tok); err == nil {
				info, err = c.UserInfo(r.Context(), tok)
			}
		}
		if !fail(w, err) {
			_ = json.NewEncoder(w).Encode(map[string]string{"uid": info.UID, "nickname": info.Nickname})
		}
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		if err := sessions.End(r.Context(), sessionKey(r)); enduser.Class(err) == enduser.ClassTemporary {
			fail(w, err) // nothing was deleted: the client may retry
			return
		} // any other error: the session is gone, only the revocation failed
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

func sessionKey(r *http.Request) string {
	if c, err := r.Cookie("uid"); err == nil && c.Value != "" {
		return "session:" + c.Value
	}
	return "session:anonymous"
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
