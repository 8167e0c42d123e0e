package paper

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gosnn/gosnn/internal/atomicfile"
	"github.com/gosnn/gosnn/snn/protocol"
	"github.com/gosnn/gosnn/snn/snnplot"
	"github.com/gosnn/gosnn/sweep"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Drawer is a figure: anything that draws itself on a canvas (a *plot.Plot, a
// *snnplot.Figure).
type Drawer = snnplot.Drawer

// Context is what an entry's check reads: the finished runs of an output directory.
type Context struct {
	out     string
	scale   Scale // the scale of the runs and sweeps found
	runs    map[string]*Record
	authors *authorsCache // the authors' nc160 matrix, loaded once
}

// authorsCache holds the authors' matrix once loaded (or the error loading it).
type authorsCache struct {
	w   *mat.Dense
	err error
}

// record returns the record of the finished run name, or nil.
func (c *Context) record(name string) *Record { return c.runs[name] }

// dir returns the directory of run name.
func (c *Context) dir(name string) string { return runDir(c.out, name) }

// result decodes the result of the finished run name into r.
func (c *Context) result(name string, r any) error {
	rec := c.record(name)
	if rec == nil {
		return fmt.Errorf("paper: run %s not found", name)
	}
	return decodeResult(rec, r)
}

// RunReport describes one run of an entry in the report.
type RunReport struct {
	Name        string  `json:"name"`
	Status      string  `json:"status"` // finished, missing, or what it needs
	Scale       Scale   `json:"scale,omitempty"`
	Command     string  `json:"command,omitempty"` // the command line that made it
	Rerun       string  `json:"rerun,omitempty"`   // gosnn exp run command for it alone
	WallSeconds float64 `json:"wall_seconds"`
	CPUSeconds  float64 `json:"cpu_seconds"`
	partial     bool    // a sweep with some of its tasks done (sweepReport)
}

// EntryReport is one entry of the report.
type EntryReport struct {
	ID        string      `json:"id"`
	Title     string      `json:"title"`
	Reference string      `json:"reference"`
	Source    string      `json:"source"`
	Check     string      `json:"check"`
	Pending   string      `json:"pending,omitempty"`
	Verdict   Verdict     `json:"verdict"`
	Measured  []string    `json:"measured"`
	Note      string      `json:"note,omitempty"`
	Figure    string      `json:"figure,omitempty"`  // relative to the output directory
	Missing   string      `json:"missing,omitempty"` // the command that makes the missing runs
	Runs      []RunReport `json:"runs"`
}

// Report is the reproduction report of an output directory (report.json).
type Report struct {
	Entries []EntryReport `json:"entries"`
}

// loadRecords reads the records of the finished runs under out/runs.
func loadRecords(out string) (map[string]*Record, error) {
	runs := map[string]*Record{}
	des, err := os.ReadDir(filepath.Join(out, "runs"))
	if errors.Is(err, fs.ErrNotExist) {
		return runs, nil
	}
	if err != nil {
		return nil, fmt.Errorf("paper: %w", err)
	}
	for _, de := range des {
		if !de.IsDir() {
			continue
		}
		rec, err := readRecord(filepath.Join(out, "runs", de.Name()))
		if errors.Is(err, fs.ErrNotExist) {
			continue // unfinished
		}
		if err != nil {
			return nil, err
		}
		runs[de.Name()] = rec
	}
	return runs, nil
}

// Build evaluates the entries ids (nil: all) on the runs found in out and draws their figures
// into out/figures/ID.png. It writes nothing else.
func Build(out string, ids []string) (*Report, error) {
	es, err := Select(ids)
	if err != nil {
		return nil, err
	}
	runs, err := loadRecords(out)
	if err != nil {
		return nil, err
	}
	scale := Quick
	for _, name := range sortedKeys(runs) {
		if runs[name].Scale == Full {
			scale = Full
		}
	}
	for _, w := range sweepSpecs {
		if s, _, err := sweepState(out, w.Name); err == nil && s != nil && sweepScale(w, s) == Full {
			scale = Full
		}
	}
	ctx := &Context{out: out, scale: scale, runs: runs, authors: &authorsCache{}}
	rep := &Report{}
	for _, e := range es {
		er := EntryReport{ID: e.ID, Title: e.Title, Reference: e.Reference, Source: e.Source, Check: e.Check, Pending: e.Pending, Measured: []string{}, Runs: []RunReport{}}
		// partial: only sweeps are missing, and one of them has tasks done.
		missing, runMissing, partial := false, false, false
		for _, n := range e.Runs {
			rr, absent := runReportOf(n, runs[n], scale, out, "missing")
			runMissing = runMissing || absent
			er.Runs = append(er.Runs, rr)
		}
		missing = runMissing
		for _, n := range e.Prefer { // listed, never waited for: until it finishes the check reads Runs
			rr, _ := runReportOf(n, runs[n], scale, out, "not finished (preferred when it is: until then the check reads the runs above)")
			er.Runs = append(er.Runs, rr)
		}
		for _, n := range e.Sweeps {
			rr, complete, err := sweepReport(out, n, scale)
			if err != nil {
				return nil, err
			}
			if !complete {
				partial = partial || (rr.partial && !runMissing)
				missing = true
			}
			er.Runs = append(er.Runs, rr)
		}
		for _, n := range e.Beside { // listed and drawn, never waited for
			rr, complete, err := sweepReport(out, n, scale)
			if err != nil {
				return nil, err
			}
			if !complete {
				partial = partial || (rr.partial && !runMissing)
				rr.Status += "; shown beside: the verdict does not wait for it"
			}
			er.Runs = append(er.Runs, rr)
		}
		if missing && partial {
			// What the finished tasks show, without a verdict until the sweep is whole.
			o := evaluate(e, ctx)
			o.Verdict, o.Note = NotRun, "partial: the figures are those of the sweeps' finished tasks; the verdict waits for the others"
			if err := er.fill(o, out); err != nil {
				return nil, err
			}
			er.Missing = fmt.Sprintf("gosnn paper run --scale %s --out %s --only %s", scale, out, e.ID)
			rep.Entries = append(rep.Entries, er)
			continue
		}
		if missing {
			er.Verdict = NotRun
			er.Missing = fmt.Sprintf("gosnn paper run --scale %s --out %s --only %s", scale, out, e.ID)
			for _, rr := range er.Runs {
				if strings.Contains(rr.Status, "needs") {
					er.Note = "the full run " + rr.Status[len("missing ("):len(rr.Status)-1]
				}
			}
			rep.Entries = append(rep.Entries, er)
			continue
		}
		if err := er.fill(evaluate(e, ctx), out); err != nil {
			return nil, err
		}
		rep.Entries = append(rep.Entries, er)
	}
	return rep, nil
}

// runReportOf returns the report of run n, whose record rec is nil when it has not finished,
// with the status absent in that case (and the progress of a training under way), and whether
// it is absent; a run with no version at the scale is not absent.
func runReportOf(n string, rec *Record, scale Scale, out, absent string) (RunReport, bool) {
	rr := RunReport{Name: n, Status: "finished"}
	if rec != nil {
		rr.Scale, rr.Command, rr.Rerun, rr.WallSeconds, rr.CPUSeconds = rec.Scale, rec.Command, rec.Rerun, rec.WallSeconds, rec.CPUSeconds
		return rr, false
	}
	if r, _ := runSpec(n); partOf(r, scale, out) {
		rr.Status = absent
		// A training under way says how far it has come (its state file).
		if pr, err := protocol.ReadProgress(runDir(out, n)); err == nil && pr.PhasesDone > 0 {
			rr.Status += "; " + soFar(pr) + " (gosnn paper run resumes it)"
		}
		if j, ok := submittedJob(out, n); ok {
			rr.Status += fmt.Sprintf("; submitted as Slurm job %s at %s (its output: %s)", j.ID, j.Submitted, filepath.Join(runDir(out, n), "slurm", "job.log"))
		}
		return rr, true
	}
	rr.Status = fmt.Sprintf("not part of the %s scale", scale)
	return rr, false
}

// submittedJob returns the record of the last Slurm job submitted for run n (submitRuns).
func submittedJob(out, n string) (sweep.SubmittedJob, bool) {
	var j sweep.SubmittedJob
	b, err := os.ReadFile(filepath.Join(runDir(out, n), "slurm", "job.json"))
	return j, err == nil && json.Unmarshal(b, &j) == nil && j.ID != ""
}

// soFar describes the progress of a training under way.
func soFar(pr protocol.Progress) string {
	return fmt.Sprintf("so far %d phases, %.0f s simulated, %.0f s CPU", pr.PhasesDone, pr.EndMs/1000, pr.CPUSeconds)
}

// partOf reports whether run r has a version at scale s.
func partOf(r RunSpec, s Scale, out string) bool {
	_, part, _ := r.Options(s, out)
	return part
}

// fill puts the outcome of the entry's check into er, its figure into OUT/figures/ID.png.
func (er *EntryReport) fill(o Outcome, out string) error {
	er.Verdict, er.Note = o.Verdict, o.Note
	if o.Measured != nil {
		er.Measured = o.Measured
	}
	if o.Figure == nil {
		return nil
	}
	rel := filepath.Join("figures", er.ID+".png")
	if err := os.MkdirAll(filepath.Join(out, "figures"), 0o755); err != nil {
		return fmt.Errorf("paper: %w", err)
	}
	if err := snnplot.Save(o.Figure, 11*vg.Inch, 4.5*vg.Inch, filepath.Join(out, rel)); err != nil {
		er.Note = strings.TrimSpace(er.Note + " (figure: " + err.Error() + ")")
	} else {
		er.Figure = filepath.ToSlash(rel)
	}
	return nil
}

// evaluate runs e's check, turning a panic of a check on odd data into a note.
func evaluate(e Entry, ctx *Context) (o Outcome) {
	defer func() {
		if p := recover(); p != nil {
			o = Outcome{Verdict: Disagrees, Note: fmt.Sprintf("the check failed: %v", p)}
		}
	}()
	return e.eval(ctx)
}

// Write builds the report of out (Build) and writes out/report.md and out/report.json,
// atomically.
func Write(out string, ids []string) (*Report, error) {
	rep, err := Build(out, ids)
	if err != nil {
		return nil, err
	}
	js, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("paper: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(out, "report.json"), append(js, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("paper: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(out, "report.md"), []byte(rep.Markdown()), 0o644); err != nil {
		return nil, fmt.Errorf("paper: %w", err)
	}
	return rep, nil
}

// Markdown returns the report as Markdown: a summary table, then one section per entry.
func (r *Report) Markdown() string {
	var b strings.Builder
	b.WriteString("# Reproduction report: Maes, Barahona & Clopath 2020\n\n")
	b.WriteString("Each entry compares gosnn's runs with the paper (P), the authors' data (D) or code (M, J), or " +
		"gosnn's simulations of the original dynamics (S); [?] marks an inference (docs/MODEL.md). " +
		"Quick-scale runs are short smoke tests of the pipeline: their verdicts are those of the quick runs, " +
		"not of the paper's scale.\n\n")
	count := map[Verdict]int{}
	for _, e := range r.Entries {
		count[e.Verdict]++
	}
	fmt.Fprintf(&b, "Verdicts: %d agree, %d disagree, %d not run, %d without reference.\n\n",
		count[Agrees], count[Disagrees], count[NotRun], count[NoReference])
	b.WriteString("| ID | title | verdict | measured | wall (s) | CPU (s) |\n|---|---|---|---|---|---|\n")
	for _, e := range r.Entries {
		wall, cpu := e.cost()
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s | %s | %s |\n", e.ID, strings.ToLower(e.ID), cell(e.Title), e.Verdict,
			cell(strings.Join(e.Measured, "; ")), secs(wall), secs(cpu))
	}
	for _, e := range r.Entries {
		fmt.Fprintf(&b, "\n## %s\n\n**%s**\n\n", e.ID, e.Title)
		fmt.Fprintf(&b, "- Reference (%s): %s\n", e.Source, e.Reference)
		fmt.Fprintf(&b, "- Check: %s\n", e.Check)
		if e.Pending != "" {
			fmt.Fprintf(&b, "- Pending: %s\n", e.Pending)
		}
		fmt.Fprintf(&b, "- Verdict: **%s**", e.Verdict)
		if e.Note != "" {
			fmt.Fprintf(&b, " (%s)", e.Note)
		}
		b.WriteString("\n")
		for _, m := range e.Measured {
			fmt.Fprintf(&b, "- Measured: %s\n", m)
		}
		if e.Missing != "" {
			fmt.Fprintf(&b, "- Make the missing runs: `%s`\n", e.Missing)
		}
		for _, rr := range e.Runs {
			if rr.Status == "finished" {
				fmt.Fprintf(&b, "- Run `%s` (%s scale): %.1f s wall, %.1f s CPU; made by `%s`; alone: `%s`\n",
					rr.Name, rr.Scale, rr.WallSeconds, rr.CPUSeconds, rr.Command, rr.Rerun)
			} else {
				fmt.Fprintf(&b, "- Run `%s`: %s\n", rr.Name, rr.Status)
			}
		}
		if e.Figure != "" {
			fmt.Fprintf(&b, "\n![%s](%s)\n", e.ID, e.Figure)
		}
	}
	return b.String()
}

// cost returns the summed wall and CPU time of the entry's finished runs (NaN-free; 0 when
// none).
func (e EntryReport) cost() (wall, cpu float64) {
	for _, rr := range e.Runs {
		wall += rr.WallSeconds
		cpu += rr.CPUSeconds
	}
	return wall, cpu
}

// cell escapes a table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

// secs formats a time in seconds for the table ("–" for none).
func secs(s float64) string {
	if s == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f", s)
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// beside draws figures side by side, in equal widths.
type beside []Drawer

// Draw draws each figure in its share of c.
func (b beside) Draw(c draw.Canvas) {
	w := c.Max.X - c.Min.X
	n := vg.Length(len(b))
	for i, d := range b {
		left := w * vg.Length(i) / n
		right := w * (n - vg.Length(i) - 1) / n
		d.Draw(draw.Crop(c, left, -right, 0, 0))
	}
}
