package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

// consume creates a consumer module in work/consumer that imports every
// released module, gets them from the proxies at their versions and builds,
// vets and tests it, with a module cache of its own (work/modcache) so that
// nothing comes from the repository or from an earlier run.
func consume(r *repo, rels []release, proxy, work string) error {
	srcCache, err := goEnv("GOMODCACHE")
	if err != nil {
		return err
	}
	download := filepath.Join(srcCache, "cache", "download")
	if err := primeCache(r, rels); err != nil {
		return err
	}
	dir := filepath.Join(work, "consumer")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	goVersion := "1.21"
	var sums []string
	for _, rel := range rels {
		mod, err := r.show(rel.Commit, path.Join(rel.Subdir, "go.mod"))
		if err != nil {
			return err
		}
		if v := modfile.ModulePath(mod); v != rel.Path {
			return fmt.Errorf("%w: %s at %s is module %q", errCheck, path.Join(rel.Subdir, "go.mod"), rel.Tag, v)
		}
		if f, err := modfile.ParseLax("go.mod", mod, nil); err == nil && f.Go != nil && semver.Compare("v"+f.Go.Version, "v"+goVersion) > 0 {
			goVersion = f.Go.Version
		}
		// The modules' own sums: the consumer's dependencies are theirs, so the
		// checksum database is never asked.
		sum, err := r.show(rel.Commit, path.Join(rel.Subdir, "go.sum"))
		if err != nil {
			return err
		}
		sums = append(sums, strings.Split(strings.TrimSpace(string(sum)), "\n")...)
	}
	sort.Strings(sums)
	sums = compact(sums)
	files := map[string]string{
		"go.mod":           "module example.com/enduserconsumer\n\ngo " + goVersion + "\n",
		"go.sum":           strings.Join(sums, "\n") + "\n",
		"consumer.go":      consumerGo(r.corePath),
		"consumer_test.go": consumerTestGo(r.corePath),
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			return err
		}
	}

	env := consumerEnv(r.corePath, "file://"+filepath.ToSlash(proxy)+",file://"+filepath.ToSlash(download), filepath.Join(work, "modcache"))
	getArgs := []string{"get"}
	for _, rel := range rels {
		getArgs = append(getArgs, rel.Path+"@"+rel.Version)
	}
	for _, args := range [][]string{getArgs, {"build", "./..."}, {"vet", "./..."}, {"test", "-count=1", "./..."}} {
		if err := goCmd(dir, env, args...); err != nil {
			return fmt.Errorf("%w: the consumer module: %w", errCheck, err)
		}
	}
	return checkConsumer(dir, env, rels, filepath.Join(work, "modcache"))
}

// primeCache fills the local module cache with every module the releases'
// builds need, go.mod files of the whole module graph included (what
// `go build` in each module directory would fetch), with the caller's own Go
// settings. The consumer's build then reads them from the cache alone.
func primeCache(r *repo, rels []release) error {
	for _, rel := range rels {
		dir := filepath.Join(r.root, filepath.FromSlash(rel.Subdir))
		for _, args := range [][]string{{"list", "-m", "all"}, {"mod", "download"}} {
			cmd := exec.Command("go", args...) //nolint:gosec,noctx // G204: fixed go subcommands; a tool run to completion
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "GOWORK=off")
			if out, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("go %s in %s: %w\n%s", strings.Join(args, " "), dir, err, out)
			}
		}
	}
	return nil
}

// checkConsumer checks that the consumer required each module at its
// release, with no replace, from the fresh module cache.
func checkConsumer(dir string, env []string, rels []release, modcache string) error {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod")) //nolint:gosec // G304: the consumer this tool wrote
	if err != nil {
		return err
	}
	f, err := modfile.Parse("go.mod", b, nil)
	if err != nil {
		return err
	}
	if len(f.Replace) > 0 {
		return fmt.Errorf("%w: the consumer's go.mod has a replace directive", errCheck)
	}
	required := map[string]string{}
	for _, req := range f.Require {
		required[req.Mod.Path] = req.Mod.Version
	}
	for _, rel := range rels {
		if v := required[rel.Path]; v != rel.Version {
			return fmt.Errorf("%w: the consumer requires %s %q, want %s", errCheck, rel.Path, v, rel.Version)
		}
		var out bytes.Buffer
		cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", rel.Path) //nolint:gosec,noctx // G204: a checked module path; a tool run to completion
		cmd.Dir, cmd.Env, cmd.Stdout = dir, env, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go list -m %s: %w", rel.Path, err)
		}
		if d := strings.TrimSpace(out.String()); !strings.HasPrefix(d, modcache+string(filepath.Separator)) {
			return fmt.Errorf("%w: %s was built from %s, not from the proxy", errCheck, rel.Path, d)
		}
	}
	return nil
}

// consumerEnv is the environment of the consumer's go commands: the caller's,
// less every Go setting that could reach the network or the repository.
func consumerEnv(corePath, goproxy, modcache string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(k, "GO") || k == "GOPATH" || k == "GOROOT" || k == "GOCACHE" {
			env = append(env, kv)
		}
	}
	return append(env,
		"GOENV=off",         // no settings from the user's go env file
		"GOTOOLCHAIN=local", // never download a toolchain
		"GOWORK=off",
		"GOPROXY="+goproxy, // the file:// proxies only
		"GOFLAGS=-mod=mod -modcacherw",
		"GOMODCACHE="+modcache,
		// The checksum database is off for this repository's modules only
		// (they are not published yet); the dependencies are checked against
		// the go.sum lines of the released modules.
		"GONOSUMDB="+corePath,
		"GONOSUMCHECK=1",
		"GOPRIVATE=",
		"GONOPROXY=",
		"GOINSECURE=",
	)
}

func goCmd(dir string, env []string, args ...string) error {
	fmt.Printf("release-check: (consumer) go %s\n", strings.Join(args, " "))
	cmd := exec.Command("go", args...) //nolint:gosec,noctx // G204: fixed go subcommands; a tool run to completion
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

func goEnv(name string) (string, error) {
	out, err := exec.Command("go", "env", name).Output() //nolint:gosec,noctx // G204: a fixed variable name; a tool run to completion
	if err != nil {
		return "", fmt.Errorf("go env %s: %w", name, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// removeAll removes a directory tree, the read-only module cache included.
func removeAll(dir string) {
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.IsDir() {
			_ = os.Chmod(p, 0o700) //nolint:gosec // G302: our own temporary directory
		}
		return nil
	})
	_ = os.RemoveAll(dir)
}

func compact(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if v != "" && (i == 0 || v != s[i-1]) {
			out = append(out, v)
		}
	}
	return out
}

// consumerGo is a service's wiring of the three modules: a client with the
// OpenTelemetry hook, and a Redis token store for its sessions.
func consumerGo(core string) string {
	return `// Package consumer uses every module of the release as a service would.
package consumer

import (
	"github.com/redis/go-redis/v9"

	"` + core + `"
	"` + core + `/enduserotel"
	"` + core + `/redisstore"
)

// New returns a client that reports to OpenTelemetry and a store for its sessions.
func New(cfg enduser.Config, rdb redis.UniversalClient) (*enduser.Client, *redisstore.Store, error) {
	hook, err := enduserotel.NewHook()
	if err != nil {
		return nil, nil, err
	}
	client, err := enduser.NewClient(cfg, enduser.WithHook(hook))
	if err != nil {
		return nil, nil, err
	}
	store, err := redisstore.New(rdb)
	if err != nil {
		return nil, nil, err
	}
	return client, store, nil
}
`
}

// consumerTestGo logs in against the emulator of the released core.
func consumerTestGo(core string) string {
	return `package consumer

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"` + core + `"
	"` + core + `/endusertest"
)

func TestReleasedModulesWork(t *testing.T) {
	srv := endusertest.NewServer(t)
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	client, store, err := New(srv.Config(), rdb)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := client.AppleLogin(context.Background(), enduser.AppleLoginRequest{IdentityToken: "consumer-identity-token"})
	if err != nil || !tok.Valid() {
		t.Fatalf("login through the released client: token %v, error %v", tok, err)
	}
	if store.String() == "" {
		t.Fatal("the released store describes itself")
	}
}
`
}
