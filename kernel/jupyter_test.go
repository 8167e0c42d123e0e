package kernel

// Tests with the real Jupyter clients from Debian (python3-jupyter-client,
// python3-jupyter-kernel-test, jupyter-console, python3-ipykernel), run by /usr/bin/python3.
// They skip when the clients are missing, except with CI=true, where that is a failure.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"time"

	"github.com/gosnn/gosnn/internal/testskip"
)

const python = "/usr/bin/python3"

// needPython skips (or, with CI=true, fails) when /usr/bin/python3 cannot import modules.
func needPython(t *testing.T, modules ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("real Jupyter clients are not run with -short")
	}
	script := "import " + strings.Join(modules, ", ")
	out, err := exec.Command(python, "-c", script).CombinedOutput()
	if err == nil {
		return
	}
	msg := fmt.Sprintf("%s cannot import %s (install the Debian packages python3-jupyter-client "+
		"python3-jupyter-kernel-test python3-ipykernel jupyter-console): %v\n%s", python, strings.Join(modules, ", "), err, out)
	testskip.Need(t, testskip.Jupyter, false, msg)
}

// builds caches binaries built for this test run: package path -> binary.
var builds struct {
	sync.Mutex
	dir  string
	bins map[string]string
}

// moduleRoot is the directory of go.mod (the tests run in kernel/).
func moduleRoot(t *testing.T) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(wd)
}

// buildBinary builds pkg (relative to the module root) once per test run.
func buildBinary(t *testing.T, pkg string) string {
	t.Helper()
	builds.Lock()
	defer builds.Unlock()
	if bin, ok := builds.bins[pkg]; ok {
		return bin
	}
	if builds.dir == "" {
		d, err := os.MkdirTemp("", "gosnn-kernel-test-")
		if err != nil {
			t.Fatal(err)
		}
		builds.dir = d
		builds.bins = map[string]string{}
	}
	bin := filepath.Join(builds.dir, strings.ReplaceAll(strings.Trim(pkg, "./"), "/", "_"))
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	cmd := exec.Command("go", "build", "-o", bin, pkg)
	cmd.Dir = moduleRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	builds.bins[pkg] = bin
	return bin
}

func TestMain(m *testing.M) {
	code := testskip.Run(m)
	if builds.dir != "" {
		os.RemoveAll(builds.dir)
	}
	os.Exit(code)
}

// jupyterEnv returns an environment whose Jupyter dirs and HOME are in a temp dir, with a
// kernelspec name running argv (plus "-f {connection_file}").
func jupyterEnv(t *testing.T, name string, argv ...string) []string {
	t.Helper()
	dir := t.TempDir()
	spec := KernelSpec{
		Argv: append(argv, "-f", "{connection_file}"), DisplayName: name, Language: "go",
		InterruptMode: "message", Metadata: map[string]any{},
	}
	if err := WriteKernelSpec(KernelSpecDir(filepath.Join(dir, "path"), name), spec); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "home"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{}
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "HOME", "JUPYTER_PATH", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_CONFIG_DIR", "GOSNN_HISTORY", "PYTHONPATH":
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"HOME="+filepath.Join(dir, "home"),
		"JUPYTER_PATH="+filepath.Join(dir, "path"),
		"JUPYTER_DATA_DIR="+filepath.Join(dir, "data"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(dir, "runtime"),
		"JUPYTER_CONFIG_DIR="+filepath.Join(dir, "config"),
		"GOSNN_HISTORY="+filepath.Join(dir, "history.json"),
		"GOSNN_KERNEL_NAME="+name,
		"PYDEVD_DISABLE_FILE_VALIDATION=1",
	)
}

// runPython runs a script from testdata and fails the test with its output when it fails.
func runPython(t *testing.T, env []string, timeout time.Duration, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, args...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%v timed out after %v; output:\n%s", args, timeout, out.String())
	}
	if err != nil {
		t.Fatalf("%v failed: %v; output:\n%s", args, err, out.String())
	}
	return out.String()
}

func absTestdata(t *testing.T, name string) string {
	p, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestJupyterKernelTestFake(t *testing.T) {
	needPython(t, "jupyter_client", "jupyter_kernel_test")
	bin := buildBinary(t, "./kernel/internal/fakekernel")
	env := jupyterEnv(t, "gosnn-fake", bin)
	env = append(env, "GOSNN_SAMPLES="+absTestdata(t, "fake_samples.json"))
	out := runPython(t, env, 5*time.Minute, absTestdata(t, "kernel_tests.py"))
	checkNoSkips(t, out)
}

// checkNoSkips fails when jupyter_kernel_test skipped a test we gave samples for (test_pager
// needs a pager payload, which the kernel does not produce).
func checkNoSkips(t *testing.T, out string) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "... skipped") && !strings.Contains(line, "test_pager") {
			t.Errorf("unexpected skip: %s\nfull output:\n%s", line, out)
		}
	}
}

func TestJupyterClientScenariosFake(t *testing.T) {
	needPython(t, "jupyter_client")
	bin := buildBinary(t, "./kernel/internal/fakekernel")
	env := jupyterEnv(t, "gosnn-fake", bin, "-history", filepath.Join(t.TempDir(), "h.json"))
	env = append(env, "GOSNN_MODE=fake")
	runPython(t, env, 5*time.Minute, absTestdata(t, "scenarios.py"))
}

func TestJupyterConsoleFake(t *testing.T) {
	needPython(t, "jupyter_console")
	bin := buildBinary(t, "./kernel/internal/fakekernel")
	env := jupyterEnv(t, "gosnn-fake", bin)
	env = append(env, "GOSNN_CONSOLE_CODE=print hello from console\n#--\n= 42\n#--\nerror boom",
		"GOSNN_CONSOLE_EXPECT=hello from console|Out[2]: 42|FakeError: boom")
	runPython(t, env, 3*time.Minute, absTestdata(t, "console.py"))
}

// The same clients against the real kernel: gosnn kernel over the interpreter session.

func TestJupyterKernelTestSession(t *testing.T) {
	needPython(t, "jupyter_client", "jupyter_kernel_test")
	bin := buildBinary(t, "./cmd/gosnn")
	env := jupyterEnv(t, "gosnn-test", bin, "kernel")
	env = append(env, "GOSNN_SAMPLES="+absTestdata(t, "session_samples.json"))
	out := runPython(t, env, 5*time.Minute, absTestdata(t, "kernel_tests.py"))
	checkNoSkips(t, out)
}

func TestJupyterClientScenariosSession(t *testing.T) {
	needPython(t, "jupyter_client")
	bin := buildBinary(t, "./cmd/gosnn")
	env := jupyterEnv(t, "gosnn-test", bin, "kernel")
	env = append(env, "GOSNN_MODE=session")
	t.Log(runPython(t, env, 5*time.Minute, absTestdata(t, "scenarios.py")))
}

func TestJupyterConsoleSession(t *testing.T) {
	needPython(t, "jupyter_console")
	bin := buildBinary(t, "./cmd/gosnn")
	env := jupyterEnv(t, "gosnn-test", bin, "kernel")
	env = append(env, "GOSNN_CONSOLE_CODE=import \"fmt\"\n#--\nfmt.Println(\"hello from console\")\n#--\nx := 6 * 7\n#--\nx\n#--\npanic(\"boom\")",
		"GOSNN_CONSOLE_EXPECT=hello from console|Out[4]: 42|boom")
	runPython(t, env, 3*time.Minute, absTestdata(t, "console.py"))
}

// TestBenchmarkAgainstIPykernel measures, through jupyter_client, the time from launch to
// kernel_info_reply and the round trip of a trivial execute for gosnn and Debian's ipykernel.
// It only reports (no timed assertions); it runs when GOSNN_KERNEL_BENCH=1.
func TestBenchmarkAgainstIPykernel(t *testing.T) {
	if os.Getenv("GOSNN_KERNEL_BENCH") != "1" {
		t.Skip("set GOSNN_KERNEL_BENCH=1 to compare with ipykernel")
	}
	needPython(t, "jupyter_client", "ipykernel")
	bin := buildBinary(t, "./cmd/gosnn")
	env := jupyterEnv(t, "gosnn-bench", bin, "kernel")
	// ipykernel's kernelspec, in the same temporary JUPYTER_PATH.
	var path string
	for _, kv := range env {
		if strings.HasPrefix(kv, "JUPYTER_PATH=") {
			path = strings.TrimPrefix(kv, "JUPYTER_PATH=")
		}
	}
	spec := KernelSpec{Argv: []string{python, "-m", "ipykernel_launcher", "-f", "{connection_file}"},
		DisplayName: "ipykernel", Language: "python", InterruptMode: "signal", Metadata: map[string]any{}}
	if err := WriteKernelSpec(KernelSpecDir(path, "ipy-bench"), spec); err != nil {
		t.Fatal(err)
	}
	env = append(env, "GOSNN_BENCH_LONG_GOSNN_BENCH=import \"github.com/gosnn/gosnn/snn\"\n"+
		"net, err := snn.New(snn.DefaultConfig())\nif err != nil { panic(err) }\nnet.Run(1e7)",
		"GOSNN_BENCH_LONG_IPY_BENCH=import time\nwhile True: time.sleep(0.01)")
	out := runPython(t, env, 10*time.Minute, absTestdata(t, "bench.py"), "gosnn-bench", "ipy-bench")
	t.Log("\n" + out)
}

func TestNbclientFake(t *testing.T) {
	needPython(t, "nbclient", "nbformat")
	bin := buildBinary(t, "./kernel/internal/fakekernel")
	env := append(jupyterEnv(t, "gosnn-fake", bin), "GOSNN_MODE=fake")
	runPython(t, env, 3*time.Minute, absTestdata(t, "nbclient_run.py"))
}

func TestNbclientSession(t *testing.T) {
	needPython(t, "nbclient", "nbformat")
	bin := buildBinary(t, "./cmd/gosnn")
	env := append(jupyterEnv(t, "gosnn-test", bin, "kernel"), "GOSNN_MODE=session")
	runPython(t, env, 3*time.Minute, absTestdata(t, "nbclient_run.py"))
}

// TestInstallCommand runs gosnn install with each target and checks the result with
// jupyter_client's KernelSpecManager.
func TestInstallCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the gosnn binary")
	}
	bin := buildBinary(t, "./cmd/gosnn")
	dir := t.TempDir()
	base := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Join(dir, "home"), "JUPYTER_DATA_DIR=" + filepath.Join(dir, "data"), "JUPYTER_PATH="}
	run := func(env []string, args ...string) (string, error) {
		cmd := exec.Command(bin, append([]string{"install"}, args...)...)
		cmd.Env = append(append([]string(nil), base...), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	tests := []struct {
		name string
		env  []string
		args []string
		dir  string // where kernel.json must appear; "" when the install must fail
	}{
		{"default is user", nil, nil, filepath.Join(dir, "data", "kernels", "gosnn")},
		{"user", nil, []string{"--user", "--name", "gosnn-u"}, filepath.Join(dir, "data", "kernels", "gosnn-u")},
		{"prefix", nil, []string{"--prefix", filepath.Join(dir, "pfx")}, filepath.Join(dir, "pfx", "share", "jupyter", "kernels", "gosnn")},
		{"sys-prefix", []string{"VIRTUAL_ENV=" + filepath.Join(dir, "venv")}, []string{"--sys-prefix"}, filepath.Join(dir, "venv", "share", "jupyter", "kernels", "gosnn")},
		{"sys-prefix without env", nil, []string{"--sys-prefix"}, ""},
		{"two targets", nil, []string{"--user", "--prefix", dir}, ""},
		{"stray argument", nil, []string{"extra"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := run(tt.env, tt.args...)
			if tt.dir == "" {
				if err == nil {
					t.Fatalf("install succeeded: %s", out)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			spec, err := ReadKernelSpec(tt.dir)
			if err != nil {
				t.Fatal(err)
			}
			if spec.Argv[0] != bin || spec.Argv[1] != "kernel" || spec.InterruptMode != "message" || spec.Language != "go" {
				t.Errorf("spec %+v", spec)
			}
			if tt.name == "prefix" && !strings.Contains(out, "not on Jupyter's search path") {
				t.Errorf("no note about JUPYTER_PATH: %s", out)
			}
		})
	}
	// Jupyter itself finds the user install, with its logos.
	needPython(t, "jupyter_client")
	script := `import json; from jupyter_client.kernelspec import KernelSpecManager as M
s = M().get_kernel_spec("gosnn"); import os
print(json.dumps({"language": s.language, "interrupt_mode": s.interrupt_mode, "files": sorted(os.listdir(s.resource_dir))}))`
	cmd := exec.Command(python, "-c", script)
	cmd.Env = base
	out, err := cmd.Output() // stdout only: IPython may warn on stderr
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want := `{"language": "go", "interrupt_mode": "message", "files": ["kernel.json", "logo-32x32.png", "logo-64x64.png", "logo-svg.svg"]}`
	if strings.TrimSpace(string(out)) != want {
		t.Errorf("jupyter_client sees %s, want %s", out, want)
	}
}

// TestNbclientSessionEnvironment runs cells in the real kernel that find a file only through
// GOSNN_DATA, set in the environment Jupyter starts the kernel with (issue #14).
func TestNbclientSessionEnvironment(t *testing.T) {
	needPython(t, "nbclient", "nbformat")
	bin := buildBinary(t, "./cmd/gosnn")
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "weights.txt"), []byte("found the weights"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := append(jupyterEnv(t, "gosnn-test", bin, "kernel"), "GOSNN_MODE=env", "GOSNN_DATA="+data)
	runPython(t, env, 3*time.Minute, absTestdata(t, "nbclient_run.py"))
}
