package enduser_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/seed1804ee03/enduser"
)

func ExampleTokenSource_ForceRefresh() {
	srv, client, stop := start()
	defer stop()
	ctx := context.Background()
	tok, _ := client.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: "apple-identity-token"})
	ts := client.TokenSource(tok)

	// The server refused tok before its expiry: every caller that saw it
	// refused asks for a new one, and one refresh serves them all.
	fresh, err := ts.ForceRefresh(ctx, tok)
	fmt.Println(fresh.AccessToken != tok.AccessToken, err)
	again, err := ts.ForceRefresh(ctx, tok)
	fmt.Println(again == fresh, err)
	fmt.Println("refreshes:", srv.Count("refreshToken"))
	// Output:
	// true <nil>
	// true <nil>
	// refreshes: 1
}

func ExampleClient_SharedTokenSource() {
	_, client, stop := start()
	defer stop()
	ctx := context.Background()
	store := enduser.NewMemoryStore() // one process; many replicas: redisstore
	tok, _ := client.AppleLogin(ctx, enduser.AppleLoginRequest{IdentityToken: "apple-identity-token"})
	if err := store.Store(ctx, "session:user-42", tok); err != nil { // after the login
		fmt.Println(err)
		return
	}

	ts := client.SharedTokenSource(store, "session:user-42") // on every replica
	current, err := ts.Token(ctx)
	fmt.Println(current.AccessToken == tok.AccessToken, err)

	_, err = client.SharedTokenSource(store, "session:nobody").Token(ctx)
	fmt.Println(errors.Is(err, enduser.ErrTokenInvalid)) // nothing stored: log in
	// Output:
	// true <nil>
	// true
}

func ExampleStaticTokenSource() {
	// A service's code takes a Source; its tests give it a fixed token.
	authorization := func(ctx context.Context, src enduser.Source) string {
		t, err := src.Token(ctx)
		if err != nil {
			return ""
		}
		return t.AuthorizationHeader()
	}
	src := enduser.StaticTokenSource(&enduser.Token{AccessToken: "Bearer test-token"})
	fmt.Println(authorization(context.Background(), src))
	// Output: Bearer test-token
}
