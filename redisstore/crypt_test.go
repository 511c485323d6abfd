package redisstore_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed1804ee03/enduser/redisstore"
)

var (
	key1  = redisstore.Key{ID: "2026-10", Secret: []byte("k1-SECRET-k1-SECRET-k1-SECRET-32")}
	key2  = redisstore.Key{ID: "2026-11", Secret: []byte("k2-SECRET-k2-SECRET-k2-SECRET-32")}
	fake1 = redisstore.Key{ID: "2026-10", Secret: []byte("not-the-key-not-the-key-not-the!")}
)

func TestEncryptionRoundTripHidesTheToken(t *testing.T) {
	r := newRedis(t)
	s := newStore(t, r, redisstore.WithEncryption(key1))
	ctx := context.Background()
	want := fullToken(time.Now())
	require.NoError(t, s.Store(ctx, "user:1", want))

	raw, err := r.rdb.Get(ctx, s.TokenKey("user:1")).Result()
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(raw, "e1.2026-10."), "value names its key id: %.12s", raw)
	for _, secret := range []string{"at-SECRET", secretRefresh, secretID, "refresh_token", "openid"} {
		assert.NotContains(t, raw, secret, "Redis holds ciphertext only")
	}

	got, err := s.Load(ctx, "user:1")
	require.NoError(t, err)
	assert.Equal(t, want.AccessToken, got.AccessToken)
	assert.Equal(t, want.RefreshToken, got.RefreshToken)
	assert.True(t, want.RefreshExpiry.Equal(got.RefreshExpiry))

	// A fresh nonce each time: the same token never encrypts the same way twice.
	require.NoError(t, s.Store(ctx, "user:1", want))
	again, err := r.rdb.Get(ctx, s.TokenKey("user:1")).Result()
	require.NoError(t, err)
	assert.NotEqual(t, raw, again)
}

func TestKeyRotation(t *testing.T) {
	r := newRedis(t)
	prefix := testPrefix(t, r)
	open := func(opts ...redisstore.Option) *redisstore.Store {
		s, err := redisstore.New(r.rdb, append(opts, redisstore.WithPrefix(prefix))...)
		require.NoError(t, err)
		return s
	}
	ctx := context.Background()
	old := open(redisstore.WithEncryption(key1))
	rotated := open(redisstore.WithEncryption(key2, key1))
	require.NoError(t, old.Store(ctx, "a", fullToken(time.Now())))

	got, err := rotated.Load(ctx, "a")
	require.NoError(t, err, "the new key set still reads the old key's tokens")
	assert.Equal(t, secretRefresh, got.RefreshToken)

	require.NoError(t, rotated.Store(ctx, "a", got))
	raw, err := r.rdb.Get(ctx, rotated.TokenKey("a")).Result()
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(raw, "e1.2026-11."), "stored again under the current key")

	_, err = old.Load(ctx, "a")
	require.ErrorIs(t, err, redisstore.ErrUnknownKey, "a store without the new key refuses it")
	assert.Contains(t, err.Error(), "2026-11", "the error names the missing key id")
	assertNoSecret(t, err)
}

func TestWrongKeyIsRejected(t *testing.T) {
	r := newRedis(t)
	prefix := testPrefix(t, r)
	open := func(opts ...redisstore.Option) *redisstore.Store {
		s, err := redisstore.New(r.rdb, append(opts, redisstore.WithPrefix(prefix))...)
		require.NoError(t, err)
		return s
	}
	ctx := context.Background()
	good := open(redisstore.WithEncryption(key1))
	require.NoError(t, good.Store(ctx, "a", fullToken(time.Now())))
	require.NoError(t, good.Store(ctx, "b", fullToken(time.Now())))

	t.Run("same id, different secret", func(t *testing.T) {
		_, err := open(redisstore.WithEncryption(fake1)).Load(ctx, "a")
		require.ErrorIs(t, err, redisstore.ErrDecrypt)
		assertNoSecret(t, err)
		assert.NotContains(t, err.Error(), string(fake1.Secret))
	})
	t.Run("unknown id", func(t *testing.T) {
		_, err := open(redisstore.WithEncryption(key2)).Load(ctx, "a")
		require.ErrorIs(t, err, redisstore.ErrUnknownKey)
	})
	t.Run("no keys at all", func(t *testing.T) {
		_, err := open().Load(ctx, "a")
		require.ErrorIs(t, err, redisstore.ErrUnknownKey)
	})
	t.Run("ciphertext moved to another session", func(t *testing.T) {
		raw, err := r.rdb.Get(ctx, good.TokenKey("a")).Result()
		require.NoError(t, err)
		require.NoError(t, r.rdb.Set(ctx, good.TokenKey("b"), raw, time.Minute).Err())
		_, err = good.Load(ctx, "b")
		require.ErrorIs(t, err, redisstore.ErrDecrypt, "the key name is authenticated")
	})
	t.Run("tampered", func(t *testing.T) {
		require.NoError(t, good.Store(ctx, "c", fullToken(time.Now())))
		raw, err := r.rdb.Get(ctx, good.TokenKey("c")).Result()
		require.NoError(t, err)
		head, data := raw[:strings.LastIndexByte(raw, '.')+1], raw[strings.LastIndexByte(raw, '.')+1:]
		sealed, err := base64.RawURLEncoding.DecodeString(data)
		require.NoError(t, err)
		sealed[len(sealed)/2] ^= 1
		require.NoError(t, r.rdb.Set(ctx, good.TokenKey("c"), head+base64.RawURLEncoding.EncodeToString(sealed), time.Minute).Err())
		_, err = good.Load(ctx, "c")
		require.ErrorIs(t, err, redisstore.ErrDecrypt)
	})
	t.Run("planted key id", func(t *testing.T) {
		for _, id := range []string{strings.Repeat("k", 1<<20), "k1\n[ERROR] forged log line", ""} {
			require.NoError(t, r.rdb.Set(ctx, good.TokenKey("d"), "e1."+id+".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", time.Minute).Err())
			_, err := good.Load(ctx, "d")
			require.Error(t, err)
			assert.Less(t, len(err.Error()), 200, "the stored value's key id is not copied into the error whole")
			assert.NotContains(t, err.Error(), "\n", "nor a line break from it")
		}
	})
	t.Run("plain value while encrypting", func(t *testing.T) {
		plain := open()
		require.NoError(t, plain.Store(ctx, "p", fullToken(time.Now())))
		_, err := good.Load(ctx, "p")
		require.ErrorIs(t, err, redisstore.ErrNotEncrypted, "anyone with write access could plant a plain token")
		got, err := open(redisstore.WithEncryption(key1), redisstore.WithPlaintextReads()).Load(ctx, "p")
		require.NoError(t, err, "migration: plain tokens readable on request")
		assert.Equal(t, secretRefresh, got.RefreshToken)
	})
}

func TestBadKeysAreRejectedWithoutTheirSecret(t *testing.T) {
	r := newRedis(t)
	for name, opt := range map[string]redisstore.Option{
		"short":      redisstore.WithEncryption(redisstore.Key{ID: "k", Secret: []byte("short-SECRET")}),
		"empty id":   redisstore.WithEncryption(redisstore.Key{Secret: key1.Secret}),
		"bad id":     redisstore.WithEncryption(redisstore.Key{ID: "a.b", Secret: key1.Secret}),
		"long id":    redisstore.WithEncryption(redisstore.Key{ID: strings.Repeat("k", 65), Secret: key1.Secret}),
		"duplicate":  redisstore.WithEncryption(key1, fake1),
		"bad old":    redisstore.WithEncryption(key1, redisstore.Key{ID: "old", Secret: []byte("x")}),
		"nil secret": redisstore.WithEncryption(redisstore.Key{ID: "k"}),
	} {
		_, err := redisstore.New(r.rdb, opt)
		require.Error(t, err, name)
		for _, secret := range [][]byte{key1.Secret, fake1.Secret, []byte("short-SECRET")} {
			assert.NotContains(t, err.Error(), string(secret), name)
		}
	}
	for _, n := range []int{16, 24, 32} {
		_, err := redisstore.New(r.rdb, redisstore.WithEncryption(redisstore.Key{ID: "ok_-1", Secret: bytes.Repeat([]byte{1}, n)}))
		require.NoError(t, err, "AES-%d", n*8)
	}
}

func TestKeyPrintsNoSecret(t *testing.T) {
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		out := fmt.Sprintf(verb, key1)
		assert.NotContains(t, out, string(key1.Secret), verb)
		assert.NotContains(t, out, fmt.Sprintf("%x", key1.Secret), verb)
		assert.Contains(t, out, key1.ID, verb)
		out = fmt.Sprintf(verb, []redisstore.Key{key1})
		assert.NotContains(t, out, string(key1.Secret), verb)
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("rotating", "key", key1)
	assert.NotContains(t, buf.String(), string(key1.Secret))
	assert.Contains(t, buf.String(), key1.ID)
}
