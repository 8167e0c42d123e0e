// Package slurmtest starts a real single-node Slurm cluster for tests.
package slurmtest
