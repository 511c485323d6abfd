package redisstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
	"github.com/seed1804ee03/enduser/redisstore"
)

// Sizes of TestAcceptanceSessions. Its run time is about sessionsRun plus
// the logins of sessionsCount users and the processes' start.
const (
	sessionsReplicas   = 4
	sessionsCount      = 1000
	sessionsGoroutines = 8
	sessionsRun        = 16 * time.Second
	sessionsAccess     = 6 * time.Second // access token lifetime at the emulator
	sessionsLeeway     = 2 * time.Second // refreshed this long before expiry: one refresh every ~4 s per session in use
	sessionsStaleness  = 2 * time.Second
	sessionsCache      = 300 // < sessionsCount: the cache evicts
	sessionsTimeout    = 3 * time.Second
	sessionsLockTTL    = 6 * time.Second
)

// TestAcceptanceSessions: four replicas (OS processes, 8 goroutines each)
// serve 1,000 users' sessions from one redis-server, calling Start, Token,
// ForceRefresh and End at random while access tokens expire every few
// seconds, against one emulator in this process. Meanwhile one replica is
// killed with SIGKILL (it refreshes all the time, so mid-refresh), and
// Redis holds writes for 1.5 s (CLIENT PAUSE WRITE). One replica's clock
// is an hour ahead of the emulator's, another's an hour behind. Then:
//   - one refresh per session per expiry: no refresh token reaches the
//     emulator twice, and no session is refreshed more often than its
//     expiries and ForceRefresh calls allow, but for one refresh per
//     off-clock replica (the one that teaches it the server's clock, when
//     it runs before any other answer) and the killed replica's victims;
//   - once a replica has heard from the server, it hands out no token
//     expired by the server's clock;
//   - nobody is told to log in again whose session was not ended, except
//     the few sessions the killed replica was refreshing (their refresh
//     token rotated at the emulator and the new one died with the process:
//     no replica can know it);
//   - no replica serves an ended session's token past the staleness bound;
//   - every replica's cache stays within its WithSessionCache bound;
//   - nothing else is lost: a replica started afterwards serves every
//     session not ended, and every ended one is over.
func TestAcceptanceSessions(t *testing.T) { acceptanceSessions(t, false) }

// TestAcceptanceSessionsRedisRestart: the same service, with no replica
// killed and no pause, but Redis restarted mid-run on the same port without
// persistence: every session it held is gone. What the package
// documentation promises then holds: a session whose refresh was in flight
// is stored again by its replica, every other one started before the
// restart may end with ErrTokenInvalid (the user logs in again), nothing
// else fails but temporarily, no refresh token is sent twice, and every
// session started after the restart is served to the end.
func TestAcceptanceSessionsRedisRestart(t *testing.T) { acceptanceSessions(t, true) }

func acceptanceSessions(t *testing.T, restart bool) {
	p := startRedisServer(t)
	srv := endusertest.NewServer(t, endusertest.WithTokenLifetimes(sessionsAccess, 30*24*time.Hour),
		endusertest.WithSecretsRecorded(), endusertest.WithRecordLimit(1<<20),
		endusertest.WithClock(time.Now)) // dates its answers: the replicas learn its clock
	ctx := context.Background()
	prefix := "acceptance:"

	// The users log in (in the test: the login service's handler).
	rdb := p.client()
	store, err := redisstore.New(rdb, redisstore.WithPrefix(prefix))
	require.NoError(t, err)
	login, err := enduser.NewClient(srv.Config())
	require.NoError(t, err)
	t.Cleanup(login.CloseIdleConnections)
	var wg sync.WaitGroup
	errs := make(chan error, sessionsCount)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < sessionsCount; i += 8 {
				tok, err := login.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: userOf(i)})
				if err == nil {
					err = store.Store(ctx, sessionKeyOf(i), tok)
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	killed := 3 // replica
	if restart {
		killed = -1
	}
	clockOff := map[int]time.Duration{1: time.Hour, 2: -time.Hour} // replica → its clock minus the emulator's
	rs := make([]*replica, sessionsReplicas)
	for i := range rs {
		cfg := sessionsChildConfig{
			Index: i, Owners: sessionsReplicas - 1, Sessions: sessionsCount, Goroutines: sessionsGoroutines,
			RedisAddr: p.addr, Prefix: prefix, Emulator: srv.URL(), Timeout: sessionsTimeout, LockTTL: sessionsLockTTL,
			Leeway: sessionsLeeway, Staleness: sessionsStaleness, Cache: sessionsCache, Seed: uint64(time.Now().UnixNano()),
			ClockOffset: clockOff[i],
		}
		rs[i] = startSessionsReplica(t, cfg)
	}
	for _, r := range rs {
		line := r.next(t, 30*time.Second)
		require.Equal(t, "ready", line, "%s: %s", r.name, r.stderrText())
	}
	start := time.Now()
	for _, r := range rs {
		_, err := fmt.Fprintln(r.stdin, "go")
		require.NoError(t, err)
	}

	at := func(d time.Duration) { time.Sleep(time.Until(start.Add(d))) }
	killedName := ""
	var restartBegan, restartDone int64
	if restart {
		at(sessionsRun / 2)
		restartBegan = time.Now().UnixNano()
		p.restart()
		restartDone = time.Now().UnixNano()
		t.Logf("Redis restarted (empty) after %d refreshes", srv.Count(refreshEndpoint))
	} else {
		at(sessionsRun / 4)
		refreshesBefore := srv.Count(refreshEndpoint)
		rs[killed].kill(t)
		killedName = rs[killed].name
		t.Logf("killed %s after %d refreshes in all", killedName, refreshesBefore)

		at(sessionsRun / 2)
		pause := 1500 * time.Millisecond
		require.NoError(t, rdb.Do(ctx, "CLIENT", "PAUSE", pause.Milliseconds(), "WRITE").Err())
	}

	at(sessionsRun)
	results := map[string]*sessionsResult{}
	for i, r := range rs {
		if i == killed {
			continue
		}
		_, err := fmt.Fprintln(r.stdin, "stop")
		require.NoError(t, err)
	}
	for i, r := range rs {
		if i == killed {
			continue
		}
		var res sessionsResult
		line := r.next(t, 60*time.Second)
		require.NoError(t, json.Unmarshal([]byte(line), &res), "%s: %q", r.name, line)
		results[res.Name] = &res
		t.Logf("%s: calls %v, errors %v, max cached %d", res.Name, res.Calls, res.Errors, res.MaxCached)
		for _, s := range res.Samples {
			t.Logf("%s: %s", res.Name, s)
		}
	}

	// Who is who at the emulator: user ids of the sessions' users, and the
	// refreshes each replica sent, in the order they arrived.
	keyOfUser := map[string]string{}
	type refresh struct{ token, user, by string }
	var refreshes []refresh
	for _, req := range srv.Requests() {
		switch req.Endpoint {
		case enduser.OpAppleLogin:
			if id, ok := strings.CutPrefix(req.Params.Get("identityToken"), "acceptance-user-"); ok {
				i, err := strconv.Atoi(id)
				require.NoError(t, err)
				keyOfUser[req.UserID] = sessionKeyOf(i)
			}
		case refreshEndpoint:
			refreshes = append(refreshes, refresh{req.Params.Get("refreshToken"), req.UserID, req.Header.Get("User-Agent")})
		}
	}
	n := len(refreshes)
	require.Equal(t, srv.Count(refreshEndpoint), n, "every refresh is on record")
	require.Len(t, keyOfUser, sessionsCount, "every user's login is on record")

	// The killed replica was refreshing: the sessions of its last refreshes
	// (at most one per goroutine) may have rotated at the emulator without
	// reaching Redis. Those users, and only those, may have to log in again.
	victims := map[string]bool{}
	for i := len(refreshes) - 1; i >= 0 && len(victims) < sessionsGoroutines; i-- {
		if refreshes[i].by == killedName {
			victims[keyOfUser[refreshes[i].user]] = true
		}
	}
	t.Logf("sessions the killed replica may have been refreshing: %d", len(victims))

	// One refresh per session per expiry: no refresh token is sent twice,
	// but the one a killed replica spent and could not store.
	sent := map[string][]string{}
	perSession := map[string]int{}
	for _, r := range refreshes {
		sent[r.token] = append(sent[r.token], r.by)
		perSession[keyOfUser[r.user]]++
	}
	for _, by := range sent {
		if len(by) > 1 {
			assert.Equal(t, killedName, by[0], "a refresh token sent %d times, first by %v", len(by), by)
		}
	}
	assert.Greater(t, n, sessionsCount, "the tokens expired and were refreshed during the run")
	forced := map[string]int{}
	for _, res := range results {
		for k, c := range res.Forced {
			forced[k] += c
		}
	}
	expiries := int(time.Since(start)/(sessionsAccess-sessionsLeeway)) + 1
	unknown := 0
	for _, r := range refreshes {
		if r.user == "" && sent[r.token][0] != killedName {
			unknown++
			t.Logf("unknown refresh token sent by %v", sent[r.token])
		}
	}
	assert.Zero(t, unknown, "refreshes of tokens the emulator does not know (spent or revoked), besides the killed replica's")
	// An expiry's refresh and one for each ForceRefresh; beyond that, one for
	// each session the killed replica's peer refreshed again, and one per
	// off-clock replica to learn the server's clock.
	extra := 0
	for key, c := range perSession {
		if key == "" {
			continue
		}
		over := c - (expiries + forced[key])
		if victims[key] && over > 0 {
			over--
		}
		assert.LessOrEqual(t, over, 1, "%s: %d refreshes", key, c)
		extra += max(over, 0)
	}
	t.Logf("refreshes beyond one per session per expiry: %d (allowed: %d, one per off-clock replica)", extra, len(clockOff))
	assert.LessOrEqual(t, extra, len(clockOff), "refreshes beyond one per session per expiry")

	ended := map[string][2]int64{} // key → when its End began and returned
	for _, res := range results {
		for k, e := range res.Ended {
			ended[k] = e
		}
	}
	for name, res := range results {
		early := 0
		for _, began := range res.Expired {
			if res.Heard == 0 || began < res.Heard+sessionsTimeout.Nanoseconds() { // (a call may join a load begun before)
				early++
				continue
			}
			t.Errorf("%s handed out an expired token %v after it heard from the server", name, time.Duration(began-res.Heard))
		}
		t.Logf("%s: expired tokens handed out before it knew the server's clock: %d", name, early)
		assert.LessOrEqual(t, res.MaxCached, sessionsCache, "%s: the cache stays within its bound", name)
		assert.Positive(t, res.Calls["Token"], name)
		for op, count := range res.Errors {
			if op != "Token temporary" && op != "ForceRefresh temporary" && op != "Start temporary" && op != "End temporary" &&
				op != "Token relogin" && op != "ForceRefresh relogin" {
				t.Errorf("%s: %d errors %q", name, count, op)
			}
		}
		for _, rl := range res.ReLogin {
			e, ok := ended[rl.Key]
			if victims[rl.Key] || restart && rl.End >= restartBegan {
				continue // lost with the killed replica's refresh, or with Redis's data
			}
			if !assert.True(t, ok, "%s: %s told a user to log in again whose session was not ended", name, rl.Op) {
				continue
			}
			assert.GreaterOrEqual(t, rl.End, e[0], "%s: %s said the session was over before its End began", name, rl.Op)
		}
		for key, served := range res.LastServed {
			if e, ok := ended[key]; ok && e[1] != 0 {
				assert.Less(t, served, e[1]+sessionsStaleness.Nanoseconds(),
					"%s served an ended session's token %v after End returned", name, time.Duration(served-e[1]))
			}
		}
	}

	// Nothing is lost: a replica started now serves every session not ended
	// (after a restart: every session started after it).
	started := map[string]int64{}
	for _, res := range results {
		for k, at := range res.Started {
			started[k] = max(started[k], at)
		}
	}
	final := replicaSessions(t, p.addr, prefix, srv)
	lost, lostWithRedis := 0, 0
	for i := range sessionsCount {
		key := sessionKeyOf(i)
		_, err := final.Token(ctx, key)
		switch e, over := ended[key]; {
		case over:
			if e[1] != 0 { // (an End that failed twice may or may not have deleted it)
				assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "ended session %d", i)
			}
		case victims[key]:
		case restart && started[key] < restartDone && err != nil:
			assert.ErrorIs(t, err, enduser.ErrTokenInvalid, "session %d, lost with Redis's data", i)
			lostWithRedis++
		default:
			if !assert.NoError(t, err, "session %d", i) {
				lost++
			}
		}
	}
	if restart {
		t.Logf("sessions lost with Redis's data (the users log in again): %d", lostWithRedis)
	}
	assert.Zero(t, lost, "sessions lost (besides those the killed replica was refreshing)")
	t.Logf("%d refreshes, %d sessions ended, run %v", n, len(ended), time.Since(start))
}
