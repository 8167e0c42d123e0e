package kernel

import (
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
)

func TestSignerSchemes(t *testing.T) {
	tests := []struct {
		scheme string
		sigLen int
		ok     bool
	}{
		{"hmac-sha256", 64, true}, {"", 64, true}, {"hmac-sha512", 128, true},
		{"hmac-sha1", 40, true}, {"hmac-md5", 32, true}, {"hmac-sha3", 0, false}, {"none", 0, false},
	}
	for _, tt := range tests {
		s, err := NewSigner(tt.scheme, []byte("k"))
		if (err == nil) != tt.ok {
			t.Errorf("%q: err %v", tt.scheme, err)
			continue
		}
		if err == nil && len(s.Sign([]byte("a"))) != tt.sigLen {
			t.Errorf("%q: signature length %d, want %d", tt.scheme, len(s.Sign([]byte("a"))), tt.sigLen)
		}
	}
}

// The HMAC of the concatenated parts, as jupyter_client computes it.
func TestSignKnownVector(t *testing.T) {
	s, _ := NewSigner("hmac-sha256", []byte("key"))
	// RFC 4231-style check: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
	got := string(s.Sign([]byte("The quick brown fox "), []byte("jumps over the lazy dog")))
	if want := "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func signedFrames(s *Signer, ids ...string) [][]byte {
	var idf [][]byte
	for _, id := range ids {
		idf = append(idf, []byte(id))
	}
	return Encode(s, idf, []byte(`{"msg_id":"1","session":"s","username":"u","date":"","msg_type":"kernel_info_request","version":"5.4"}`),
		[]byte(`{}`), []byte(`{}`), []byte(`{}`), [][]byte{[]byte("buf")})
}

func TestDecode(t *testing.T) {
	key := []byte("secret")
	good := func() [][]byte { s, _ := NewSigner("hmac-sha256", key); return signedFrames(s, "id1", "id2") }
	mutate := func(f func([][]byte) [][]byte) [][]byte { return f(good()) }
	tests := []struct {
		name   string
		frames [][]byte
		want   error
	}{
		{"good", good(), nil},
		{"no delimiter", mutate(func(f [][]byte) [][]byte { return append(f[:2:2], f[3:]...) }), ErrFrames},
		{"too few frames", mutate(func(f [][]byte) [][]byte { return f[:6] }), ErrFrames},
		{"nil", nil, ErrFrames},
		{"bad signature", mutate(func(f [][]byte) [][]byte { f[3] = []byte(hex.EncodeToString(make([]byte, 32))); return f }), ErrSignature},
		{"short signature", mutate(func(f [][]byte) [][]byte { f[3] = []byte("abc"); return f }), ErrSignature},
		{"empty signature", mutate(func(f [][]byte) [][]byte { f[3] = nil; return f }), ErrSignature},
		{"tampered content", mutate(func(f [][]byte) [][]byte { f[7] = []byte(`{"x":1}`); return f }), ErrSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := NewSigner("hmac-sha256", key)
			m, err := Decode(tt.frames, s)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
			if err != nil {
				return
			}
			if len(m.Identities) != 2 || string(m.Identities[1]) != "id2" || m.Header.MsgType != "kernel_info_request" ||
				len(m.Buffers) != 1 || string(m.Content) != "{}" {
				t.Errorf("decoded %+v", m)
			}
			// The same frames again are a replay.
			if _, err := Decode(tt.frames, s); !errors.Is(err, ErrReplay) {
				t.Errorf("replay: err %v", err)
			}
		})
	}
}

func TestDecodeBadJSON(t *testing.T) {
	s, _ := NewSigner("hmac-sha256", nil) // unsigned: JSON checks still apply
	hdr := []byte(`{"msg_type":"x"}`)
	tests := []struct {
		name                    string
		header, parent, meta, c string
	}{
		{"header", `{`, `{}`, `{}`, `{}`},
		{"no msg_type", `{}`, `{}`, `{}`, `{}`},
		{"parent array", string(hdr), `[]`, `{}`, `{}`},
		{"metadata null", string(hdr), `{}`, `null`, `{}`},
		{"content string", string(hdr), `{}`, `{}`, `"x"`},
		{"content truncated", string(hdr), `{}`, `{}`, `{"a":`},
	}
	for _, tt := range tests {
		f := [][]byte{delimiter, nil, []byte(tt.header), []byte(tt.parent), []byte(tt.meta), []byte(tt.c)}
		if _, err := Decode(f, s); !errors.Is(err, ErrJSON) {
			t.Errorf("%s: err %v, want ErrJSON", tt.name, err)
		}
	}
}

func TestReplayMemoryIsBounded(t *testing.T) {
	s, _ := NewSigner("hmac-sha256", []byte("k"))
	for i := 0; i < maxSeen+10; i++ {
		sig := s.Sign([]byte(fmt.Sprint(i)))
		if err := s.Verify(sig, []byte(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	if len(s.seen) != maxSeen || len(s.order) != maxSeen {
		t.Errorf("remembered %d/%d signatures, want %d", len(s.seen), len(s.order), maxSeen)
	}
	// The most recent is still refused.
	last := []byte(fmt.Sprint(maxSeen + 9))
	if err := s.Verify(s.Sign(last), last); !errors.Is(err, ErrReplay) {
		t.Errorf("err %v", err)
	}
}

func TestCursorConversion(t *testing.T) {
	code := "aé😀b"
	for _, tt := range []struct{ runes, bytes int }{{0, 0}, {1, 1}, {2, 3}, {3, 7}, {4, 8}, {9, 8}, {-1, 0}} {
		if got := runeOffsetToByte(code, tt.runes); got != tt.bytes {
			t.Errorf("runeOffsetToByte(%d) = %d, want %d", tt.runes, got, tt.bytes)
		}
		if tt.runes >= 0 && tt.runes <= 4 {
			if got := byteToRuneOffset(code, tt.bytes); got != tt.runes {
				t.Errorf("byteToRuneOffset(%d) = %d, want %d", tt.bytes, got, tt.runes)
			}
		}
	}
}

func FuzzDecode(f *testing.F) {
	s0, _ := NewSigner("hmac-sha256", []byte("k"))
	good := signedFrames(s0, "id")
	f.Add([]byte("id"), good[2], good[3], good[4], good[5], good[6], good[7])
	f.Add([]byte(""), []byte("<IDS|MSG>"), []byte(""), []byte("{"), []byte("[]"), []byte("null"), []byte(`{"a":1}`))
	f.Add([]byte("<IDS|MSG>"), []byte(""), []byte(`{"msg_type":"x"}`), []byte("{}"), []byte("{}"), []byte("{}"), []byte("b"))
	f.Fuzz(func(t *testing.T, a, b, c, d, e, g, h []byte) {
		all := [][]byte{a, b, c, d, e, g, h}
		for n := 0; n <= len(all); n++ {
			frames := all[:n]
			for _, key := range []string{"", "k"} {
				s, _ := NewSigner("hmac-sha256", []byte(key))
				m, err := Decode(frames, s)
				if err != nil {
					continue
				}
				if m.Header.MsgType == "" || !isObject(m.Content) || !isObject(m.Parent) || !isObject(m.Metadata) {
					t.Fatalf("accepted an invalid message: %+v", m)
				}
				if key != "" {
					// Accepted means signed with the key: the frame after the delimiter is
					// the signature of the next four.
					i := len(m.Identities) + 1
					if string(s.Sign(frames[i+1:i+5]...)) != string(frames[i]) && !hexEqualFold(frames[i], s.Sign(frames[i+1:i+5]...)) {
						t.Fatal("accepted a message with a wrong signature")
					}
				}
			}
		}
	})
}

func FuzzVerify(f *testing.F) {
	f.Add([]byte("key"), []byte("sig"), []byte("part"))
	f.Add([]byte(""), []byte(""), []byte(""))
	f.Fuzz(func(t *testing.T, key, sig, part []byte) {
		s, _ := NewSigner("hmac-sha256", key)
		err := s.Verify(sig, part)
		if len(key) == 0 {
			if err != nil {
				t.Fatalf("unsigned mode rejected: %v", err)
			}
			return
		}
		want := s.Sign(part)
		if (err == nil) != (string(sig) == string(want) || hexEqualFold(sig, want)) {
			t.Fatalf("Verify(%q) = %v, signature %q", sig, err, want)
		}
		// The real signature verifies once, then is a replay.
		s2, _ := NewSigner("hmac-sha256", key)
		if err := s2.Verify(want, part); err != nil {
			t.Fatal(err)
		}
		if err := s2.Verify(want, part); !errors.Is(err, ErrReplay) {
			t.Fatalf("replay accepted: %v", err)
		}
	})
}

func hexEqualFold(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x >= 'A' && x <= 'F' {
			x += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
