package sweep

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestExpand checks the grid, the order of the tasks and the errors of bad specs.
func TestExpand(t *testing.T) {
	for _, tc := range []struct {
		name   string
		spec   string
		points []string // pointString of every task
		err    string   // substring of the error
	}{
		{"values x seeds", `{"kind":"spontaneous","options":{"Clusters":4},"params":[{"name":"NE","values":[80,160]}],"seeds":{"name":"Seed","values":[1,2]}}`,
			[]string{"NE=80 Seed=1", "NE=80 Seed=2", "NE=160 Seed=1", "NE=160 Seed=2"}, ""},
		{"range step", `{"kind":"spontaneous","params":[{"name":"DurationMs","range":{"from":100,"to":200,"step":50}}]}`,
			[]string{"DurationMs=100", "DurationMs=150", "DurationMs=200"}, ""},
		{"range n, fractions", `{"kind":"spontaneous","params":[{"name":"ExtERate","range":{"from":1,"to":2,"n":3}}]}`,
			[]string{"ExtERate=1", "ExtERate=1.5", "ExtERate=2"}, ""},
		{"no axes: one task", `{"kind":"spontaneous"}`, []string{""}, ""},
		{"unknown kind", `{"kind":"nope"}`, nil, `unknown kind "nope"`},
		{"no kind", `{}`, nil, "without a kind"},
		{"misspelt field", `{"kind":"spontaneous","params":[{"name":"Ne","values":[80]}]}`, nil, `no field "Ne"`},
		{"misspelt option", `{"kind":"spontaneous","options":{"ne":80}}`, nil, `no field "ne"`},
		{"invalid value", `{"kind":"spontaneous","params":[{"name":"Clusters","values":[7]}]}`, nil, "Clusters"},
		{"values and range", `{"kind":"spontaneous","params":[{"name":"NE","values":[80],"range":{"from":1,"to":2,"step":1}}]}`, nil, "either values or a range"},
		{"empty range", `{"kind":"spontaneous","params":[{"name":"NE","range":{"from":2,"to":1,"step":1}}]}`, nil, "is empty"},
		{"zero step", `{"kind":"spontaneous","params":[{"name":"NE","range":{"from":1,"to":2}}]}`, nil, "non-zero step"},
		{"repeated value", `{"kind":"spontaneous","seeds":{"name":"Seed","values":[1,1]}}`, nil, "same point"},
		{"axis twice", `{"kind":"spontaneous","params":[{"name":"Seed","values":[1]}],"seeds":{"name":"Seed","values":[2]}}`, nil, "given twice"},
		{"unknown spec field", `{"kind":"spontaneous","seed":[1]}`, nil, `unknown field "seed"`},
		{"notebook without path", `{"kind":"notebook"}`, nil, "needs a notebook"},
		{"newer schema", `{"schema":99,"kind":"spontaneous"}`, nil, "upgrade gosnn"},
		{"bad extra", `{"kind":"spontaneous","slurm":{"extra":["--qos=a\n#SBATCH --x"]}}`, nil, "one sbatch option"},
		{"huge grid", `{"kind":"spontaneous","params":[{"name":"Seed","range":{"from":1,"to":1e7,"step":1}}]}`, nil, "more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec, err := ParseSpec([]byte(tc.spec))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tasks, err := spec.Expand()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i, task := range tasks {
				if task.Index != i || len(task.ID) != 12 {
					t.Errorf("task %d: index %d, id %q", i, task.Index, task.ID)
				}
				got = append(got, pointString(task.Point))
			}
			if strings.Join(got, "|") != strings.Join(tc.points, "|") {
				t.Errorf("points %q, want %q", got, tc.points)
			}
		})
	}
}

// TestTaskIDsStable checks that an id depends on the point and the base options only, not
// on the position of the task nor on the spacing or key order of the options.
func TestTaskIDsStable(t *testing.T) {
	expand := func(s string) []Task {
		t.Helper()
		spec, err := ParseSpec([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		tasks, err := spec.Expand()
		if err != nil {
			t.Fatal(err)
		}
		return tasks
	}
	a := expand(`{"kind":"spontaneous","options":{"NI":20,"NE":80,"Clusters":4},"seeds":{"name":"Seed","values":[1,2,3]}}`)
	b := expand(`{"kind":"spontaneous","options":{"Clusters":4, "NE": 80, "NI": 20},"seeds":{"name":"Seed","values":[3,1]}}`)
	c := expand(`{"kind":"spontaneous","options":{"NE":80,"NI":40,"Clusters":4},"seeds":{"name":"Seed","values":[1]}}`)
	if b[1].ID != a[0].ID || b[0].ID != a[2].ID {
		t.Errorf("ids moved with the order of the seeds: %v %v", a, b)
	}
	if a[0].ID == a[1].ID || c[0].ID == a[0].ID {
		t.Errorf("different points share an id: %v %v", a, c)
	}
	// One value spelt several ways is one point: escapes, spacing, key order of an object.
	for _, tc := range []struct{ x, y string }{
		{`"&"`, `"\u0026"`},
		{`"a<b"`, `"a\u003cb"`},
		{`"é"`, `"\u00e9"`},
		{`{"a": 1, "b": [2, 3]}`, `{"b":[2,3],"a":1}`},
		{`[1, "x"]`, `[1,"x"]`},
	} {
		nb := func(v string) []Task {
			return expand(`{"kind":"notebook","notebook":"a.ipynb","params":[{"name":"x","values":[` + v + `]}]}`)
		}
		if x, y := nb(tc.x), nb(tc.y); x[0].ID != y[0].ID || string(x[0].Param("x")) != string(y[0].Param("x")) {
			t.Errorf("%s and %s: ids %s, %s, values %s, %s", tc.x, tc.y, x[0].ID, y[0].ID, x[0].Param("x"), y[0].Param("x"))
		}
	}
	if x, y := expand(`{"kind":"notebook","notebook":"a.ipynb","params":[{"name":"x","values":["&"]}]}`),
		expand(`{"kind":"notebook","notebook":"a.ipynb","params":[{"name":"x","values":["&&"]}]}`); x[0].ID == y[0].ID {
		t.Errorf(`"&" and "&&" share an id`)
	}
}

// TestArrayList checks the compression of indices into Slurm's --array syntax.
func TestArrayList(t *testing.T) {
	for _, tc := range []struct {
		in   []int
		want string
	}{
		{[]int{0, 1, 2, 3}, "0-3"},
		{[]int{7, 0, 1, 3, 9, 10}, "0-1,3,7,9-10"},
		{[]int{5}, "5"},
	} {
		if got := arrayList(tc.in); got != tc.want {
			t.Errorf("arrayList(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestScriptQuoting checks that the batch script quotes paths and keeps the options.
func TestScriptQuoting(t *testing.T) {
	spec := Spec{Kind: "spontaneous", Slurm: SlurmOptions{Partition: "short", Time: "0:10:00", Extra: []string{"--qos=low"}, Prolog: "module load go"}}
	dir := t.TempDir() + "/it's here"
	s, err := Prepare(spec, dir)
	if err != nil {
		t.Fatal(err)
	}
	sc := s.Script("/opt/gosnn bin/gosnn")
	for _, want := range []string{"#SBATCH --partition=short\n", "#SBATCH --time=0:10:00\n", "#SBATCH --qos=low\n",
		"#SBATCH --signal=B:TERM@60\n", "#SBATCH --requeue\n", "module load go\n", `'/opt/gosnn bin/gosnn' sweep task`, `it'\''s here`} {
		if !strings.Contains(sc, want) {
			t.Errorf("script lacks %q:\n%s", want, sc)
		}
	}
}

// TestJobScript checks the batch script of a single job: its options, its command quoted
// word by word, and the requeue of the job itself after an interruption unless cancelled.
func TestJobScript(t *testing.T) {
	dir := "/runs/it's here"
	j := Job{Name: "gosnn-train", Dir: dir, Args: []string{"paper", "run", "--out", "/o ut", "--run", "train-main"}, CPUs: 2,
		Options: SlurmOptions{Partition: "long", Time: "2:00:00", Mem: "4G", SignalSeconds: 300, Requeues: 5, Extra: []string{"--qos=low"}}}
	sc := j.Script("/opt/gosnn bin/gosnn")
	for _, want := range []string{"#SBATCH --job-name=gosnn-train\n", "#SBATCH --output=/runs/it's here/job.log\n", "#SBATCH --cpus-per-task=2\n",
		"#SBATCH --partition=long\n", "#SBATCH --time=2:00:00\n", "#SBATCH --mem=4G\n", "#SBATCH --qos=low\n", "#SBATCH --signal=B:TERM@300\n",
		"#SBATCH --requeue\n", `'/opt/gosnn bin/gosnn' 'paper' 'run' '--out' '/o ut' '--run' 'train-main' &`,
		`[ "$rc" = 75 ] || [ "$rc" = 143 ]`, `[ ! -e '/runs/it'\''s here/cancelled' ]`, `-lt 5 ]`, `scontrol requeue "$SLURM_JOB_ID"`,
		`> '/runs/it'\''s here/job.exit'.tmp`} {
		if !strings.Contains(sc, want) {
			t.Errorf("script lacks %q:\n%s", want, sc)
		}
	}
	if strings.Contains(sc, "SLURM_ARRAY") {
		t.Errorf("a single job's script names array variables:\n%s", sc)
	}
	j.Options.CPUsPerTask = 4
	if sc := j.Script("gosnn"); !strings.Contains(sc, "#SBATCH --cpus-per-task=4\n") {
		t.Errorf("cpus_per_task 4 not used:\n%s", sc)
	}
}

// FuzzParseSpec checks that ParseSpec never panics and that an accepted spec expands and
// survives a round trip through JSON.
func FuzzParseSpec(f *testing.F) {
	f.Add(`{"kind":"spontaneous","params":[{"name":"NE","values":[80,160]}],"seeds":{"name":"Seed","range":{"from":1,"to":3,"step":1}}}`)
	f.Add(`{"kind":"spontaneous","params":[{"name":"ExtERate","range":{"from":1,"to":2,"n":5}}],"slurm":{"time":"1:00"}}`)
	f.Add(`{"kind":"notebook","notebook":"a.ipynb","params":[{"name":"x","values":["a",1,true]}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := ParseSpec([]byte(s))
		if err != nil {
			return
		}
		tasks, err := spec.Expand()
		if err != nil {
			t.Fatalf("accepted spec does not expand: %v", err)
		}
		b, err := json.Marshal(spec)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseSpec(b)
		if err != nil {
			t.Fatalf("round trip: %v\n%s", err, b)
		}
		tasks2, _ := again.Expand()
		if len(tasks2) != len(tasks) || (len(tasks) > 0 && tasks2[0].ID != tasks[0].ID) {
			t.Fatalf("round trip changed the tasks")
		}
	})
}

// TestReadmeSpec parses the example spec of the README's section on clusters.
func TestReadmeSpec(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i := strings.Index(text, "## Clusters (Slurm)")
	if i < 0 {
		t.Fatal("README has no section Clusters (Slurm)")
	}
	text = text[i:]
	start := strings.Index(text, "```json\n")
	end := strings.Index(text[start+8:], "```")
	if start < 0 || end < 0 {
		t.Fatal("no JSON block in the section")
	}
	spec, err := ParseSpec([]byte(text[start+8 : start+8+end]))
	if err != nil {
		t.Fatal(err)
	}
	tasks, _ := spec.Expand()
	if len(tasks) != 15 || spec.Slurm.Partition == "" {
		t.Errorf("%d tasks, slurm options %+v", len(tasks), spec.Slurm)
	}
}
