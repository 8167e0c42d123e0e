package maesdata

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// DefaultStallTimeout is how long Fetch waits for data from the server before it gives up,
// unless Options.StallTimeout says otherwise.
const DefaultStallTimeout = 60 * time.Second

// maxRedirects is the most redirects Fetch follows.
const maxRedirects = 10

// Progress reports the advance of a download or an installation.
type Progress struct {
	Stage string // "download" (Name is the address) or "install" (Name is the file)
	Name  string
	Done  int64 // bytes so far
	Total int64 // bytes expected, or -1 when unknown
}

// Options tunes Import and Fetch. The zero value is ready to use.
type Options struct {
	// Client performs the download; nil means a new http.Client. Its CheckRedirect, if nil,
	// is set to the package's policy (at most 10 redirects, none from HTTPS to HTTP).
	Client *http.Client
	// StallTimeout fails a download when the server sends nothing for this long (from the
	// request until the first byte, and between reads); 0 means DefaultStallTimeout.
	StallTimeout time.Duration
	// Progress, if not nil, is called as bytes are downloaded and files installed.
	Progress func(Progress)
}

func (o Options) progress(p Progress) {
	if o.Progress != nil {
		o.Progress(p)
	}
}

// candidate is one place a file of the table may be read from: a file in a folder tree or an
// entry of a zip archive.
type candidate struct {
	label string // where it is, for messages
	size  int64  // its size, or -1 when unknown
	open  func() (io.ReadCloser, error)
}

// Import installs the files of the table from src, a folder (searched recursively) or a .zip
// archive, into dst, which is created if needed. Each file is found by base name, copied to a
// temporary name in dst and checked against the table; only when every file matches are the
// copies renamed to their final names (replacing older ones). Otherwise nothing is installed
// and the error names each missing or mismatching file.
func (t Table) Import(ctx context.Context, src, dst string, o Options) error {
	fi, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("maesdata: import: %w", err)
	}
	if fi.IsDir() {
		cands, err := t.folderCandidates(src)
		if err != nil {
			return err
		}
		return t.install(ctx, cands, dst, o)
	}
	return t.importZip(ctx, src, src, dst, o)
}

// Import installs the authors' files from a folder or a .zip (Authors.Import).
func Import(ctx context.Context, src, dst string, progress func(Progress)) error {
	return Authors.Import(ctx, src, dst, Options{Progress: progress})
}

// folderCandidates walks src and collects the regular files whose base names are in the table.
func (t Table) folderCandidates(src string) (map[string][]candidate, error) {
	want := t.names()
	cands := map[string][]candidate{}
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() || !want[d.Name()] {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		cands[d.Name()] = append(cands[d.Name()], candidate{
			label: path,
			size:  fi.Size(),
			open:  func() (io.ReadCloser, error) { return os.Open(path) },
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("maesdata: import: %w", err)
	}
	return cands, nil
}

// importZip installs the files of the table from the zip archive at path, called label in
// messages.
func (t Table) importZip(ctx context.Context, path, label, dst string, o Options) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return fmt.Errorf("maesdata: %s is not a readable zip archive: %w", label, err)
	}
	defer zr.Close()
	return t.install(ctx, t.zipCandidates(&zr.Reader, label), dst, o)
}

// zipCandidates collects the entries of zr whose base names are in the table.
func (t Table) zipCandidates(zr *zip.Reader, label string) map[string][]candidate {
	want := t.names()
	cands := map[string][]candidate{}
	for _, f := range zr.File {
		name := strings.ReplaceAll(f.Name, `\`, "/")
		base := name[strings.LastIndex(name, "/")+1:]
		if f.FileInfo().IsDir() || !want[base] {
			continue
		}
		size := int64(-1)
		if f.UncompressedSize64 <= 1<<62 {
			size = int64(f.UncompressedSize64)
		}
		cands[base] = append(cands[base], candidate{label: label + ": " + f.Name, size: size, open: f.Open})
	}
	return cands
}

func (t Table) names() map[string]bool {
	m := map[string]bool{}
	for _, f := range t {
		m[f.Name] = true
	}
	return m
}

// install copies, for each file of the table, the first candidate that matches the table to a
// temporary file in dst, and renames all of them once every file has one.
func (t Table) install(ctx context.Context, cands map[string][]candidate, dst string, o Options) (err error) {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("maesdata: %w", err)
	}
	staged := map[string]string{} // file name → temporary path
	defer func() {
		for _, tmp := range staged {
			os.Remove(tmp)
		}
	}()
	var errs []error
	for _, f := range t {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("maesdata: import: %w", err)
		}
		cs := cands[f.Name]
		if len(cs) == 0 {
			errs = append(errs, fmt.Errorf("maesdata: %s: not found in the archive or folder", f.Name))
			continue
		}
		// Prefer a candidate of the right size; try the others after it.
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].size == f.Size && cs[j].size != f.Size })
		var first error
		for _, c := range cs {
			tmp, err := stage(ctx, f, c, dst, o)
			if err == nil {
				staged[f.Name] = tmp
				first = nil
				break
			}
			if first == nil {
				first = err
			}
		}
		if first != nil {
			errs = append(errs, first)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for _, f := range t {
		if err := os.Rename(staged[f.Name], filepath.Join(dst, f.Name)); err != nil {
			return fmt.Errorf("maesdata: %s: %w", f.Name, err)
		}
		delete(staged, f.Name)
	}
	return nil
}

// stage copies candidate c of file f to a temporary file in dst while hashing it, and returns
// the temporary path when its size and SHA-256 match the table. The temporary file is removed
// on error.
func stage(ctx context.Context, f File, c candidate, dst string, o Options) (path string, err error) {
	r, err := c.open()
	if err != nil {
		return "", fmt.Errorf("maesdata: %s: %w", c.label, err)
	}
	defer r.Close()
	tmp, err := os.CreateTemp(dst, "."+f.Name+".part-*")
	if err != nil {
		return "", fmt.Errorf("maesdata: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	pr := &progressReader{ctx: ctx, r: io.LimitReader(r, f.Size+1), p: Progress{Stage: "install", Name: f.Name, Total: f.Size}, o: o}
	n, err := io.Copy(io.MultiWriter(tmp, h), pr)
	if err != nil {
		return "", fmt.Errorf("maesdata: %s (%s): %w", f.Name, c.label, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); n != f.Size || got != f.SHA256 {
		if n > f.Size {
			return "", fmt.Errorf("maesdata: %s: size mismatch (more than the %d bytes wanted) in %s", f.Name, f.Size, c.label)
		}
		return "", fmt.Errorf("%w in %s", mismatchError(f, n, got), c.label)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return "", fmt.Errorf("maesdata: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return "", fmt.Errorf("maesdata: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("maesdata: %w", err)
	}
	return tmp.Name(), nil
}

// progressReader reports progress and stops when its context is done.
type progressReader struct {
	ctx   context.Context
	r     io.Reader
	p     Progress
	o     Options
	onAny func() // called after every read that returned bytes
}

func (r *progressReader) Read(b []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := r.r.Read(b)
	if n > 0 {
		r.p.Done += int64(n)
		r.o.progress(r.p)
		if r.onAny != nil {
			r.onAny()
		}
	}
	return n, err
}

// errStalled is the cancellation cause of a download whose server went quiet.
var errStalled = errors.New("stalled")

// checkRedirect is the redirect policy of Fetch: at most maxRedirects, never from HTTPS to
// anything else.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("maesdata: stopped after %d redirects", maxRedirects)
	}
	for _, v := range via {
		if v.URL.Scheme == "https" && req.URL.Scheme != "https" {
			return fmt.Errorf("maesdata: refusing a redirect from HTTPS to %s", req.URL.Redacted())
		}
	}
	return nil
}

// Fetch downloads the zip archive at url into a temporary file in dst (created if needed) and
// installs the files of the table from it as Import does. The archive is removed afterwards;
// nothing lands under a final name unless every file matches the table.
func (t Table) Fetch(ctx context.Context, url, dst string, o Options) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("maesdata: %w", err)
	}
	tmp, err := os.CreateTemp(dst, ".download-*.zip")
	if err != nil {
		return fmt.Errorf("maesdata: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := download(ctx, url, tmp, o); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("maesdata: %w", err)
	}
	return t.importZip(ctx, tmp.Name(), "the archive from "+url, dst, o)
}

// Fetch downloads the authors' archive from url (usually DownloadURL) and installs the files
// in dst (Authors.Fetch).
func Fetch(ctx context.Context, url, dst string, progress func(Progress)) error {
	return Authors.Fetch(ctx, url, dst, Options{Progress: progress})
}

// download writes the body of a GET of url to w.
func download(ctx context.Context, url string, w *os.File, o Options) error {
	stall := o.StallTimeout
	if stall <= 0 {
		stall = DefaultStallTimeout
	}
	client := &http.Client{}
	if o.Client != nil {
		c := *o.Client
		client = &c
	}
	if client.CheckRedirect == nil {
		client.CheckRedirect = checkRedirect
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	timer := time.AfterFunc(stall, func() { cancel(errStalled) })
	defer timer.Stop()
	fail := func(err error, n int64) error {
		if errors.Is(context.Cause(ctx), errStalled) {
			return fmt.Errorf("maesdata: download from %s stalled: no data for %v after %d bytes", url, stall, n)
		}
		return fmt.Errorf("maesdata: download from %s: %w (after %d bytes)", url, err, n)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("maesdata: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fail(err, 0)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("maesdata: download from %s: %s", url, resp.Status)
	}
	pr := &progressReader{ctx: ctx, r: resp.Body, o: o,
		p:     Progress{Stage: "download", Name: url, Total: resp.ContentLength},
		onAny: func() { timer.Reset(stall) }}
	n, err := io.Copy(w, pr)
	if err != nil {
		return fail(err, n)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return fmt.Errorf("maesdata: download from %s truncated: %d of %d bytes", url, n, resp.ContentLength)
	}
	if err := w.Sync(); err != nil {
		return fmt.Errorf("maesdata: %w", err)
	}
	return nil
}
