// Package cpustat reads the CPU time of the running process, the one clock that the
// experiments, the protocols and the reproduction report put beside their wall times.
package cpustat
