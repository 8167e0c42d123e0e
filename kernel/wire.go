package kernel

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"sync"
	"time"
)

// ProtocolVersion is the Jupyter messaging protocol version the kernel speaks.
const ProtocolVersion = "5.4"

// delimiter separates the routing identities from the signed parts of a wire message.
var delimiter = []byte("<IDS|MSG>")

// Header is a Jupyter message header.
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Message is one decoded Jupyter message. Parent keeps the parent header exactly as received
// (or as it will be sent), so replies echo the request's header byte for byte.
type Message struct {
	// Identities are the ZeroMQ routing frames before the delimiter.
	Identities [][]byte
	Header     Header
	// RawHeader is the header JSON as received, echoed as the parent of replies.
	RawHeader json.RawMessage
	// Parent is the raw parent header JSON ({} when there is none).
	Parent json.RawMessage
	// Metadata is the raw metadata JSON object.
	Metadata json.RawMessage
	// Content is the raw content JSON object.
	Content json.RawMessage
	// Buffers are the extra binary frames after the content.
	Buffers [][]byte
}

// Errors returned by Decode; they are wrapped with detail.
var (
	ErrFrames    = errors.New("kernel: malformed frames")
	ErrSignature = errors.New("kernel: bad signature")
	ErrReplay    = errors.New("kernel: replayed signature")
	ErrJSON      = errors.New("kernel: bad JSON")
)

// Signer signs and verifies messages with the scheme and key of a connection file. An empty key
// disables signing (the signature frame is empty and not checked). A Signer also remembers the
// signatures it has accepted, to drop replayed messages; it is safe for concurrent use.
type Signer struct {
	key     []byte
	newHash func() hash.Hash
	sigLen  int       // length of the hex signature
	macs    sync.Pool // of hash.Hash: keyed HMACs, reset and reused (hmac.New allocates)

	mu    sync.Mutex
	seen  map[string]struct{}
	order []string // ring of remembered signatures, oldest first
	next  int
}

// maxSeen bounds the memory of accepted signatures used to detect replays.
const maxSeen = 1 << 16

// NewSigner returns a Signer for scheme (hmac-sha256, hmac-sha512, hmac-sha1 or hmac-md5, as
// named in the connection file's signature_scheme) and key.
func NewSigner(scheme string, key []byte) (*Signer, error) {
	var h func() hash.Hash
	switch scheme {
	case "hmac-sha256", "":
		h = sha256.New
	case "hmac-sha512":
		h = sha512.New
	case "hmac-sha1":
		h = sha1.New
	case "hmac-md5":
		h = md5.New
	default:
		return nil, fmt.Errorf("kernel: unsupported signature_scheme %q (want hmac-sha256, hmac-sha512, hmac-sha1 or hmac-md5)", scheme)
	}
	s := &Signer{key: append([]byte(nil), key...), newHash: h, seen: map[string]struct{}{}}
	s.sigLen = 2 * h().Size()
	s.macs.New = func() any { return hmac.New(s.newHash, s.key) }
	return s, nil
}

// Enabled reports whether messages are signed (the key is not empty).
func (s *Signer) Enabled() bool { return len(s.key) > 0 }

// Sign returns the hex signature of the four signed parts, or "" when signing is disabled.
func (s *Signer) Sign(parts ...[]byte) []byte {
	if !s.Enabled() {
		return nil
	}
	m := s.macs.Get().(hash.Hash)
	m.Reset()
	for _, p := range parts {
		m.Write(p)
	}
	var buf [sha512.Size]byte
	sum := m.Sum(buf[:0])
	s.macs.Put(m)
	out := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(out, sum)
	return out
}

// Verify checks sig against parts in constant time and, when it matches, records it so that a
// second message with the same signature is rejected with ErrReplay.
func (s *Signer) Verify(sig []byte, parts ...[]byte) error {
	if !s.Enabled() {
		return nil
	}
	if len(sig) != s.sigLen {
		return fmt.Errorf("%w: length %d, want %d", ErrSignature, len(sig), s.sigLen)
	}
	want := s.Sign(parts...)
	if !hmac.Equal(bytes.ToLower(sig), want) {
		return ErrSignature
	}
	key := string(want)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.seen[key]; dup {
		return ErrReplay
	}
	if len(s.order) < maxSeen {
		s.order = append(s.order, key)
	} else {
		delete(s.seen, s.order[s.next])
		s.order[s.next] = key
		s.next = (s.next + 1) % maxSeen
	}
	s.seen[key] = struct{}{}
	return nil
}

// Decode parses the frames of one wire message, checks its signature (and replay), and
// validates that header, parent header, metadata and content are JSON objects. It never
// panics on malformed input.
func Decode(frames [][]byte, s *Signer) (*Message, error) {
	d := -1
	for i, f := range frames {
		if bytes.Equal(f, delimiter) {
			d = i
			break
		}
	}
	if d < 0 {
		return nil, fmt.Errorf("%w: no %s delimiter in %d frames", ErrFrames, delimiter, len(frames))
	}
	rest := frames[d+1:]
	if len(rest) < 5 {
		return nil, fmt.Errorf("%w: %d frames after the delimiter, want at least 5", ErrFrames, len(rest))
	}
	sig, hdr, parent, meta, content := rest[0], rest[1], rest[2], rest[3], rest[4]
	if err := s.Verify(sig, hdr, parent, meta, content); err != nil {
		return nil, err
	}
	m := &Message{Identities: frames[:d:d], RawHeader: json.RawMessage(hdr)}
	if err := json.Unmarshal(hdr, &m.Header); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrJSON, err)
	}
	if m.Header.MsgType == "" {
		return nil, fmt.Errorf("%w: header has no msg_type", ErrJSON)
	}
	for _, p := range []struct {
		name string
		raw  []byte
		dst  *json.RawMessage
	}{{"parent_header", parent, &m.Parent}, {"metadata", meta, &m.Metadata}, {"content", content, &m.Content}} {
		if !isObject(p.raw) {
			return nil, fmt.Errorf("%w: %s is not a JSON object", ErrJSON, p.name)
		}
		*p.dst = json.RawMessage(p.raw)
	}
	if len(rest) > 5 {
		m.Buffers = rest[5:]
	}
	return m, nil
}

// isObject reports whether raw is one valid JSON object.
func isObject(raw []byte) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) >= 2 && raw[0] == '{' && json.Valid(raw)
}

// Encode returns the wire frames of a message: identities, delimiter, signature, header,
// parent header, metadata, content and buffers. header, parent, metadata and content must be
// JSON encodings; nil parent or metadata are sent as {}.
func Encode(s *Signer, ids [][]byte, header, parent, metadata, content []byte, buffers [][]byte) [][]byte {
	if len(parent) == 0 {
		parent = []byte("{}")
	}
	if len(metadata) == 0 {
		metadata = []byte("{}")
	}
	frames := make([][]byte, 0, len(ids)+6+len(buffers))
	frames = append(frames, ids...)
	frames = append(frames, delimiter, s.Sign(header, parent, metadata, content), header, parent, metadata, content)
	return append(frames, buffers...)
}

// newID returns a random UUID string (version 4).
func newID() string {
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		// crypto/rand does not fail on supported platforms; fall back to the clock.
		binaryTime := time.Now().UnixNano()
		for i := range u {
			u[i] = byte(binaryTime >> (8 * (i % 8)))
		}
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// timestamp formats t as the ISO 8601 date Jupyter headers use.
func timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000Z07:00")
}
