package kernel

import (
	"encoding/json"
	"fmt"
	"net"
	"strconv"
)

// ConnectionInfo is the content of a Jupyter connection file: where each socket binds and how
// messages are signed. A port of 0 asks the operating system for a free port; Kernel.Connection
// reports the ports actually bound.
type ConnectionInfo struct {
	Transport       string `json:"transport"`
	IP              string `json:"ip"`
	ShellPort       int    `json:"shell_port"`
	IOPubPort       int    `json:"iopub_port"`
	StdinPort       int    `json:"stdin_port"`
	ControlPort     int    `json:"control_port"`
	HBPort          int    `json:"hb_port"`
	SignatureScheme string `json:"signature_scheme"`
	Key             string `json:"key"`
	KernelName      string `json:"kernel_name,omitempty"`
}

// ParseConnection decodes and validates a connection file's JSON.
func ParseConnection(data []byte) (ConnectionInfo, error) {
	var c ConnectionInfo
	if err := json.Unmarshal(data, &c); err != nil {
		return c, fmt.Errorf("kernel: connection file: %v", err)
	}
	if c.Transport == "" {
		c.Transport = "tcp"
	}
	if c.SignatureScheme == "" {
		c.SignatureScheme = "hmac-sha256"
	}
	switch c.Transport {
	case "tcp":
		if c.IP == "" {
			return c, fmt.Errorf("kernel: connection file: ip is missing")
		}
		if c.IP != "*" && net.ParseIP(c.IP) == nil && !isHostname(c.IP) {
			return c, fmt.Errorf("kernel: connection file: ip %q is neither an address nor a host name", c.IP)
		}
	case "ipc":
		if c.IP == "" {
			return c, fmt.Errorf("kernel: connection file: ip (the ipc path prefix) is missing")
		}
	default:
		return c, fmt.Errorf("kernel: connection file: unsupported transport %q (want tcp or ipc)", c.Transport)
	}
	for _, p := range []struct {
		name string
		port int
	}{{"shell_port", c.ShellPort}, {"iopub_port", c.IOPubPort}, {"stdin_port", c.StdinPort}, {"control_port", c.ControlPort}, {"hb_port", c.HBPort}} {
		if p.port < 0 || p.port > 65535 {
			return c, fmt.Errorf("kernel: connection file: %s %d is out of range", p.name, p.port)
		}
		if c.Transport == "ipc" && p.port == 0 {
			return c, fmt.Errorf("kernel: connection file: %s must be set for ipc transport", p.name)
		}
	}
	if _, err := NewSigner(c.SignatureScheme, []byte(c.Key)); err != nil {
		return c, err
	}
	return c, nil
}

// maxConnectionFileBytes bounds a connection file (a real one is a few hundred bytes).
const maxConnectionFileBytes = 1 << 20

// ReadConnectionFile reads and validates the connection file at path, a regular file of at
// most 1 MiB.
func ReadConnectionFile(path string) (ConnectionInfo, error) {
	data, err := readFileBounded(path, maxConnectionFileBytes, "connection files")
	if err != nil {
		return ConnectionInfo{}, fmt.Errorf("kernel: %v", err)
	}
	return ParseConnection(data)
}

// endpoint returns the ZeroMQ endpoint for port on the connection's address.
func (c ConnectionInfo) endpoint(port int) string {
	if c.Transport == "ipc" {
		return "ipc://" + c.IP + "-" + strconv.Itoa(port)
	}
	return "tcp://" + net.JoinHostPort(c.IP, strconv.Itoa(port))
}

// listenEndpoint returns the endpoint on which the kernel listens on port: the same address
// as endpoint, through the kernel's own transport configured by cfg.
func (c ConnectionInfo) listenEndpoint(port int, cfg *wireConfig) string {
	if c.Transport == "ipc" {
		return wireEndpoint("ipc", c.IP+"-"+strconv.Itoa(port), cfg)
	}
	return wireEndpoint("tcp", net.JoinHostPort(c.IP, strconv.Itoa(port)), cfg)
}

// isHostname reports whether s is syntactically a host name (letters, digits, '-' and '.').
// It is not looked up: binding reports an unknown host.
func isHostname(s string) bool {
	if len(s) == 0 || len(s) > 253 || s[0] == '-' || s[0] == '.' {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}
