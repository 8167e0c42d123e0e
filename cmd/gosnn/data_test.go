package main

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/maesdata"
)

// TestDataCommands runs gosnn data fetch (from a local server serving an archive built from
// the authors' files), verify, path and import as a user would.
func TestDataCommands(t *testing.T) {
	src := filepath.Dir(authorsFile(t, maesdata.Weights))
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	for _, f := range maesdata.Authors {
		b, err := os.ReadFile(filepath.Join(src, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create("257609/Data and plotting/" + f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/download/257609" {
			http.NotFound(w, r)
			return
		}
		w.Write(zbuf.Bytes())
	}))
	defer srv.Close()

	home := t.TempDir()
	t.Setenv("XDG_DATA_HOME", home)
	t.Setenv(maesdata.EnvVar, "")
	user := filepath.Join(home, "gosnn", "maes2020")
	run := func(tty bool, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := dataCmd(context.Background(), args, &out, &errb, tty)
		return code, out.String(), errb.String()
	}

	code, out, errs := run(true, "fetch", "-url", srv.URL+"/download/257609")
	if code != 0 || !strings.Contains(out, "installed the authors' files in "+user) {
		t.Fatalf("fetch: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if !strings.Contains(errs, "\rdownload ") || !strings.Contains(errs, "] 100%") || !strings.Contains(errs, "FF60b_2400_nc160.mat") {
		t.Errorf("fetch drew no progress bar: %q", errs)
	}
	code, out, _ = run(false, "verify")
	if code != 0 || !strings.HasPrefix(out, user+"\n") || strings.Count(out, "  ok ") != len(maesdata.Authors) {
		t.Errorf("verify: exit %d, %q", code, out)
	}
	code, out, _ = run(false, "path")
	if code != 0 || out != user+"\n" {
		t.Errorf("path: exit %d, %q, want %q", code, out, user)
	}
	code, out, _ = run(false, "path", "-all")
	if code != 0 || !strings.Contains(out, user+"\tuser data directory\t5 of 5 files\n") || !strings.Contains(out, "in use: "+user) {
		t.Errorf("path -all: exit %d, %q", code, out)
	}

	// A damaged file is named by verify and replaced by import.
	if err := os.WriteFile(filepath.Join(user, maesdata.TimePoints), []byte("damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = run(false, "verify", user)
	if code != 1 || !strings.Contains(out, "MISMATCH   timePoints.mat") || !strings.Contains(errs, "maesdata: timePoints.mat: size mismatch (got 7 bytes, want 14034)") {
		t.Errorf("verify of a damaged file: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, out, errs = run(false, "import", src)
	if code != 0 || !strings.Contains(errs, "timePoints.mat") {
		t.Errorf("import: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if code, out, _ = run(false, "verify", user); code != 0 {
		t.Errorf("verify after import: exit %d, %q", code, out)
	}

	// $GOSNN_DATA comes first, and is where fetch and import install.
	env := t.TempDir()
	t.Setenv(maesdata.EnvVar, env)
	code, _, errs = run(false, "fetch", "-url", srv.URL+"/elsewhere")
	if code != 1 || !strings.Contains(errs, "404 Not Found") || !strings.Contains(errs, "gosnn data import PATH") {
		t.Errorf("fetch of a missing archive: exit %d, %q", code, errs)
	}
	if entries, _ := os.ReadDir(env); len(entries) != 0 {
		t.Errorf("a failed fetch left %d files in %s", len(entries), env)
	}
	code, out, _ = run(false, "import", "-dir", env, filepath.Join(src, ".."))
	if code != 0 || !strings.Contains(out, "installed the authors' files in "+env) {
		t.Errorf("import -dir: exit %d, %q", code, out)
	}
	if code, out, _ = run(false, "path"); code != 0 || out != env+"\n" {
		t.Errorf("path with $GOSNN_DATA: exit %d, %q", code, out)
	}
}

// TestDataUsage checks the usage errors of gosnn data.
func TestDataUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{nil, 2, "usage: gosnn data COMMAND"},
		{[]string{"-h"}, 0, "fetch [-url URL]"},
		{[]string{"frob"}, 2, `unknown command "frob"`},
		{[]string{"import"}, 2, "usage: gosnn data import"},
		{[]string{"import", "a", "b"}, 2, `unexpected argument "b"`},
		{[]string{"path", "x"}, 2, `unexpected argument "x"`},
		{[]string{"import", filepath.Join(t.TempDir(), "none.zip")}, 1, "maesdata: import: "},
	} {
		var out, errb bytes.Buffer
		if code := dataCmd(context.Background(), tc.args, &out, &errb, false); code != tc.code || !strings.Contains(errb.String(), tc.msg) {
			t.Errorf("gosnn data %q: exit %d, stderr %q; want %d and %q", tc.args, code, errb.String(), tc.code, tc.msg)
		}
	}
}

// hideAuthorsData makes maesdata.Find fail for the rest of the test: no $GOSNN_DATA, an empty
// user data directory, and a working directory outside the checkout.
func hideAuthorsData(t *testing.T) {
	t.Setenv(maesdata.EnvVar, "")
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Chdir(t.TempDir())
}

// TestExpDefaultsToAuthorsFiles checks that gosnn exp replay and readout take the authors'
// files found by maesdata when --weights and --wav are not given, and say how to get them
// when they are not found.
func TestExpDefaultsToAuthorsFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{maesdata.Weights, maesdata.Song} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("stand-in"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hideAuthorsData(t)
	var errb bytes.Buffer
	if f, code := parseReplayFlags(nil, &errb); code != 2 || f != nil {
		t.Errorf("replay without data: exit %d, want a failure", code)
	}
	if f, code := parseReadoutFlags([]string{"--weights", "w.mat", "--pattern", "song"}, &errb); code != 2 || f != nil {
		t.Errorf("readout song without data: exit %d, want 2", code)
	}
	for _, want := range []string{"--weights FILE is required: maesdata: FF60b_2400_nc160.mat not found", "needs --wav FILE (meadowlark.wav): maesdata: meadowlark.wav not found", "run `gosnn data fetch` or `gosnn data import PATH`"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr %q, want it to contain %q", errb.String(), want)
		}
	}
	t.Setenv(maesdata.EnvVar, dir)
	errb.Reset()
	if f, code := parseReplayFlags(nil, &errb); code >= 0 || f.opts.Weights != filepath.Join(dir, maesdata.Weights) {
		t.Errorf("replay: exit %d, weights %v, stderr %q", code, f, errb.String())
	}
	f, code := parseReadoutFlags([]string{"--pattern", "song"}, &errb)
	if code >= 0 || f.opts.Weights != filepath.Join(dir, maesdata.Weights) || f.opts.Wav != filepath.Join(dir, maesdata.Song) {
		t.Errorf("readout: exit %d, flags %+v, stderr %q", code, f, errb.String())
	}
}
