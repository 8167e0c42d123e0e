// Package dirlock gives a gosnn run exclusive use of an output directory.
//
// Acquire takes an advisory lock (flock(2), non-blocking) on DIR/.gosnn.lock and writes
// there who holds it: process id, host, command line and start time. A second Acquire on
// the same directory, from this process or another, fails at once with an error that names
// the holder. The lock lasts until Release or the end of the process: the operating system
// drops it when the process dies, even by kill -9, so a crash never leaves the directory
// locked. While the lock is held no other gosnn run writes into the directory, so
// RemoveStaleTemps can safely delete the temporary files that the atomic writers of a killed
// run left behind.
//
// On systems without flock (non-Unix) Acquire always succeeds and locks nothing, and
// RemoveStaleTemps removes nothing.
package dirlock
