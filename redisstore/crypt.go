package redisstore

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
)

// Key is one AES key for encrypting tokens at rest, named by an ID that is
// stored beside each ciphertext. Secret must be 16, 24 or 32 bytes
// (AES-128, -192, -256); ID is 1 to 64 characters of [A-Za-z0-9_-].
//
// Printing a Key with fmt or log/slog shows its ID, never its Secret.
type Key struct {
	ID     string
	Secret []byte
}

// String describes the key without its secret.
func (k Key) String() string { return "redisstore.Key{ID:" + k.ID + " Secret:[redacted]}" }

// GoString is String: %#v never shows the secret.
func (k Key) GoString() string { return k.String() }

// Format implements fmt.Formatter so that every verb prints String.
func (k Key) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue implements slog.LogValuer: the ID only.
func (k Key) LogValue() slog.Value { return slog.GroupValue(slog.String("id", k.ID)) }

// sealedPrefix starts every encrypted value: "e1.<key id>.<base64url(nonce|ciphertext)>".
// Plain values are JSON objects and start with '{'.
const sealedPrefix = "e1."

// keyring encrypts with its current key and decrypts with any key it knows.
type keyring struct {
	current string
	aeads   map[string]cipher.AEAD
}

func newKeyring(current Key, previous []Key) (*keyring, error) {
	kr := &keyring{current: current.ID, aeads: map[string]cipher.AEAD{}}
	for _, k := range append([]Key{current}, previous...) {
		if !validKeyID(k.ID) {
			return nil, fmt.Errorf("redisstore: key id %q: want 1 to 64 characters of [A-Za-z0-9_-]", k.ID)
		}
		if _, dup := kr.aeads[k.ID]; dup {
			return nil, fmt.Errorf("redisstore: key id %q given twice", k.ID)
		}
		block, err := aes.NewCipher(k.Secret)
		if err != nil {
			return nil, fmt.Errorf("redisstore: key %q: want a 16, 24 or 32 byte secret, got %d bytes", k.ID, len(k.Secret))
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("redisstore: key %q: %w", k.ID, err)
		}
		kr.aeads[k.ID] = aead
	}
	return kr, nil
}

func validKeyID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		ok := r == '-' || r == '_' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
		if !ok {
			return false
		}
	}
	return true
}

// seal encrypts plaintext with the current key. The Redis key name and the
// key id are authenticated with it, so a value copied under another
// session's key does not decrypt.
func (kr *keyring) seal(redisKey string, plaintext []byte) (string, error) {
	aead := kr.aeads[kr.current]
	buf := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("redisstore: nonce: %w", err)
	}
	buf = aead.Seal(buf, buf, plaintext, additionalData(redisKey, kr.current))
	return sealedPrefix + kr.current + "." + base64.RawURLEncoding.EncodeToString(buf), nil
}

// open decrypts a sealed value.
func (kr *keyring) open(redisKey, value string) ([]byte, error) {
	id, data, ok := strings.Cut(strings.TrimPrefix(value, sealedPrefix), ".")
	if !ok || !validKeyID(id) { // an id no key can have is not copied into an error
		return nil, ErrCorrupt
	}
	if kr == nil {
		return nil, fmt.Errorf("%w (the store has no keys)", ErrUnknownKey)
	}
	aead, known := kr.aeads[id]
	if !known {
		return nil, fmt.Errorf("%w %q", ErrUnknownKey, id)
	}
	raw, err := base64.RawURLEncoding.DecodeString(data)
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrCorrupt
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], additionalData(redisKey, id))
	if err != nil {
		return nil, fmt.Errorf("%w (key id %q)", ErrDecrypt, id)
	}
	return plain, nil
}

func additionalData(redisKey, keyID string) []byte {
	return []byte(keyID + "\x00" + redisKey)
}
