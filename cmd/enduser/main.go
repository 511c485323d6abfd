// Command enduser runs the emulator, signs fields and logs in from the
// command line.
//
//	enduser emulator [--addr 127.0.0.1:8080] [--script faults.json]
//	enduser sign FIELD...                     (secret from ENDUSER_USER_DOMAIN_SECRET or stdin)
//	enduser login twitter|apple|wechat|facebook|alipay|miniprogram|mobile [flags]
//
// Credentials (secrets, codes, tokens) never come from a flag's value, so
// they stay out of ps and shell history: each has an environment variable,
// and its flag takes only "-", which reads it from standard input. A flag
// given any other value is refused. Everything printed from a server is
// reduced to printable characters first. Exit status: 0 success, 1 the call
// failed, 2 bad usage.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
)

func main() { os.Exit(runMain()) }

func runMain() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
}

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// env is what a subcommand can reach of the process.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

const usage = `usage: enduser <command> [flags]

commands:
  emulator   run the emulator of both APIs and print its URL and credentials
  sign       print the v2 signature of FIELD... (secret from ENDUSER_USER_DOMAIN_SECRET or stdin)
  login      log in: twitter, apple, wechat, facebook, alipay, miniprogram or mobile

Credentials never go in a flag's value (ps and shell history show it): each
comes from its environment variable, or from standard input when its flag
is given as "-" (one line per "-" flag, in command-line order).
Run 'enduser <command> --help' for a command's flags and variables.
Exit status: 0 success, 1 the call failed, 2 bad usage.
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	switch args[0] {
	case "emulator":
		err = runEmulator(ctx, e, args[1:])
	case "sign":
		err = runSign(e, args[1:])
	case "login":
		err = runLogin(ctx, e, args[1:])
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "enduser: unknown command %s\n\n%s", shown(args[0]), usage)
		return exitUsage
	}
	var ue usageError
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		printError(stderr, err)
		return exitUsage
	default:
		printError(stderr, err)
		return exitFail
	}
}

// printError prints err on one line with one "enduser: " prefix, reduced
// to printable characters: a server's CR, LF or escape sequence cannot
// forge a line or drive the terminal.
func printError(w io.Writer, err error) {
	fmt.Fprintln(w, "enduser: "+errorLine(err.Error()))
}

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// newFlags returns a flag set that reports errors instead of exiting and
// prints nothing itself; --help prints the synopsis and flags on stdout.
func newFlags(e env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		var b bytes.Buffer
		fmt.Fprintf(&b, "usage: %s\n\nflags:\n", synopsis)
		fs.SetOutput(&b)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		_, _ = io.WriteString(e.stdout, printableLines(b.String()))
	}
	return fs
}

// parse parses args and refuses positional arguments after the flags. A
// flag error is a usage error; --help prints the help and is flag.ErrHelp.
func parse(fs *flag.FlagSet, args []string) error {
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if n := fs.NArg(); n > 0 {
		// The arguments are not echoed: one may be a credential typed in
		// the wrong place.
		return usagef("%s: unexpected argument after the flags (%d given, not shown); run 'enduser %s --help'", fs.Name(), n, fs.Name())
	}
	return nil
}

// parseArgs is parse for a command that takes positional arguments.
func parseArgs(fs *flag.FlagSet, args []string) error {
	help := fs.Usage
	fs.Usage = func() {} // the flag package would call it on every error
	err := fs.Parse(args)
	fs.Usage = help
	switch {
	case errors.Is(err, flag.ErrHelp):
		help()
		return err
	case err != nil:
		return usagef("%s: %s; run 'enduser %s --help'", fs.Name(), withoutValue(err.Error()), fs.Name())
	}
	return nil
}

// withoutValue drops the value the flag package quotes in an invalid-value
// error (`invalid value "x" for flag -mcc: ...`): a credential typed into
// the wrong flag is not echoed.
func withoutValue(msg string) string {
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		if !looksLikeName(name) {
			return "unknown flag (not shown: it does not look like a flag name)"
		}
		return "unknown flag -" + name
	}
	if _, ok := strings.CutPrefix(msg, "bad flag syntax: "); ok {
		return "bad flag syntax (the argument is not shown)"
	}
	for _, p := range []string{"invalid value ", "invalid boolean value "} {
		rest, ok := strings.CutPrefix(msg, p)
		if !ok {
			continue
		}
		if q, err := strconv.QuotedPrefix(rest); err == nil {
			return p[:len(p)-1] + rest[len(q):]
		}
	}
	return msg
}

// looksLikeName reports whether what the user typed where a name was
// expected looks like one: at most 24 lower-case letters, '-' or '_', as
// every command, flag and method name is. Anything else may be a
// credential typed in the wrong place and is not echoed.
func looksLikeName(s string) bool {
	if s == "" || len(s) > 24 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && r != '-' && r != '_' {
			return false
		}
	}
	return true
}

// shown returns s quoted if it looks like a name, else a placeholder.
func shown(s string) string {
	if !looksLikeName(s) {
		return "(not shown: it does not look like a name)"
	}
	return strconv.Quote(s)
}
