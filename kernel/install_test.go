package kernel

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
)

func TestWriteKernelSpec(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kernels", "gosnn")
	spec := NewKernelSpec("/opt/gosnn", "Go (gosnn)")
	if err := WriteKernelSpec(dir, spec); err != nil {
		t.Fatal(err)
	}
	got, err := ReadKernelSpec(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Argv, []string{"/opt/gosnn", "kernel", "-f", "{connection_file}"}) ||
		got.Language != "go" || got.InterruptMode != "message" || got.DisplayName != "Go (gosnn)" {
		t.Errorf("spec %+v", got)
	}
	for name, size := range map[string]int{"logo-32x32.png": 32, "logo-64x64.png": 64} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil || img.Bounds().Dx() != size || img.Bounds().Dy() != size {
			t.Errorf("%s: %v %v", name, err, img.Bounds())
		}
	}
	if svg, _ := os.ReadFile(filepath.Join(dir, "logo-svg.svg")); !bytes.Contains(svg, []byte("<svg")) {
		t.Error("no SVG logo")
	}
	if err := WriteKernelSpec(dir, KernelSpec{}); err == nil {
		t.Error("empty argv accepted")
	}
}

func TestDataDirAndPath(t *testing.T) {
	t.Setenv("JUPYTER_DATA_DIR", "/d")
	t.Setenv("JUPYTER_PATH", "/p1"+string(os.PathListSeparator)+"/p2")
	t.Setenv("VIRTUAL_ENV", "/venv")
	t.Setenv("CONDA_PREFIX", "")
	if DataDir() != "/d" {
		t.Error(DataDir())
	}
	p := JupyterPath()
	if len(p) < 4 || p[0] != "/p1" || p[1] != "/p2" || p[2] != "/d" || p[3] != filepath.Join("/venv", "share", "jupyter") {
		t.Errorf("path %v", p)
	}
	if !OnJupyterPath("/p2/kernels/gosnn") || OnJupyterPath("/elsewhere/kernels/gosnn") || OnJupyterPath("/p2/kernels") {
		t.Error("OnJupyterPath")
	}
	t.Setenv("VIRTUAL_ENV", "")
	if _, err := SysPrefix(); err == nil {
		t.Error("SysPrefix without an environment")
	}
	t.Setenv("JUPYTER_DATA_DIR", "")
	t.Setenv("XDG_DATA_HOME", "/x")
	t.Setenv("HOME", "/h")
	want := map[string]string{"linux": "/x/jupyter", "darwin": "/h/Library/Jupyter"}
	if w, ok := want[runtime.GOOS]; ok && DataDir() != w {
		t.Errorf("DataDir %s, want %s", DataDir(), w)
	}
}

func ExampleNewKernelSpec() {
	spec := NewKernelSpec("/usr/local/bin/gosnn", "Go (gosnn)")
	fmt.Println(spec.Argv, spec.Language, spec.InterruptMode)
	// Output: [/usr/local/bin/gosnn kernel -f {connection_file}] go message
}
