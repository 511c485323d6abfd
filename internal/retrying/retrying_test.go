package retrying_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/seed1804ee03/enduser/internal/retrying"
)

// Until calls f again until it succeeds, and gives up when ctx ends.
func TestUntil(t *testing.T) {
	calls := 0
	assert.True(t, retrying.Until(context.Background(), func() bool { calls++; return calls == 3 }))
	assert.Equal(t, 3, calls)

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	calls = 0
	assert.False(t, retrying.Until(ctx, func() bool { calls++; return false }))
	assert.Positive(t, calls, "tried until the context ended")
}
