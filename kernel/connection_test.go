package kernel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseConnection(t *testing.T) {
	tests := []struct {
		name, json, errPart string
	}{
		{"ok", `{"transport":"tcp","ip":"127.0.0.1","shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5,"signature_scheme":"hmac-sha256","key":"k"}`, ""},
		{"defaults", `{"ip":"127.0.0.1"}`, ""},
		{"ipc", `{"transport":"ipc","ip":"/tmp/k","shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5}`, ""},
		{"ipc port 0", `{"transport":"ipc","ip":"/tmp/k"}`, "must be set"},
		{"bad json", `{"ip":`, "connection file"},
		{"no ip", `{"transport":"tcp"}`, "ip is missing"},
		{"bad port", `{"ip":"127.0.0.1","shell_port":70000}`, "shell_port 70000 is out of range"},
		{"bad transport", `{"ip":"127.0.0.1","transport":"udp"}`, "unsupported transport"},
		{"host name", `{"ip":"localhost"}`, ""},
		{"bad host", `{"ip":"no such/host"}`, "neither an address nor a host name"},
		{"bad scheme", `{"ip":"127.0.0.1","signature_scheme":"rot13"}`, "unsupported signature_scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseConnection([]byte(tt.json))
			if tt.errPart == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.Transport == "" || c.SignatureScheme == "" {
					t.Errorf("defaults not applied: %+v", c)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.errPart) || !strings.HasPrefix(err.Error(), "kernel: ") {
				t.Errorf("err %v, want one containing %q", err, tt.errPart)
			}
		})
	}
}

func TestEndpoint(t *testing.T) {
	if got := (ConnectionInfo{Transport: "tcp", IP: "::1"}).endpoint(5); got != "tcp://[::1]:5" {
		t.Error(got)
	}
	if got := (ConnectionInfo{Transport: "ipc", IP: "/tmp/k"}).endpoint(5); got != "ipc:///tmp/k-5" {
		t.Error(got)
	}
}

func TestReadConnectionFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.json")
	if _, err := ReadConnectionFile(p); err == nil {
		t.Error("missing file accepted")
	}
	os.WriteFile(p, []byte(`{"ip":"127.0.0.1","key":"x"}`), 0o600)
	if c, err := ReadConnectionFile(p); err != nil || c.Key != "x" {
		t.Errorf("%+v %v", c, err)
	}
	// Inputs that never end or are huge are refused before they are read whole.
	dir := t.TempDir()
	zero := filepath.Join(dir, "zero.json")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, make([]byte, maxConnectionFileBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{zero, "not a regular file"},
		{dir, "not a regular file"},
		{big, "larger than the 1-MiB limit for connection files"},
	} {
		if _, err := ReadConnectionFile(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadConnectionFile(%s) = %v, want an error containing %q", filepath.Base(tc.path), err, tc.want)
		}
	}
}

func FuzzParseConnection(f *testing.F) {
	f.Add([]byte(`{"transport":"tcp","ip":"127.0.0.1","shell_port":1,"key":"k"}`))
	f.Add([]byte(`{"transport":"ipc","ip":"x","shell_port":-1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConnection(data)
		if err != nil {
			return
		}
		for _, p := range []int{c.ShellPort, c.IOPubPort, c.StdinPort, c.ControlPort, c.HBPort} {
			if p < 0 || p > 65535 {
				t.Fatalf("accepted port %d", p)
			}
		}
		if _, err := NewSigner(c.SignatureScheme, []byte(c.Key)); err != nil {
			t.Fatal(err)
		}
	})
}
