//go:build !linux

package main

// termState is not kept outside Linux.
type termState struct{}

func saveTerminal() *termState { return nil }

func (st *termState) restore() {}
