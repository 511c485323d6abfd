package endusertest

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxBody bounds the request body the emulator reads.
const maxBody = 1 << 20

// call is one request while the emulator handles it.
type call struct {
	ep      *endpoint
	r       *http.Request
	params  url.Values     // v2: query and form together; OIDC: form and query
	form    url.Values     // the form body alone
	body    map[string]any // GenAuth JSON body
	badBody string         // why the body could not be read, if it could not

	// Filled by ident, for targeting faults.
	uid        string   // the user the call acts for, "" if unknown
	tokens     []string // tokens it presents (access tokens without "Bearer ")
	credential string   // the login credential it redeems
	identity   string   // the login identity (endpoint or connection + key)
}

// response is an endpoint's answer.
type response struct {
	status int
	body   any // JSON-encoded; nil writes no body
	header map[string]string
}

// handle reads and records the request, applies a scripted fault if one is
// aimed at this call, and otherwise answers with the endpoint's result.
func (s *Server) handle(ep *endpoint) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &call{ep: ep, r: r}
		ep.read(s, c)
		s.state.mu.Lock()
		if c.badBody == "" {
			ep.ident(s, c)
		}
		s.recordLocked(c)
		s.state.counts[ep.name]++
		f, faulty := s.state.takeFaultLocked(ep.name, c)
		s.state.mu.Unlock()

		if !faulty {
			s.write(w, s.serve(c))
			return
		}
		if f.delay > 0 && !s.wait(r, f.delay) {
			return
		}
		switch f.kind {
		case faultDelay:
			s.write(w, s.serve(c))
		case faultProcessThenDrop:
			_ = s.serve(c) // the state changes; the answer is lost
			drop(w, r)
		case faultDrop:
			drop(w, r)
		case faultProcessThenDelay:
			resp := s.serve(c) // the state changes; the answer comes late
			if s.wait(r, f.hold) {
				s.write(w, resp)
			}
		case faultHTML:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(f.status)
			_, _ = io.WriteString(w, "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><hr>nginx</body></html>")
		case faultStatus:
			if f.retryAfter != "" {
				w.Header().Set("Retry-After", f.retryAfter)
			}
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(f.status)
			_, _ = io.WriteString(w, http.StatusText(f.status))
		default:
			s.write(w, injected(ep.family, f))
		}
	})
}

// serve answers a call whose body was readable.
func (s *Server) serve(c *call) response {
	if c.badBody != "" {
		return badRequest(c.ep.family, c.badBody)
	}
	return c.ep.serve(s, c)
}

func (s *Server) write(w http.ResponseWriter, resp response) {
	for k, v := range resp.header {
		w.Header().Set(k, v)
	}
	if resp.body == nil {
		w.WriteHeader(resp.status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(resp.status)
	_ = json.NewEncoder(w).Encode(resp.body)
}

// drop closes the connection without answering. net/http replays a GET or
// HEAD that met a closed kept-alive connection before any byte of an answer,
// and a client cannot stop it, so that the drop reaches the caller there a
// status line goes out first and the headers never follow.
func drop(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	conn, buf, err := rc.Hijack()
	if err != nil {
		return
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\n")
		_ = buf.Flush()
	}
	_ = conn.Close()
}

// readV2 reads v2 parameters from the query and the form body, as the
// real server does.
func readV2(_ *Server, c *call) {
	c.r.Body = http.MaxBytesReader(nil, c.r.Body, maxBody)
	if err := c.r.ParseForm(); err != nil {
		c.badBody = "the form body could not be read: " + bodyError(err)
	}
	c.form, c.params = c.r.PostForm, c.r.Form
}

// readOIDCForm reads an OIDC endpoint's form body (and query).
func readOIDCForm(s *Server, c *call) {
	if c.r.Method == http.MethodPost {
		ct, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
		if ct != "application/x-www-form-urlencoded" && c.r.ContentLength != 0 {
			c.badBody = "the body must be application/x-www-form-urlencoded, not " + quoteShort(ct)
			_, _ = io.Copy(io.Discard, io.LimitReader(c.r.Body, maxBody))
			return
		}
	}
	readV2(s, c)
}

// readJSON reads GenAuth's JSON body.
func readJSON(_ *Server, c *call) {
	ct, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if ct != "application/json" {
		c.badBody = "the body must be application/json, not " + quoteShort(ct)
		return
	}
	if err := json.NewDecoder(http.MaxBytesReader(nil, c.r.Body, maxBody)).Decode(&c.body); err != nil {
		c.badBody = "the JSON body could not be decoded: " + bodyError(err)
	}
}

func readNothing(*Server, *call)  {}
func identNothing(*Server, *call) {}

func bodyError(err error) string {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return "larger than 1 MiB"
	}
	return "malformed"
}

// quoteShort quotes a value the caller chose that is not a secret (a content
// type), shortened.
func quoteShort(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	if s == "" {
		return "empty"
	}
	return `"` + strings.ToValidUTF8(s, "?") + `"`
}

// wait sleeps d. It reports false if the client left or the server closed.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.closed:
		return false
	}
}
