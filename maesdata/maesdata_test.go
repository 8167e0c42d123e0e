package maesdata_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gosnn/gosnn/internal/testskip"
	"github.com/gosnn/gosnn/maesdata"
)

func TestMain(m *testing.M) { testskip.Main(m) }

// fakeFiles returns small stand-ins for a data set and their table.
func fakeFiles() (maesdata.Table, map[string][]byte) {
	contents := map[string][]byte{
		"weights.mat": bytes.Repeat([]byte("matrix "), 5000),
		"song.wav":    []byte("RIFF-ish bytes of a recording"),
		"times.mat":   {0, 1, 2, 3, 255},
	}
	var t maesdata.Table
	for _, name := range []string{"weights.mat", "song.wav", "times.mat"} {
		sum := sha256.Sum256(contents[name])
		t = append(t, maesdata.File{Name: name, Size: int64(len(contents[name])), SHA256: hex.EncodeToString(sum[:])})
	}
	return t, contents
}

// buildZip returns a zip archive holding files (path in the archive → contents), in name
// order, compressed.
func buildZip(t testing.TB, files map[string][]byte) []byte {
	return buildZipMethod(t, files, zip.Deflate)
}

func buildZipMethod(t testing.TB, files map[string][]byte, method uint16) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		b := files[name]
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// modeldbZip lays the files out as the ModelDB archive does: in a subfolder, with a macOS
// resource fork and unrelated files around them, and an older song.wav of the same size
// before the real one.
func modeldbZip(t testing.TB, contents map[string][]byte) []byte {
	files := map[string][]byte{
		"257609/0-older/song.wav":               bytes.Repeat([]byte("x"), len(contents["song.wav"])),
		"257609/readme.txt":                     []byte("readme"),
		"__MACOSX/Data and plotting/._song.wav": []byte("junk"),
	}
	for name, b := range contents {
		files["257609/Data and plotting/"+name] = b
	}
	return buildZip(t, files)
}

// checkInstalled checks that dst holds exactly the files of tab with the right contents
// (want) or none of them (want == nil), and no leftover temporary files.
func checkInstalled(t *testing.T, tab maesdata.Table, dst string, want map[string][]byte) {
	t.Helper()
	entries, _ := os.ReadDir(dst)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("leftover temporary file %s", e.Name())
		}
	}
	for _, f := range tab {
		b, err := os.ReadFile(filepath.Join(dst, f.Name))
		switch {
		case want == nil && err == nil:
			t.Errorf("%s was installed", f.Name)
		case want == nil:
		case err != nil:
			t.Errorf("%s not installed: %v", f.Name, err)
		case !bytes.Equal(b, want[f.Name]):
			t.Errorf("%s installed with other contents", f.Name)
		}
	}
	if want != nil {
		if err := tab.Verify(dst).Err(); err != nil {
			t.Errorf("Verify after install: %v", err)
		}
	}
}

func TestFetch(t *testing.T) {
	tab, contents := fakeFiles()
	good := modeldbZip(t, contents)
	bad := map[string][]byte{}
	for k, v := range contents {
		bad[k] = v
	}
	bad["song.wav"] = []byte("RIFF-ish bytes of a recordinG")
	badZip := modeldbZip(t, bad)
	// An archive with one byte of the (stored) weights changed.
	files := map[string][]byte{}
	for name, b := range contents {
		files["257609/Data and plotting/"+name] = b
	}
	corrupt := buildZipMethod(t, files, zip.Store)
	corrupt[bytes.Index(corrupt, []byte("matrix matrix"))+1000] ^= 0x55

	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(badZip)
	}))
	defer other.Close()
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(good)
	}))
	defer plain.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("/zip", func(w http.ResponseWriter, r *http.Request) { w.Write(good) })
	mux.HandleFunc("/bad", func(w http.ResponseWriter, r *http.Request) { w.Write(badZip) })
	mux.HandleFunc("/corrupt", func(w http.ResponseWriter, r *http.Request) { w.Write(corrupt) })
	mux.HandleFunc("/truncated", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(good)))
		w.Write(good[:len(good)/2])
	})
	mux.HandleFunc("/truncated-chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Write(good[:len(good)-30])
		w.(http.Flusher).Flush()
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(good)))
		w.Write(good[:100])
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	mux.HandleFunc("/steady", func(w http.ResponseWriter, r *http.Request) {
		// Slower in all than the stall timeout, but never silent for long.
		w.Header().Set("Content-Length", fmt.Sprint(len(good)))
		for i, n := 0, len(good)/12+1; i < len(good); i += n {
			w.Write(good[i:min(i+n, len(good))])
			w.(http.Flusher).Flush()
			time.Sleep(150 * time.Millisecond)
		}
	})
	mux.HandleFunc("/silent", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html>please log in</html>"))
	})
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/zip", http.StatusFound) })
	mux.HandleFunc("/to-login", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/html", http.StatusFound) })
	mux.HandleFunc("/elsewhere", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/x", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/downgrade" {
			http.Redirect(w, r, plain.URL+"/zip", http.StatusFound)
			return
		}
		w.Write(good)
	}))
	defer tls.Close()

	tests := []struct {
		name, url string
		client    *http.Client
		err       string // "" for success
	}{
		{"success", srv.URL + "/zip", nil, ""},
		{"https", tls.URL + "/zip", tls.Client(), ""},
		{"redirect on the same server", srv.URL + "/moved", nil, ""},
		{"redirect to another host serving other files", srv.URL + "/elsewhere", nil, "song.wav: SHA-256 mismatch"},
		{"redirect from https to http", tls.URL + "/downgrade", tls.Client(), "refusing a redirect from HTTPS"},
		{"redirect loop", srv.URL + "/loop", nil, "stopped after 10 redirects"},
		{"redirect to a web page", srv.URL + "/to-login", nil, "not a readable zip archive"},
		{"checksum mismatch", srv.URL + "/bad", nil, "maesdata: song.wav: SHA-256 mismatch (got "},
		{"corrupted", srv.URL + "/corrupt", nil, "maesdata: weights.mat ("},
		{"truncated", srv.URL + "/truncated", nil, "unexpected EOF"},
		{"truncated without length", srv.URL + "/truncated-chunked", nil, "not a readable zip archive"},
		{"slow but steady", srv.URL + "/steady", nil, ""},
		{"stalls after 100 bytes", srv.URL + "/slow", nil, "stalled: no data for 1s after "},
		{"sends nothing", srv.URL + "/silent", nil, "stalled: no data for 1s after "},
		{"not found", srv.URL + "/missing", nil, "404 Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := filepath.Join(t.TempDir(), "new", "maes2020")
			var last maesdata.Progress
			err := tab.Fetch(context.Background(), tt.url, dst, maesdata.Options{
				Client:       tt.client,
				StallTimeout: time.Second,
				Progress:     func(p maesdata.Progress) { last = p },
			})
			if tt.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				checkInstalled(t, tab, dst, contents)
				if last.Stage != "install" || last.Done != last.Total {
					t.Errorf("last progress %+v", last)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), "maesdata: ") {
				t.Fatalf("error %v, want one containing %q", err, tt.err)
			}
			t.Log(err)
			checkInstalled(t, tab, dst, nil)
		})
	}
}

// TestFetchKeepsOldFiles checks that a failed fetch leaves files installed before untouched.
func TestFetchKeepsOldFiles(t *testing.T) {
	tab, contents := fakeFiles()
	bad := map[string][]byte{"weights.mat": []byte("short"), "song.wav": contents["song.wav"], "times.mat": contents["times.mat"]}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(buildZip(t, bad)) }))
	defer srv.Close()
	dst := t.TempDir()
	if err := os.WriteFile(filepath.Join(dst, "song.wav"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := tab.Fetch(context.Background(), srv.URL, dst, maesdata.Options{})
	if err == nil || !strings.Contains(err.Error(), "maesdata: weights.mat: size mismatch (got 5 bytes, want 35000)") {
		t.Fatalf("error %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "song.wav")); string(b) != "old" {
		t.Errorf("song.wav is %q after a failed fetch, want the old file", b)
	}
}

// TestFetchCancel checks that the caller's context stops a download.
func TestFetchCancel(t *testing.T) {
	tab, _ := fakeFiles()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	dst := t.TempDir()
	err := tab.Fetch(ctx, srv.URL, dst, maesdata.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	checkInstalled(t, tab, dst, nil)
}

func TestImport(t *testing.T) {
	tab, contents := fakeFiles()
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "257609.zip")
	if err := os.WriteFile(zipPath, modeldbZip(t, contents), 0o644); err != nil {
		t.Fatal(err)
	}
	// A folder as the archive unpacks, plus a decoy copy with other contents.
	folder := filepath.Join(dir, "unpacked")
	write := func(rel string, b []byte) {
		p := filepath.Join(folder, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a-old/weights.mat", []byte("an older matrix"))
	for name, b := range contents {
		write(filepath.Join("257609", "Data and plotting", name), b)
	}
	partial := filepath.Join(dir, "partial")
	if err := os.MkdirAll(partial, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(partial, "song.wav"), contents["song.wav"], 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, src string
		errs      []string
	}{
		{"zip", zipPath, nil},
		{"folder", folder, nil},
		{"folder missing files", partial, []string{"maesdata: weights.mat: not found", "maesdata: times.mat: not found"}},
		{"no such source", filepath.Join(dir, "nope.zip"), []string{"maesdata: import: ", "no such file"}},
		{"not a zip", filepath.Join(folder, "a-old", "weights.mat"), []string{"not a readable zip archive"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := filepath.Join(t.TempDir(), "d")
			err := tab.Import(context.Background(), tt.src, dst, maesdata.Options{})
			if tt.errs == nil {
				if err != nil {
					t.Fatal(err)
				}
				checkInstalled(t, tab, dst, contents)
				return
			}
			for _, e := range tt.errs {
				if err == nil || !strings.Contains(err.Error(), e) {
					t.Errorf("error %v, want one containing %q", err, e)
				}
			}
			checkInstalled(t, tab, dst, nil)
		})
	}
}

func TestVerify(t *testing.T) {
	tab, contents := fakeFiles()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "weights.mat"), contents["weights.mat"], 0o644)
	os.WriteFile(filepath.Join(dir, "song.wav"), []byte("RIFF-ish bytes of a recordinG"), 0o644)
	r := tab.Verify(dir)
	if r.OK() {
		t.Fatal("OK with a missing and a changed file")
	}
	want := []maesdata.State{maesdata.OK, maesdata.Mismatch, maesdata.Absent}
	for i, s := range r.Files {
		if s.State != want[i] {
			t.Errorf("%s: %v, want %v", s.File.Name, s.State, want[i])
		}
	}
	err := r.Err().Error()
	for _, w := range []string{"maesdata: song.wav: SHA-256 mismatch (got ", "maesdata: times.mat: missing from " + dir} {
		if !strings.Contains(err, w) {
			t.Errorf("Err() = %q, want it to contain %q", err, w)
		}
	}
	out := r.String()
	for _, w := range []string{dir + "\n", "  ok         weights.mat", "  MISMATCH   song.wav", "  missing    times.mat"} {
		if !strings.Contains(out, w) {
			t.Errorf("String() = %q, want it to contain %q", out, w)
		}
	}
	os.WriteFile(filepath.Join(dir, "song.wav"), contents["song.wav"], 0o644)
	os.WriteFile(filepath.Join(dir, "times.mat"), contents["times.mat"], 0o644)
	if r := tab.Verify(dir); !r.OK() || r.Err() != nil {
		t.Errorf("not OK with every file right: %v", r.Err())
	}
}

// TestAuthorsTable checks the real table against the authors' files when they are present.
func TestAuthorsTable(t *testing.T) {
	dir := filepath.Dir(testskip.AuthorsFile(t, maesdata.Weights))
	r := maesdata.Verify(dir)
	if err := r.Err(); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	// And the whole path: import from the folder into a new user data directory.
	dst := t.TempDir()
	if err := maesdata.Import(context.Background(), dir, dst, nil); err != nil {
		t.Fatal(err)
	}
	if err := maesdata.Verify(dst).Err(); err != nil {
		t.Fatal(err)
	}
}

// TestLookupOrder checks Find and Dir: $GOSNN_DATA, then the user data directory, then
// shared/data/maes2020 beside the checkout holding the working directory.
func TestLookupOrder(t *testing.T) {
	root := t.TempDir()
	mk := func(rel string, files ...string) string {
		d := filepath.Join(root, rel)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if err := os.WriteFile(filepath.Join(d, f), []byte(f), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return d
	}
	env := mk("env", "a.mat")
	xdg := mk("xdg")
	user := mk("xdg/gosnn/maes2020", "a.mat", "b.mat")
	shared := mk("shared/data/maes2020", "a.mat", "b.mat", "c.mat")
	mk("repo/notebooks")
	os.WriteFile(filepath.Join(root, "repo", "go.mod"), []byte("// c\nmodule github.com/gosnn/gosnn\n\ngo 1.24\n"), 0o644)
	mk("other/sub")
	os.WriteFile(filepath.Join(root, "other", "go.mod"), []byte("module example.com/other\n"), 0o644)
	// A go.mod of another module between the working directory and the checkout root.
	mk("repo/testdata/mod/x")
	os.WriteFile(filepath.Join(root, "repo", "testdata", "mod", "go.mod"), []byte("module example.com/m\n"), 0o644)

	tests := []struct {
		name, env, cwd, file string
		want                 string // folder expected, "" for not found
	}{
		{"env first", env, "repo", "a.mat", env},
		{"user dir when env lacks it", env, "repo", "b.mat", user},
		{"shared from the repo root", env, "repo", "c.mat", shared},
		{"shared from notebooks/", "", "repo/notebooks", "c.mat", shared},
		{"shared above a nested module", "", "repo/testdata/mod/x", "c.mat", shared},
		{"user dir without env", "", "repo/notebooks", "a.mat", user},
		{"no shared outside the checkout", "", "other/sub", "c.mat", ""},
		{"absent everywhere", env, "repo", "d.mat", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(maesdata.EnvVar, tt.env)
			t.Setenv("XDG_DATA_HOME", xdg)
			t.Chdir(filepath.Join(root, tt.cwd))
			got, err := maesdata.Find(tt.file)
			if tt.want == "" {
				var nf *maesdata.NotFoundError
				if !errors.As(err, &nf) || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "run `gosnn data fetch` or `gosnn data import PATH`") {
					t.Fatalf("Find = %q, %v; want a maesdata.NotFoundError", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !sameFile(t, got, filepath.Join(tt.want, tt.file)) {
				t.Errorf("Find = %s, want the one in %s", got, tt.want)
			}
		})
	}
	t.Run("Dir and Places", func(t *testing.T) {
		t.Setenv(maesdata.EnvVar, "")
		t.Setenv("XDG_DATA_HOME", xdg)
		t.Chdir(filepath.Join(root, "repo", "notebooks"))
		mk("shared/data/maes2020", maesdata.Weights)
		d, err := maesdata.Dir()
		if err != nil || !sameFile(t, d, shared) {
			t.Errorf("Dir = %s, %v; want %s", d, err, shared)
		}
		ps := maesdata.Places()
		if len(ps) != 2 || ps[0].Dir != user || ps[1].Dir != filepath.Join("..", "..", "shared", "data", "maes2020") {
			t.Errorf("Places = %+v", ps)
		}
		if d, err := maesdata.InstallDir(); err != nil || d != user {
			t.Errorf("InstallDir = %s, %v; want %s", d, err, user)
		}
		t.Setenv(maesdata.EnvVar, env)
		if d, err := maesdata.InstallDir(); err != nil || d != env {
			t.Errorf("InstallDir = %s, %v; want %s", d, err, env)
		}
	})
}

func sameFile(t *testing.T, a, b string) bool {
	t.Helper()
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// FuzzImportZip feeds arbitrary archives to the import: it never panics, and either installs
// every file with the right contents or none of them.
func FuzzImportZip(f *testing.F) {
	tab, contents := fakeFiles()
	f.Add(modeldbZip(f, contents))
	f.Add(buildZip(f, map[string][]byte{"song.wav": contents["song.wav"]}))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		src := filepath.Join(dir, "in.zip")
		if err := os.WriteFile(src, b, 0o644); err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, "out")
		err := tab.Import(context.Background(), src, dst, maesdata.Options{})
		if err == nil {
			checkInstalled(t, tab, dst, contents)
		} else {
			checkInstalled(t, tab, dst, nil)
		}
	})
}
