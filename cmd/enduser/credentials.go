package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"strings"
)

// maxStdin bounds what is read from standard input for credentials: a
// line past it is an error (exit 2), never cut short and sent.
const maxStdin = 1 << 20

// stdinLines reads credential lines from standard input, at most maxStdin
// bytes in all.
type stdinLines struct {
	r    *bufio.Reader
	read int
}

func newStdinLines(r io.Reader) *stdinLines {
	return &stdinLines{r: bufio.NewReader(io.LimitReader(r, maxStdin+1))}
}

// next returns the next line without its line ending; ok is false when
// standard input ended before it. A line that crosses the bound is an
// error: its value would be truncated.
func (s *stdinLines) next(what string) (line string, ok bool, err error) {
	line, rerr := s.r.ReadString('\n')
	s.read += len(line)
	if s.read > maxStdin {
		return "", false, usagef("%s: standard input is longer than its limit of %d bytes; nothing was sent", what, maxStdin)
	}
	if rerr != nil && line == "" {
		return "", false, nil
	}
	return strings.TrimRight(line, "\r\n"), true, nil
}

// credential is one secret input of a command. Its flag takes only "-"
// (read the value from standard input); without the flag the value comes
// from the environment variable. A flag given anything else is recorded as
// refused, never stored: the command then exits 2 without echoing it.
type credential struct {
	flag, env string
	what      string // what the value is, for messages
	set       *credentials
	order     int  // position among the credential flags on the command line; 0 = not given
	stdin     bool // the flag was "-"
	value     string
}

// credentials are the credential flags of one command line.
type credentials struct {
	list  []*credential
	given int
}

// add registers --name as a credential whose variable is envVar.
func (cs *credentials) add(fs *flag.FlagSet, name, envVar, what string) *credential {
	c := &credential{flag: name, env: envVar, what: what, set: cs}
	cs.list = append(cs.list, c)
	fs.Var(c, name, fmt.Sprintf("%s: `-` reads it from standard input, else $%s is used (a value here is refused)", what, envVar))
	return c
}

// Set records the flag. It never fails: the flag package would quote the
// value in its error.
func (c *credential) Set(v string) error {
	if c.order == 0 {
		c.set.given++
		c.order = c.set.given
	}
	c.stdin = v == "-"
	if !c.stdin {
		c.order = -c.order // refused; the value is dropped here
	}
	return nil
}

// String is empty: the flag never holds a value (the flag package prints
// no default).
func (c *credential) String() string { return "" }

// resolve refuses a credential given as a flag value, then reads each "-"
// flag's value from one line of standard input, in command-line order, and
// the others from their variables.
func (cs *credentials) resolve(e env, cmd string) error {
	var refused *credential
	for _, c := range cs.list {
		if c.order < 0 && (refused == nil || c.order > refused.order) {
			refused = c
		}
	}
	if refused != nil {
		return usagef("%s: --%s takes no value on the command line (ps and shell history would show it): %s",
			cmd, refused.flag, refused.howToPass())
	}
	var fromStdin []*credential
	for i := 1; i <= cs.given; i++ {
		for _, c := range cs.list {
			if c.order == i && c.stdin {
				fromStdin = append(fromStdin, c)
			}
		}
	}
	in := newStdinLines(e.stdin)
	for _, c := range fromStdin {
		line, ok, err := in.next(cmd + ": --" + c.flag + " -")
		if err != nil {
			return err
		}
		if !ok {
			return usagef("%s: --%s -: standard input ended before its line", cmd, c.flag)
		}
		c.value = line
		if c.value == "" {
			return usagef("%s: --%s -: its line on standard input is empty", cmd, c.flag)
		}
	}
	for _, c := range cs.list {
		if !c.stdin {
			c.value = e.getenv(c.env)
		}
	}
	return nil
}

// howToPass tells the user how to give the credential.
func (c *credential) howToPass() string {
	return "set " + c.env + ", or give --" + c.flag + " - and write the value on standard input"
}

// missing is the usage error of required credentials that are not set:
// each is named with how to pass it, so the call is not even tried.
func missing(cmd string, creds ...*credential) error {
	labels := make([]string, len(creds))
	for i, c := range creds {
		labels[i] = c.what
	}
	return missingLabelled(cmd, labels, creds)
}

// missingLabelled is missing with a label of each credential.
func missingLabelled(cmd string, labels []string, creds []*credential) error {
	var parts []string
	for i, c := range creds {
		if c.value == "" {
			parts = append(parts, labels[i]+" ("+c.howToPass()+")")
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return usagef("%s: missing %s", cmd, strings.Join(parts, "; "))
}

// values returns every credential value that is set, for scrubbing.
func (cs *credentials) values() []string {
	var out []string
	for _, c := range cs.list {
		if c.value != "" {
			out = append(out, c.value)
		}
	}
	return out
}
