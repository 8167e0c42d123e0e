package experiment

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/snn"
)

// stateNet returns a small network (40 E + 10 I) run for 5 ms, so that its state is not the
// initial one.
func stateNet(t testing.TB) *snn.Network {
	t.Helper()
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters, cfg.Threads = 40, 10, 2, 1
	n, err := snn.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Run(5); err != nil {
		t.Fatal(err)
	}
	return n
}

// sameHead accepts the header want only.
func sameHead(want []byte) func([]byte) error {
	return func(h []byte) error {
		if !bytes.Equal(h, want) {
			return otherRun(h)
		}
		return nil
	}
}

// TestRunStateFile writes a state file and reads it back, then damages it in each way the
// reader must name: another kind's magic, a version, truncation, a flipped bit, another run's
// header. A damaged file restores nothing.
func TestRunStateFile(t *testing.T) {
	const magic = "GOSNNXX\x00"
	net := stateNet(t)
	var buf bytes.Buffer
	if err := writeRunState(&buf, magic, []byte(`{"a":1}`), []byte{1, 2, 3, 4}, net); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	dir := t.TempDir()
	read := func(data []byte, head string) (*snn.Network, []byte, bool, error) {
		path := filepath.Join(dir, "state.bin")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		fresh := stateNet(t)
		if err := fresh.Run(1); err != nil { // a different state from net's
			t.Fatal(err)
		}
		trail, ok, err := readRunState(path, magic, "test", 4, fresh, sameHead([]byte(head)))
		return fresh, trail, ok, err
	}
	fresh, trail, ok, err := read(good, `{"a":1}`)
	if err != nil || !ok || !bytes.Equal(trail, []byte{1, 2, 3, 4}) || fresh.Steps() != net.Steps() {
		t.Fatalf("intact file: trail %v, ok %v, err %v, steps %d (want %d)", trail, ok, err, fresh.Steps(), net.Steps())
	}
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x10
		return b
	}
	for _, tc := range []struct {
		name string
		data []byte
		head string
		want string
	}{
		{"other kind", append([]byte("GOSNNYY\x00"), good[8:]...), `{"a":1}`, "is not a test run's state"},
		{"version", flip(8), `{"a":1}`, "state version"},
		{"truncated header", good[:20], `{"a":1}`, "truncated"},
		{"empty", nil, `{"a":1}`, "is not a test run's state"},
		{"flipped header bit", flip(18), `{"a":1}`, "checksum mismatch"},
		{"flipped trailer bit", flip(len(magic) + 8 + 7 + 1), `{"a":1}`, "checksum mismatch"},
		{"other run", good, `{"a":2}`, "other options"},
		{"truncated network state", good[:len(good)-3], `{"a":1}`, "state.bin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fresh, _, ok, err := read(tc.data, tc.head)
			if err == nil || ok || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ok %v, error %v, want one containing %q", ok, err, tc.want)
			}
			if tc.name != "truncated network state" && fresh.Steps() == net.Steps() {
				t.Errorf("a refused file changed the network (steps %d)", fresh.Steps())
			}
		})
	}
	if _, ok, err := readRunState(filepath.Join(dir, "none.bin"), magic, "test", 4, net, sameHead(nil)); ok || err != nil {
		t.Errorf("absent file: ok %v, err %v, want neither", ok, err)
	}
}

// FuzzRunStateFile: any bytes are either refused with an error or restore a state; never a
// panic.
func FuzzRunStateFile(f *testing.F) {
	net := stateNet(f)
	var buf bytes.Buffer
	if err := writeRunState(&buf, "GOSNNXX\x00", []byte("opts"), []byte{9}, net); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("GOSNNXX\x00\x01\x00\x00\x00\xff\xff\xff\xff"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "state.bin")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		trail, ok, err := readRunState(path, "GOSNNXX\x00", "test", 1, stateNet(t), func([]byte) error { return nil })
		if ok == (err != nil) || (ok && len(trail) != 1) {
			t.Fatalf("ok %v, err %v, trail %v", ok, err, trail)
		}
	})
}
