package experiment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/gosnn/gosnn/internal/atomicfile"
	"github.com/gosnn/gosnn/maesdata"
	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/protocol"
)

// DegradationOptions are the options of kind "degradation": the authors' open-loop
// weight-degradation test sim_degradation (docs/MODEL.md 7.2, protocol.Degradation) on a
// trained weight matrix. The network built from the matrix, with the rules of Preset
// attached, runs Chunks plastic spontaneous phases of ChunkMs each while every recurrent
// projection delivers spikes with the starting weights; the result holds the forward (j → j+1)
// and backward (j+1 → j) E→E block means, zeros included, at the start and after every chunk.
//
// Run needs Env.Dir. It locks it and, after every chunk, writes DIR/degradation-state.bin
// atomically (the options, the chunks so far and the network's state): a later Run with the
// same options and Dir resumes after the last finished chunk (saying so on Env.Log) and
// returns the same block means as an uninterrupted run. At the end it writes
// DIR/degradation.csv (one line per chunk: end time, forward and backward means, then the
// blocks) and removes the state.
type DegradationOptions struct {
	// Weights is the weight matrix file (.mat, .npy or text), post × pre, E first; "" means
	// the authors' FF60b_2400_nc160.mat (package maesdata).
	Weights string `json:"weights"`
	// Clusters is the number of E clusters; 0: from ClusterSize, else the file name's ncNNN.
	Clusters int `json:"clusters"`
	// ClusterSize is the E cluster size; 0: from Clusters, else the file name's ncNNN.
	ClusterSize int `json:"cluster_size"`
	// NE is the number of E neurons; 0: 4/5 of the matrix size.
	NE int `json:"ne"`
	// Preset names the plasticity rules, as TrainOptions.Preset: "nc160" (the default: the
	// rules the authors' nc160 matrix was trained with), "paper" or "reduced".
	Preset string `json:"preset"`
	// Chunks is the number of plastic spontaneous phases (30, [J]'s).
	Chunks int `json:"chunks"`
	// ChunkMs is the length of each, ms (120 000, [J]'s 2 minutes); plasticity starts 1 s
	// into each, so it must exceed 1000.
	ChunkMs float64 `json:"chunk_ms"`
	// Seed seeds the initial state and the Poisson input (1).
	Seed uint64 `json:"seed"`
}

// DefaultDegradationOptions returns the defaults of kind "degradation": [J]'s 30 × 2 minutes
// on the authors' matrix.
func DefaultDegradationOptions() *DegradationOptions {
	return &DegradationOptions{Preset: "nc160", Chunks: 30, ChunkMs: 120000, Seed: 1}
}

// Kind returns "degradation".
func (o *DegradationOptions) Kind() string { return "degradation" }

// Validate reports the first invalid field.
func (o *DegradationOptions) Validate() error {
	if err := checkGeometry(o.Clusters, o.ClusterSize, o.NE); err != nil {
		return fmt.Errorf("experiment: degradation: %w", err)
	}
	switch {
	case o.Preset != "paper" && o.Preset != "reduced" && o.Preset != "nc160":
		return fmt.Errorf("experiment: degradation: preset %q: want nc160, paper or reduced", o.Preset)
	case o.Chunks < 1:
		return fmt.Errorf("experiment: degradation: chunks = %d: must be >= 1", o.Chunks)
	case !(o.ChunkMs > 1000) || math.IsInf(o.ChunkMs, 0):
		return fmt.Errorf("experiment: degradation: chunk_ms = %v: must be finite and > 1000 (plasticity starts 1 s into each chunk)", o.ChunkMs)
	}
	return nil
}

// DegradationChunk is the state of the live E→E weights at the end of a chunk (the first: at
// the start), as protocol.DegradationChunk.
type DegradationChunk struct {
	EndMs          float64   `json:"end_ms"`
	Forward        float64   `json:"forward"`  // mean of ForwardBlocks, pF
	Backward       float64   `json:"backward"` // mean of BackwardBlocks, pF
	ForwardBlocks  []float64 `json:"forward_blocks"`
	BackwardBlocks []float64 `json:"backward_blocks"`
}

// DegradationResult is the result of kind "degradation".
type DegradationResult struct {
	Weights     string `json:"weights"` // the weight file read
	Neurons     int    `json:"neurons"`
	Clusters    int    `json:"clusters"`
	ClusterSize int    `json:"cluster_size"`
	Preset      string `json:"preset"`
	Seed        uint64 `json:"seed"`
	Threads     int    `json:"threads"`
	// Chunks are the block means at the start and after every chunk (Chunks + 1 entries).
	Chunks []DegradationChunk `json:"chunks"`
	// Resumed is the number of chunks read from a saved state instead of run.
	Resumed    int     `json:"chunks_resumed"`
	SimSeconds float64 `json:"sim_seconds"`
	// TotalWallSeconds and TotalCPUSeconds are what the test cost, the chunks of earlier
	// runs it resumed included.
	TotalWallSeconds float64 `json:"total_wall_seconds"`
	TotalCPUSeconds  float64 `json:"total_cpu_seconds"`
}

// Kind returns "degradation".
func (r *DegradationResult) Kind() string { return "degradation" }

// degradationState is the file a degradation run saves after every chunk.
const degradationState = "degradation-state.bin"

// Run does the test in env.Dir (required), resuming from its saved state.
func (o *DegradationOptions) Run(ctx context.Context, env Env) (Result, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	r, err := o.run(ctx, env)
	if err != nil {
		return nil, wrap("degradation", err)
	}
	return r, nil
}

// degradationSaved is the header of degradation-state.bin.
type degradationSaved struct {
	Options json.RawMessage    `json:"options"`
	Chunks  []DegradationChunk `json:"chunks"`
	Wall    float64            `json:"wall_seconds"`
	CPU     float64            `json:"cpu_seconds"`
}

func (o *DegradationOptions) run(ctx context.Context, env Env) (*DegradationResult, error) {
	if env.Dir == "" {
		return nil, ErrNoDir
	}
	path, err := authorsFile(o.Weights, maesdata.Weights, "weights not given: the default is")
	if err != nil {
		return nil, err
	}
	wf, err := loadWeightFile(path, o.NE, o.Clusters, o.ClusterSize)
	if err != nil {
		return nil, err
	}
	lock, err := lockDir(env, "degradation")
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	setup := presetSetup(o.Preset, wf.k, wf.ne/wf.k)
	cfg := setup.Config
	cfg.NE, cfg.NI, cfg.Clusters = wf.ne, wf.n-wf.ne, wf.k
	cfg.Seed, cfg.Threads = o.Seed, env.Threads
	net, err := snn.NewFromWeights(cfg, wf.w, snn.Clusters{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := net.SetVoltageSTDP(snn.ProjEtoE, setup.EE); err != nil {
		return nil, err
	}
	if err := net.SetInhibitorySTDP(snn.ProjItoE, setup.IE); err != nil {
		return nil, err
	}
	if err := net.SetNormalization(snn.ProjEtoE, setup.Norm); err != nil {
		return nil, err
	}
	// Open loop now, with the starting weights, so that a resumed state keeps them as the
	// frozen copy.
	for _, id := range []snn.ProjID{snn.ProjEtoE, snn.ProjEtoI, snn.ProjItoE, snn.ProjItoI} {
		if err := net.SetOpenLoop(id, true); err != nil {
			return nil, err
		}
	}
	attachHost(net, env)
	opts, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	statePath := filepath.Join(env.Dir, degradationState)
	saved, err := readDegradationState(statePath, opts, net)
	if err != nil {
		return nil, err
	}
	resumed := 0
	if len(saved.Chunks) > 0 {
		resumed = len(saved.Chunks) - 1
		env.logf("degradation: resumed from %s after chunk %d of %d (t = %.0f s)", statePath, resumed, o.Chunks, net.Time()/1000)
	}
	chunks := saved.Chunks
	cpu0, t0 := cpuSeconds(), time.Now()
	cost := func() (float64, float64) {
		return saved.Wall + time.Since(t0).Seconds(), saved.CPU + cpuSeconds() - cpu0
	}
	for len(chunks) < o.Chunks+1 {
		out, err := protocol.Degradation(ctx, net, 1, o.ChunkMs)
		if err != nil {
			return nil, err
		}
		if len(chunks) == 0 {
			chunks = append(chunks, chunkOf(out[0]))
		}
		chunks = append(chunks, chunkOf(out[1]))
		c := chunks[len(chunks)-1]
		wall, cpu := cost()
		env.logf("degradation: chunk %d/%d  %6.0f s  forward %.4f  backward %.4f pF  [%.0f s wall]",
			len(chunks)-1, o.Chunks, c.EndMs/1000, c.Forward, c.Backward, wall)
		if len(chunks) < o.Chunks+1 {
			s := degradationSaved{Options: opts, Chunks: chunks, Wall: wall, CPU: cpu}
			if err := atomicfile.Write(statePath, 0o644, func(w io.Writer) error {
				return writeDegradationState(w, s, net)
			}); err != nil {
				return nil, err
			}
		}
	}
	if err := writeDegradationCSV(filepath.Join(env.Dir, "degradation.csv"), chunks); err != nil {
		return nil, err
	}
	if err := os.Remove(statePath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	wall, cpu := cost()
	return &DegradationResult{Weights: path, Neurons: wf.n, Clusters: wf.k, ClusterSize: wf.ne / wf.k,
		Preset: o.Preset, Seed: o.Seed, Threads: net.Threads(), Chunks: chunks, Resumed: resumed,
		SimSeconds: net.Time() / 1000, TotalWallSeconds: wall, TotalCPUSeconds: cpu}, nil
}

// chunkOf converts a chunk of protocol.Degradation.
func chunkOf(c protocol.DegradationChunk) DegradationChunk {
	return DegradationChunk{EndMs: c.EndMs, Forward: c.Forward, Backward: c.Backward,
		ForwardBlocks: c.ForwardBlocks, BackwardBlocks: c.BackwardBlocks}
}

// degradationMagic starts degradation-state.bin (statefile.go): the header is the record of
// the chunks so far (degradationSaved) as JSON; no trailer.
const degradationMagic = "GOSNNDG\x00"

func writeDegradationState(w io.Writer, s degradationSaved, net *snn.Network) error {
	head, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return writeRunState(w, degradationMagic, head, nil, net)
}

// readDegradationState restores net from path if it exists and returns the header (zero when
// there is no state).
func readDegradationState(path string, opts []byte, net *snn.Network) (degradationSaved, error) {
	var s degradationSaved
	_, _, err := readRunState(path, degradationMagic, "degradation", 0, net, func(head []byte) error {
		if err := json.Unmarshal(head, &s); err != nil {
			return err
		}
		if !bytes.Equal(s.Options, opts) {
			return otherRun(s.Options)
		}
		return nil
	})
	if err != nil {
		return degradationSaved{}, err
	}
	return s, nil
}

// writeDegradationCSV writes the chunks to path atomically: end_ms, forward, backward, then
// forward_0 … forward_{K−1} and backward_0 … backward_{K−1} (pF).
func writeDegradationCSV(path string, chunks []DegradationChunk) error {
	var b bytes.Buffer
	b.WriteString("end_ms,forward,backward")
	if len(chunks) > 0 {
		for j := range chunks[0].ForwardBlocks {
			fmt.Fprintf(&b, ",forward_%d", j)
		}
		for j := range chunks[0].BackwardBlocks {
			fmt.Fprintf(&b, ",backward_%d", j)
		}
	}
	b.WriteByte('\n')
	for _, c := range chunks {
		fmt.Fprintf(&b, "%g,%g,%g", c.EndMs, c.Forward, c.Backward)
		for _, v := range c.ForwardBlocks {
			fmt.Fprintf(&b, ",%g", v)
		}
		for _, v := range c.BackwardBlocks {
			fmt.Fprintf(&b, ",%g", v)
		}
		b.WriteByte('\n')
	}
	return writeFileAtomic(path, b.Bytes())
}
