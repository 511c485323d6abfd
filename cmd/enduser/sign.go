package main

import (
	"fmt"

	"github.com/seed1804ee03/enduser"
)

// runSign prints the signature of the fields. The secret comes from
// ENDUSER_USER_DOMAIN_SECRET or the first line of stdin, never a flag's
// value.
func runSign(e env, args []string) error {
	fs := newFlags(e, "sign", "enduser sign [--user-domain-secret -] FIELD...\n\n"+
		"The secret comes from $ENDUSER_USER_DOMAIN_SECRET or, when that is unset or --user-domain-secret - is\n"+
		"given, from the first line of standard input; never from a flag's value.")
	var cs credentials
	flagged := cs.add(fs, "user-domain-secret", "ENDUSER_USER_DOMAIN_SECRET", "user-domain secret")
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if err := cs.resolve(e, "sign"); err != nil {
		return err
	}
	secret := flagged.value
	if secret == "" {
		line, ok, err := newStdinLines(e.stdin).next("sign")
		if err != nil {
			return err
		}
		if !ok {
			return usagef("sign: no secret: set ENDUSER_USER_DOMAIN_SECRET or write it on standard input")
		}
		secret = line
	}
	if secret == "" {
		return usagef("sign: the secret is empty")
	}
	fmt.Fprintln(e.stdout, enduser.Sign(secret, fs.Args()...))
	return nil
}
