package main

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/seed1804ee03/enduser"
)

// runSign prints the signature of the fields. The secret comes from
// ENDUSER_USER_DOMAIN_SECRET or the first line of stdin, never a flag.
func runSign(e env, args []string) error {
	fs := newFlags(e, "sign", "enduser sign FIELD...   (secret from ENDUSER_USER_DOMAIN_SECRET, or the first line of stdin)")
	if err := parse(fs, args); err != nil {
		return err
	}
	secret := e.getenv("ENDUSER_USER_DOMAIN_SECRET")
	if secret == "" {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return usagef("sign: no secret: set ENDUSER_USER_DOMAIN_SECRET or pass it on stdin")
		}
		secret = strings.TrimRight(line, "\r\n")
	}
	if secret == "" {
		return usagef("sign: the secret is empty")
	}
	fmt.Fprintln(e.stdout, enduser.Sign(secret, fs.Args()...))
	return nil
}
