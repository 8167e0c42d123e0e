package experiment

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gosnn/gosnn/internal/cpustat"

	"github.com/gosnn/gosnn/internal/atomicfile"

	"github.com/gosnn/gosnn/internal/dirlock"
	"github.com/gosnn/gosnn/maesdata"
	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/snnio"
	"gonum.org/v1/gonum/mat"
)

// logf writes one line of progress to env.Log, if set.
func (env Env) logf(format string, a ...any) {
	if env.Log != nil {
		fmt.Fprintf(env.Log, format+"\n", a...)
	}
}

// command describes a run of kind for the lock of its directory (Env.Command, else
// "gosnn experiment KIND").
func (env Env) command(kind string) string {
	if env.Command != "" {
		return env.Command
	}
	return "gosnn experiment " + kind
}

// lockDir creates and locks env.Dir for the rest of the run (internal/dirlock), so that a
// second run cannot mix its files with this one's, and removes the temporary files a killed
// run left there, saying so on env.Log.
func lockDir(env Env, kind string) (*dirlock.Lock, error) {
	if err := os.MkdirAll(env.Dir, 0o755); err != nil {
		return nil, err
	}
	lock, err := dirlock.Acquire(env.Dir, env.command(kind))
	if err != nil {
		return nil, err
	}
	removed, err := lock.RemoveStaleTemps()
	if len(removed) > 0 {
		env.logf("removed %d temporary file(s) left in %s by a killed run: %s", len(removed), env.Dir, strings.Join(removed, ", "))
	}
	if err != nil {
		lock.Release()
		return nil, err
	}
	return lock, nil
}

// authorsFile returns path, or when it is "" the path of the authors' file name (package
// maesdata), or an error that starts with why the file is needed and says how to get it.
func authorsFile(path, name, why string) (string, error) {
	if path != "" {
		return path, nil
	}
	p, err := maesdata.Find(name)
	if err != nil {
		return "", fmt.Errorf("%s the authors' %s, which is not found: %w", why, name, err)
	}
	return p, nil
}

// weightFile is a full weight matrix (post × pre, E first) with its E count and clusters.
type weightFile struct {
	w     *mat.Dense
	n, ne int // all neurons, E neurons
	k     int // clusters of equal size
}

// loadWeightFile reads path and works out the E neurons (ne, else 4/5 of the matrix) and the
// clusters (clusters, else clusterSize, else the ncNNN in the file name), which must divide
// the E neurons.
func loadWeightFile(path string, ne, clusters, clusterSize int) (*weightFile, error) {
	w, err := snnio.LoadWeights(path)
	if err != nil {
		return nil, err
	}
	n, _ := w.Dims()
	if ne == 0 {
		ne = n * 4 / 5
	}
	if ne > n {
		return nil, fmt.Errorf("ne %d exceeds the matrix size %d", ne, n)
	}
	k := clusters
	switch {
	case k > 0:
	case clusterSize > 0:
		if ne%clusterSize != 0 {
			return nil, fmt.Errorf("cluster_size %d does not divide the %d E neurons", clusterSize, ne)
		}
		k = ne / clusterSize
	default:
		size, ok := snnio.ClusterSizeFromName(path)
		if !ok {
			return nil, fmt.Errorf("cannot tell the clusters of %s: give clusters or cluster_size (--clusters K or --cluster-size M), or name the file with its cluster size (ncNNN)", path)
		}
		if size <= 0 || ne%size != 0 {
			return nil, fmt.Errorf("cluster size %d from the name of %s does not divide the %d E neurons", size, path, ne)
		}
		k = ne / size
	}
	if ne%k != 0 {
		return nil, fmt.Errorf("clusters %d does not divide the %d E neurons", k, ne)
	}
	return &weightFile{w: w, n: n, ne: ne, k: k}, nil
}

// network builds the frozen network of a weight file, its configuration changed by edit (nil:
// none) before the network is built.
func (wf *weightFile) network(path string, seed uint64, threads int, edit func(*snn.Config)) (*snn.Network, error) {
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = wf.ne, wf.n-wf.ne, wf.k
	cfg.Seed, cfg.Threads = seed, threads
	if edit != nil {
		edit(&cfg)
	}
	net, err := snn.NewFromWeights(cfg, wf.w, snn.Clusters{})
	if err != nil {
		// "snn: NewFromWeights: weight[3][7] = NaN" says where in the matrix, this in which file.
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return net, nil
}

// attachHost gives net the host of env, if any.
func attachHost(net *snn.Network, env Env) {
	if env.Host != nil {
		net.SetHost(env.Host)
	}
}

// writeFileAtomic writes data to path atomically (internal/atomicfile).
func writeFileAtomic(path string, data []byte) error {
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("experiment: %w", err)
	}
	return nil
}

// checkWritable fails early, before a long run, when the weights could not be saved to path:
// it saves a 1×1 matrix in the same format to a temporary name in the same directory.
func checkWritable(path string) error {
	probe := filepath.Join(filepath.Dir(path), ".gosnn-probe-"+strconv.Itoa(os.Getpid())+filepath.Ext(path))
	if err := snnio.SaveWeights(probe, mat.NewDense(1, 1, []float64{1})); err != nil {
		return fmt.Errorf("cannot save weights to %s: %w", path, err)
	}
	return os.Remove(probe)
}

// checkMs reports a duration field that is not finite and > 0.
func checkMs(kind, field string, ms float64) error {
	if !(ms > 0) || math.IsInf(ms, 0) {
		return fmt.Errorf("experiment: %s: %s = %v: must be finite and > 0", kind, field, ms)
	}
	return nil
}

// wrap prefixes a run's error with the package and kind (nil stays nil).
func wrap(kind string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("experiment: %s: %w", kind, err)
}

// ErrNoDir is the error (wrapped) of a kind that needs Env.Dir run without one.
var ErrNoDir = errors.New("Env.Dir is required (the run's directory)")

// procStatusKB returns a "kB" field of /proc/self/status (Linux), or -1.
func procStatusKB(field string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err == nil {
				return v
			}
		}
	}
	return -1
}

// peakRSSMB returns the process's peak resident set size in MB (-1 where /proc is
// unavailable).
func peakRSSMB() float64 {
	kb := procStatusKB("VmHWM")
	if kb < 0 {
		return -1
	}
	return kb / 1024
}

// cpuSeconds returns the process's user+system CPU time, s (internal/cpustat).
func cpuSeconds() float64 { return cpustat.Seconds() }

// checkGeometry checks the fields that read a weight file's network (clusters, cluster_size,
// ne) of the kinds that load one: none negative, and not both clusters and cluster_size.
func checkGeometry(clusters, clusterSize, ne int) error {
	switch {
	case clusters < 0:
		return fmt.Errorf("clusters = %d: must be >= 0", clusters)
	case clusterSize < 0:
		return fmt.Errorf("cluster_size = %d: must be >= 0", clusterSize)
	case ne < 0:
		return fmt.Errorf("ne = %d: must be >= 0", ne)
	case clusters > 0 && clusterSize > 0:
		return fmt.Errorf("clusters and cluster_size: give one, not both")
	}
	return nil
}
