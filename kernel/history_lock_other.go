//go:build !unix

package kernel

// lockHistory does nothing where flock is not available: concurrent kernels sharing one
// history file may then lose each other's latest entries.
func lockHistory(string) (func(), error) { return func() {}, nil }
