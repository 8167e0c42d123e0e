package snn

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Memory check. A network too large for the machine would make the Go runtime fail with a
// fatal "out of memory" (or the system's out-of-memory killer end the process) while New
// allocates its synapses, which no caller can recover from: New and NewFromWeights estimate
// the memory first and return an error instead.

// Bytes per synapse: its presynaptic index and weight (CSR by postsynaptic neuron) and its
// postsynaptic index and weight index (by presynaptic neuron), 4+8+4+4.
const bytesPerSynapse = 20

// bytesPerNeuron bounds the per-neuron state: the cells (eleven 8-byte values) and the row and
// column pointers of the projections it belongs to.
const bytesPerNeuron = 128

// memoryEstimate returns the bytes that New needs for the network of cfg (neurons and the
// expected number of recurrent synapses; monitors and read-out populations come on top), and
// that expected number of synapses.
func memoryEstimate(cfg Config) (bytes, synapses float64) {
	ne, ni := float64(cfg.NE), float64(cfg.NI)
	synapses = cfg.EtoE.P*ne*(ne-1) + cfg.EtoI.P*ne*ni + cfg.ItoE.P*ni*ne + cfg.ItoI.P*ni*(ni-1)
	if synapses < 0 {
		synapses = 0
	}
	return memoryBytes(ne+ni, synapses), synapses
}

func memoryBytes(neurons, synapses float64) float64 {
	return bytesPerSynapse*synapses + bytesPerNeuron*neurons
}

// availableMemory returns the bytes this process may still allocate, 0 when unknown: Linux's
// MemAvailable, lowered to what the process's cgroup limit leaves.
func availableMemory() uint64 {
	avail := memAvailable("/proc/meminfo")
	if cg := cgroupRoom("/sys/fs/cgroup"); cg > 0 && (avail == 0 || cg < avail) {
		avail = cg
	}
	return avail
}

// memAvailable reads MemAvailable (kB) from a meminfo file; 0 when missing.
func memAvailable(path string) uint64 {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "MemAvailable:" {
			kb, err := strconv.ParseUint(f[1], 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// cgroupRoom returns memory.max − memory.current of the cgroup v2 mounted at dir (the
// process's own under a container's usual mount), 0 when there is no limit or no cgroup v2.
func cgroupRoom(dir string) uint64 {
	read := func(name string) (uint64, bool) {
		data, err := os.ReadFile(dir + "/" + name)
		if err != nil {
			return 0, false
		}
		v, err := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 64)
		return v, err == nil
	}
	limit, ok := read("memory.max") // "max" when unlimited: not a number
	if !ok {
		return 0
	}
	cur, _ := read("memory.current")
	if cur >= limit {
		return 1
	}
	return limit - cur
}

// checkMemory returns an error when a network of the given size needs more than avail bytes
// (avail 0: unknown, no check).
func checkMemory(neurons, synapses float64, avail uint64) error {
	need := memoryBytes(neurons, synapses)
	if avail == 0 || need <= float64(avail) {
		return nil
	}
	return fmt.Errorf("snn: a network of %.0f neurons and %.3g synapses needs about %s; this machine has %s available",
		neurons, synapses, gib(need), gib(float64(avail)))
}

func gib(b float64) string {
	if b >= 1<<40 {
		return fmt.Sprintf("%.1f TiB", b/(1<<40))
	}
	if b < 1<<30 {
		return fmt.Sprintf("%.0f MiB", b/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", b/(1<<30))
}

// checkWeightsMemory checks the network of the n×n weight matrix raw (row-major, with its
// stride): every entry may be a synapse, and they are counted only when that bound does not
// fit in avail.
func checkWeightsMemory(data []float64, stride, n int, avail uint64) error {
	if checkMemory(float64(n), float64(n)*float64(n), avail) == nil {
		return nil
	}
	nnz := 0
	for j := 0; j < n; j++ {
		for _, x := range data[j*stride:][:n] {
			if x != 0 {
				nnz++
			}
		}
	}
	return checkMemory(float64(n), float64(nnz), avail)
}
