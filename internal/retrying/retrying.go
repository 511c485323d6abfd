// Package retrying retries an operation with exponential backoff.
package retrying

import (
	"context"
	"time"
)

// Until calls f after 50 ms, then after waits doubling up to one second,
// until f returns true (Until then does too) or ctx ends (false).
func Until(ctx context.Context, f func() bool) bool {
	for wait := 50 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return false
		case <-timer.C:
		}
		if f() {
			return true
		}
	}
}
