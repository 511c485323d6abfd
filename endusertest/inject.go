package endusertest

import (
	"errors"
	"fmt"
)

// pending is an injected fault waiting for its call.
type pending struct {
	f    Fault
	skip int // matching calls still to let pass (OnCall(n) starts at n-1)
}

// Inject queues faults for calls to endpoint: an SDK Op name
// (enduser.OpTwitterLogin, enduser.OpRefreshToken, enduser.OpSignInByMobile,
// enduser.OpOIDCToken, …) or EndpointOIDCDiscovery. Each fault
// applies to one call: the first queued fault aimed at a call (ForUser,
// ForToken, ForCode) whose OnCall count is reached takes it; later calls
// behave normally.
//
// An unknown endpoint, the zero Fault, or an aim the endpoint cannot match
// (ForCode on a call without a code, ForToken on one without a token) is a
// mistake: under NewServer it fails the test, and it is always returned, so
// that a typo never silently does nothing.
func (s *Server) Inject(endpoint string, faults ...Fault) error {
	if err := s.checkFaults(endpoint, faults); err != nil {
		if s.tb != nil {
			s.tb.Helper()
			s.tb.Fatalf("endusertest: %v", err)
		}
		return err
	}
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	for i := range faults {
		skip := 0
		if faults[i].nth > 1 {
			skip = faults[i].nth - 1
		}
		s.state.faults[endpoint] = append(s.state.faults[endpoint], &pending{f: faults[i], skip: skip})
	}
	return nil
}

func (s *Server) checkFaults(endpoint string, faults []Fault) error {
	ep, known := s.endpoints[endpoint]
	if !known {
		return fmt.Errorf("inject: unknown endpoint %q; the emulator serves: %s", endpoint, s.knownEndpoints())
	}
	if len(faults) == 0 {
		return fmt.Errorf("inject %q: no fault given", endpoint)
	}
	for i := range faults {
		f := &faults[i]
		var err error
		switch {
		case f.kind == faultNone:
			err = errors.New("the zero Fault is not a fault; use a constructor such as FailCode or ProcessThenDrop")
		case f.nth < 0:
			err = fmt.Errorf("OnCall(%d): calls count from 1", f.nth)
		case f.credential != "" && !ep.login:
			err = errors.New("ForCode: the endpoint redeems no code (only logins do)")
		case f.token != "" && !ep.token:
			err = errors.New("ForToken: the endpoint takes no token")
		case f.user != "" && !ep.login && !ep.token:
			err = errors.New("ForUser: the endpoint acts for no user")
		}
		if err != nil {
			return fmt.Errorf("inject %q, fault %d (%s): %w", endpoint, i+1, f, err)
		}
	}
	return nil
}

// takeFaultLocked removes and returns the fault aimed at c, if any. Every
// other fault that matches c counts the call towards its OnCall.
func (st *state) takeFaultLocked(endpoint string, c *call) (Fault, bool) {
	q := st.faults[endpoint]
	fire := -1
	for i, p := range q {
		if !p.f.matches(c) {
			continue
		}
		if fire < 0 && p.skip == 0 {
			fire = i
			continue
		}
		if p.skip > 0 {
			p.skip--
		}
	}
	if fire < 0 {
		return Fault{}, false
	}
	f := q[fire].f
	q = append(q[:fire], q[fire+1:]...)
	if len(q) == 0 {
		delete(st.faults, endpoint)
	} else {
		st.faults[endpoint] = q
	}
	return f, true
}

// Pending returns how many injected faults on endpoint have not fired yet.
// An unknown endpoint is 0, and under NewServer an error of the test.
func (s *Server) Pending(endpoint string) int {
	s.checkName(endpoint)
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	return len(s.state.faults[endpoint])
}

// Count returns how many calls endpoint has received. An unknown endpoint
// is 0, and under NewServer an error of the test, so that a typo cannot
// pass an assertion of zero calls.
func (s *Server) Count(endpoint string) int {
	s.checkName(endpoint)
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	return s.state.counts[endpoint]
}

// checkName reports an unknown endpoint name to the test (with Errorf,
// which any goroutine may call).
func (s *Server) checkName(endpoint string) {
	if _, known := s.endpoints[endpoint]; !known && s.tb != nil {
		s.tb.Helper()
		s.tb.Errorf("endusertest: unknown endpoint %q; the emulator serves: %s", endpoint, s.knownEndpoints())
	}
}
