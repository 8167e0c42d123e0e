//go:build !linux

package snn

func init() { profThreadClock = nil }
