package redisstore_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seed1804ee03/enduser"
	"github.com/seed1804ee03/enduser/endusertest"
	"github.com/seed1804ee03/enduser/redisstore"
)

// The sessions acceptance test (acceptance_sessions_test.go) runs this
// test binary as replicas of a login service: each child process has its
// own Client, Redis client and Sessions, and runs goroutines that call
// Start, Token, ForceRefresh and End at random on the sessions, until told
// to stop. The child's configuration is a sessionsChildConfig in JSON in
// this variable.
const sessionsChildEnv = "REDISSTORE_TEST_SESSIONS"

// sessionsChildConfig configures one replica.
type sessionsChildConfig struct {
	Index       int           `json:"index"`  // of the replica: it Starts and Ends the sessions i with i%Owners == Index
	Owners      int           `json:"owners"` // replicas that Start and End sessions (the others only read and refresh)
	Sessions    int           `json:"sessions"`
	Goroutines  int           `json:"goroutines"`
	RedisAddr   string        `json:"redis"`
	Prefix      string        `json:"prefix"`
	Emulator    string        `json:"emulator"`
	Timeout     time.Duration `json:"timeout"`
	LockTTL     time.Duration `json:"lock_ttl"`
	Leeway      time.Duration `json:"leeway"`
	Staleness   time.Duration `json:"staleness"`
	Cache       int           `json:"cache"`
	ClockOffset time.Duration `json:"clock_offset"` // the replica's clock minus the real one
	Seed        uint64        `json:"seed"`
}

// sessionsResult is what a replica reports when stopped. Times are Unix
// nanoseconds of the real clock (not the replica's, which may be off).
type sessionsResult struct {
	Name       string              `json:"name"`
	Calls      map[string]int      `json:"calls"`       // by operation
	Errors     map[string]int      `json:"errors"`      // by operation and class
	Samples    []string            `json:"samples"`     // a few error texts (the SDK's: no secrets)
	Ended      map[string][2]int64 `json:"ended"`       // session key → when its End began and returned (0: it failed)
	LastServed map[string]int64    `json:"last_served"` // session key → latest start of a call that returned a token
	ReLogin    []reLogin           `json:"relogin"`     // calls that said the session is over
	MaxCached  int                 `json:"max_cached"`  // the most sessions the cache held at a sample
	Forced     map[string]int      `json:"forced"`      // session key → ForceRefresh calls
	Started    map[string]int64    `json:"started"`     // session key → when its last successful Start returned
	Heard      int64               `json:"heard"`       // when the first answer of the server arrived
	Expired    []int64             `json:"expired"`     // when each call began that returned a token expired by the server's clock
}

// firstAnswer records when the Client first heard from the server: from
// then on it knows the server's clock.
type firstAnswer struct {
	enduser.NopHook
	at atomic.Int64
}

func (h *firstAnswer) Attempt(_ context.Context, info enduser.AttemptInfo) {
	if info.HTTPStatus != 0 {
		h.at.CompareAndSwap(0, time.Now().UnixNano())
	}
}

// reLogin is a call that said the session under Key is over.
type reLogin struct {
	Key string `json:"key"`
	Op  string `json:"op"`
	End int64  `json:"end"` // when the call returned
}

func sessionKeyOf(i int) string { return "session:" + strconv.Itoa(i) }

// userOf is the Apple identity token of session i's user at the emulator.
func userOf(i int) string { return "acceptance-user-" + strconv.Itoa(i) }

var cachedRE = regexp.MustCompile(`Cached:(\d+)`)

func runSessionsChild(in io.Reader, out io.Writer) error {
	var cfg sessionsChildConfig
	if err := json.Unmarshal([]byte(os.Getenv(sessionsChildEnv)), &cfg); err != nil {
		return fmt.Errorf("%s: %w", sessionsChildEnv, err)
	}
	name := fmt.Sprintf("sessions-replica-%d", cfg.Index)
	heard := &firstAnswer{}
	opts := []enduser.Option{enduser.WithUserAgent(name), enduser.WithTimeout(cfg.Timeout), enduser.WithHook(heard)}
	if cfg.ClockOffset != 0 {
		opts = append(opts, enduser.WithClock(func() time.Time { return time.Now().Add(cfg.ClockOffset) }))
	}
	client, err := enduser.NewClient(enduser.Config{
		BaseURL:          cfg.Emulator,
		UserDomain:       endusertest.DefaultUserDomain,
		UserDomainSecret: endusertest.DefaultUserDomainSecret,
	}, opts...)
	if err != nil {
		return err
	}
	rdb, err := dial(cfg.RedisAddr)
	if err != nil {
		return err
	}
	defer func() { _ = rdb.Close() }()
	store, err := redisstore.New(rdb, redisstore.WithPrefix(cfg.Prefix))
	if err != nil {
		return err
	}
	sessions := client.Sessions(store, enduser.WithSessionCache(cfg.Cache), enduser.WithMaxStaleness(cfg.Staleness),
		enduser.WithSessionTokenOptions(enduser.WithLockTTL(cfg.LockTTL), enduser.WithExpiryLeeway(cfg.Leeway)))
	defer sessions.Close()
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		return err
	}

	res := sessionsResult{Name: name, Calls: map[string]int{}, Errors: map[string]int{}, Ended: map[string][2]int64{}, LastServed: map[string]int64{}, Forced: map[string]int{}, Started: map[string]int64{}}
	var mu sync.Mutex // guards res
	own := map[int]*sync.Mutex{}
	for i := cfg.Index; cfg.Index < cfg.Owners && i < cfg.Sessions; i += cfg.Owners {
		own[i] = &sync.Mutex{}
	}
	ended := map[int]bool{} // under the session's own mutex and mu

	record := func(op, key string, began time.Time, tok *enduser.Token, err error) {
		mu.Lock()
		defer mu.Unlock()
		res.Calls[op]++
		if tok != nil && !tok.Expiry.After(time.Now()) { // the emulator runs on the real clock
			res.Expired = append(res.Expired, began.UnixNano())
		}
		if op == "ForceRefresh" {
			res.Forced[key]++
		}
		if err == nil {
			if op == "Start" {
				res.Started[key] = time.Now().UnixNano()
			}
			if op == "Token" || op == "ForceRefresh" {
				res.LastServed[key] = max(res.LastServed[key], began.UnixNano())
			}
			return
		}
		class := enduser.Class(err)
		res.Errors[op+" "+class.String()]++
		if errors.Is(err, enduser.ErrTokenInvalid) || class == enduser.ClassReLogin {
			res.ReLogin = append(res.ReLogin, reLogin{Key: key, Op: op, End: time.Now().UnixNano()})
		}
		if len(res.Samples) < 20 {
			res.Samples = append(res.Samples, op+": "+errorText(err))
		}
	}

	if _, err := fmt.Fprintln(out, "ready"); err != nil {
		return err
	}
	sc := bufio.NewScanner(in)
	if !sc.Scan() || sc.Text() != "go" {
		return fmt.Errorf("want go, got %q", sc.Text())
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range cfg.Goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := mrand.New(mrand.NewPCG(cfg.Seed, uint64(cfg.Index*1000+g))) //nolint:gosec // G404: a test's workload
			last := map[int]*enduser.Token{}
			for {
				select {
				case <-stop:
					return
				default:
				}
				i := rng.IntN(cfg.Sessions)
				key := sessionKeyOf(i)
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				began := time.Now()
				switch p := rng.IntN(1000); {
				case p < 20 && own[i] != nil: // Start: the user logs in again
					own[i].Lock()
					mu.Lock()
					gone := ended[i]
					mu.Unlock()
					if !gone {
						tok, err := client.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: userOf(i)})
						if err == nil {
							err = sessions.Start(ctx, key, tok)
						}
						record("Start", key, began, nil, err)
					}
					own[i].Unlock()
				case p < 23 && own[i] != nil: // End: the user logs out, for good
					own[i].Lock()
					mu.Lock()
					gone := ended[i]
					if !gone {
						ended[i] = true
						res.Ended[key] = [2]int64{began.UnixNano(), 0}
					}
					mu.Unlock()
					if !gone {
						err := sessions.End(ctx, key)
						if err != nil && enduser.Class(err) == enduser.ClassTemporary {
							err = sessions.End(ctx, key) // the store failed: nothing was deleted, try again
						}
						record("End", key, began, nil, err)
						if err == nil || enduser.Class(err) != enduser.ClassTemporary { // deleted
							mu.Lock()
							res.Ended[key] = [2]int64{began.UnixNano(), time.Now().UnixNano()}
							mu.Unlock()
						}
					}
					own[i].Unlock()
				case p < 80 && last[i] != nil: // ForceRefresh: an API rejected the token
					tok, err := sessions.ForceRefresh(ctx, key, last[i])
					record("ForceRefresh", key, began, tok, err)
					last[i] = tok
				default:
					tok, err := sessions.Token(ctx, key)
					record("Token", key, began, tok, err)
					last[i] = tok
				}
				cancel()
				time.Sleep(time.Duration(1+rng.IntN(3)) * time.Millisecond) // a service's pace, not a spin
			}
		}()
	}
	wg.Add(1)
	go func() { // samples the cache's size
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			if m := cachedRE.FindStringSubmatch(sessions.String()); m != nil {
				n, _ := strconv.Atoi(m[1])
				mu.Lock()
				res.MaxCached = max(res.MaxCached, n)
				mu.Unlock()
			}
		}
	}()
	if !sc.Scan() || sc.Text() != "stop" {
		close(stop)
		wg.Wait()
		return fmt.Errorf("want stop, got %q", sc.Text())
	}
	close(stop)
	wg.Wait()
	res.Heard = heard.at.Load()
	line, err := json.Marshal(res)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "%s\n", line)
	return err
}
