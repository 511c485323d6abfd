package enduser_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine behind: the
// client's transport, the emulator and TokenSource refreshes included.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
