// Package hostcheck checks the host URLs and header values a client is
// configured with. Its answers name what is wrong, never a part of the value.
package hostcheck

import (
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

// Reason returns "" for an absolute https URL with a host, or http to a
// loopback host (or any host when insecure), and otherwise what is wrong.
func Reason(raw string, insecure bool) string {
	if raw == "" {
		return "is empty"
	}
	u, err := url.Parse(raw)
	// A bare "?" or "#" at the end parses to an empty query or fragment:
	// calls would then go to "/?/v2/…" or "/". An empty host name
	// ("https://:443") names no server.
	if err != nil || u.Hostname() == "" || u.User != nil || strings.ContainsAny(raw, "?#") || HasControl(raw) ||
		strings.ContainsFunc(raw, unicode.IsSpace) || strings.Contains(u.Host, ";") || dotSegment(u.Path) {
		return "is not an absolute URL of the form https://host[:port][/path]"
	}
	// url.Parse accepts any digits after the colon, and none at all.
	if port := u.Port(); strings.HasSuffix(u.Host, ":") || port != "" && !validPort(port) {
		return "has a port outside 1-65535"
	}
	switch u.Scheme {
	case "https":
		return ""
	case "http":
		if insecure || isLoopback(u.Hostname()) {
			return ""
		}
		return "uses plain http to a non-loopback host (use https, or WithInsecureHTTP)"
	}
	return "has a scheme other than https or http"
}

// dotSegment reports whether path holds a "." or ".." segment, which a
// server or proxy may resolve to another path than the one configured.
func dotSegment(path string) bool {
	for seg := range strings.SplitSeq(path, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// validPort reports whether port is a decimal number in 1-65535.
func validPort(port string) bool {
	n, err := strconv.Atoi(port)
	return err == nil && n >= 1 && n <= 65535 && port[0] != '+'
}

// HasControl reports whether s holds an ASCII control character (CR, LF,
// NUL, DEL, …): such a value cannot go into a header or a URL.
func HasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
