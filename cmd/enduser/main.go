// Command enduser runs the emulator, signs fields and logs in from the
// command line.
//
//	enduser emulator [--addr 127.0.0.1:8080]
//	enduser sign FIELD...                     (secret from ENDUSER_USER_DOMAIN_SECRET or stdin)
//	enduser login twitter|apple|wechat|facebook|alipay|miniprogram|mobile [flags]
//
// Secrets are read from the environment (or stdin), never from flags, so
// they stay out of shell history. Exit status: 0 success, 1 the call failed,
// 2 bad usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
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

Run 'enduser <command> --help' for a command's flags.
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
		fmt.Fprintf(stderr, "enduser: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	var ue usageError
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "enduser:", err)
		return exitUsage
	default:
		fmt.Fprintln(stderr, "enduser:", err)
		return exitFail
	}
}

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(e env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: %s\n\nflags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args; a flag error is a usage error, --help is flag.ErrHelp.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}
