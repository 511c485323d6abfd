package endusertest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// state is everything the emulator remembers, behind one mutex.
type state struct {
	mu        sync.Mutex
	faults    map[string][]Fault
	requests  []Request
	counts    map[string]int
	access    map[string]session // access token (without "Bearer ") → session
	refresh   map[string]session // refresh token → session
	usedCodes map[string]bool    // single-use authorization codes already redeemed
	users     map[string]string  // login identity → uid
}

// session is an issued token: whose it is and until when.
type session struct {
	uid    string
	source string // the login endpoint that created the user
	expiry time.Time
}

func (st *state) init() {
	st.faults = map[string][]Fault{}
	st.counts = map[string]int{}
	st.access = map[string]session{}
	st.refresh = map[string]session{}
	st.usedCodes = map[string]bool{}
	st.users = map[string]string{}
}

// maxRecorded bounds the requests kept for Requests.
const maxRecorded = 10000

// response is an endpoint's answer, JSON-encoded by handle.
type response struct {
	status int
	body   any
}

type endpointFunc func(r *http.Request, req *Request) response

// handle records the request, applies a scripted fault if one is queued,
// and otherwise answers with the endpoint's envelope.
func (s *Server) handle(name string, f endpointFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := record(name, r)
		s.state.mu.Lock()
		if len(s.state.requests) >= maxRecorded { // a long-running emulator keeps the recent half
			s.state.requests = append(s.state.requests[:0], s.state.requests[maxRecorded/2:]...)
		}
		s.state.requests = append(s.state.requests, req)
		s.state.counts[name]++
		fault, faulty := Fault{}, len(s.state.faults[name]) > 0
		if faulty {
			fault = s.state.faults[name][0]
			s.state.faults[name] = s.state.faults[name][1:]
		}
		s.state.mu.Unlock()

		if faulty && s.apply(fault, w, r) {
			return
		}
		var resp response
		if faulty && fault.kind == faultCode {
			resp = failure(name, fault.code, fault.apiCode)
		} else {
			resp = f(r, &req)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(resp.status)
		_ = json.NewEncoder(w).Encode(resp.body)
	})
}

// record reads the request's parameters: the form body and query for v2,
// the JSON body for GenAuth.
func record(name string, r *http.Request) Request {
	req := Request{Endpoint: name, Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone()}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		_ = json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20)).Decode(&req.JSON)
		return req
	}
	_ = r.ParseForm()
	req.Form, req.Params = r.PostForm, r.Form
	return req
}

// failure is the failure envelope of the endpoint's family.
func failure(endpoint string, code, apiCode int) response {
	if endpoint == genAuthEndpoint {
		body := map[string]any{"statusCode": code, "message": http.StatusText(code), "requestId": newID("req")}
		if apiCode != 0 {
			body["apiCode"] = apiCode
		}
		return response{http.StatusOK, body}
	}
	return response{http.StatusOK, map[string]any{"code": code, "msg": "emulated failure " + strconv.Itoa(code), "data": nil, "extMsg": nil}}
}

// newID returns a random identifier with a prefix.
func newID(prefix string) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}
