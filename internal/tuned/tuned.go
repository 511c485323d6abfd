// Package tuned holds the HTTP transport of a Client built without
// WithHTTPClient; the benchmarks' floor (internal/baseline) uses it too, so
// both sides of a ratio run on the same transport.
package tuned

import (
	"net"
	"net/http"
	"time"
)

// MaxResponseHeaderBytes bounds the header block of an answer (net/http's
// own default is 10 MiB).
const MaxResponseHeaderBytes = 64 << 10

// Transport is sized for one long-lived Client shared by many goroutines
// calling one or two hosts: up to 64 connections per host, all kept alive
// when idle; past 64 concurrent calls a call waits for a free connection
// (without the cap, 64 goroutines opened 100+ through pool churn). HTTP/2
// where the server offers it; answers' headers capped at 64 KiB.
func Transport() *http.Transport {
	return &http.Transport{
		Proxy:                  http.ProxyFromEnvironment,
		DialContext:            (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           256,
		MaxIdleConnsPerHost:    64,
		MaxConnsPerHost:        64,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: MaxResponseHeaderBytes,
	}
}
