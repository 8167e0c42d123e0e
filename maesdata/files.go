package maesdata

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DownloadURL is the download address of ModelDB accession 257609 (model page
// https://modeldb.science/257609), of the form https://modeldb.science/download/ACCESSION
// that ModelDB publishes for every model. In the model's files (as mirrored on GitHub,
// ModelDBRepository/257609) the data sit in the folder "Data and plotting"; Fetch and Import
// find them by base name wherever they are.
const DownloadURL = "https://modeldb.science/download/257609"

// Names of the authors' files.
const (
	Weights            = "FF60b_2400_nc160.mat"    // trained 3000 × 3000 weight matrix, 15 clusters of 160
	TimePoints         = "timePoints.mat"          // cluster activation times, 80 clusters × 79 trials
	SupervisorSong     = "supervisor_600.mat"      // bird-song supervisor, 45 bands × 6001 samples
	SupervisorParallel = "supervisor_parallel.mat" // ABCBA and DEDED supervisors
	Song               = "meadowlark.wav"          // the meadowlark recording, 44.1 kHz stereo
)

// File is one file of a Table: its base name, size in bytes and SHA-256 (lower-case hex).
type File struct {
	Name   string
	Size   int64
	SHA256 string
}

// Table lists the files a data set must hold. Tests build their own; Authors is the real one.
type Table []File

// Authors is the table of the authors' files from ModelDB accession 257609.
var Authors = Table{
	{Weights, 3728288, "deeffe274c348b07bbacfb36d018d3614bdb4d132b736bf83180de85d0346cba"},
	{TimePoints, 14034, "5e40862db60c45d3cc4478ccb28be9c979e5650293739c2e1159234f8eece066"},
	{SupervisorSong, 1173494, "10307a6db2fc657e78258a0a33bdccd0f8ccd2361d081c8ac523252447aaf3a8"},
	{SupervisorParallel, 324, "baf0bf20920fbfd56241e974e059ecb76c2d4c0d6447bccc94b299250cff2cc0"},
	{Song, 264714, "42c39ad7e7723fe764aed89eaefee57d8d7126c9838e0952439a6bf3671a74ee"},
}

// State is what Verify found for one file.
type State int

// The states of a file.
const (
	OK       State = iota // present with the right size and SHA-256
	Absent                // not in the folder
	Mismatch              // present with another size or SHA-256
	Unread                // present but could not be read
)

func (s State) String() string {
	switch s {
	case OK:
		return "ok"
	case Absent:
		return "missing"
	case Mismatch:
		return "MISMATCH"
	case Unread:
		return "UNREADABLE"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Status is the verification of one file.
type Status struct {
	File  File
	Path  string
	State State
	Size  int64  // size found (Mismatch, OK)
	Got   string // SHA-256 found (Mismatch, OK)
	Err   error  // why it could not be read (Unread)
}

// Report is the result of Verify: one Status per file of the table, in table order.
type Report struct {
	Dir   string
	Files []Status
}

// OK reports whether every file is present and matches the table.
func (r Report) OK() bool {
	for _, s := range r.Files {
		if s.State != OK {
			return false
		}
	}
	return true
}

// Err returns nil when every file matches, else an error naming each file that does not.
func (r Report) Err() error {
	var errs []error
	for _, s := range r.Files {
		switch s.State {
		case Absent:
			errs = append(errs, fmt.Errorf("maesdata: %s: missing from %s", s.File.Name, r.Dir))
		case Mismatch:
			errs = append(errs, mismatchError(s.File, s.Size, s.Got))
		case Unread:
			errs = append(errs, fmt.Errorf("maesdata: %s: %w", s.File.Name, s.Err))
		}
	}
	return errors.Join(errs...)
}

// String formats the report as one line per file, as gosnn data verify prints it.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", r.Dir)
	for _, s := range r.Files {
		fmt.Fprintf(&b, "  %-10s %-24s", s.State, s.File.Name)
		switch s.State {
		case OK:
			fmt.Fprintf(&b, " %d bytes, sha256 %s", s.Size, s.Got)
		case Mismatch:
			fmt.Fprintf(&b, " %d bytes, sha256 %s (want %d bytes, sha256 %s)", s.Size, s.Got, s.File.Size, s.File.SHA256)
		case Unread:
			fmt.Fprintf(&b, " %v", s.Err)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func mismatchError(f File, size int64, got string) error {
	if size != f.Size {
		return fmt.Errorf("maesdata: %s: size mismatch (got %d bytes, want %d)", f.Name, size, f.Size)
	}
	return fmt.Errorf("maesdata: %s: SHA-256 mismatch (got %s, want %s)", f.Name, got, f.SHA256)
}

// Verify checks the files of the table in dir: each must exist with the size and SHA-256 of
// the table.
func (t Table) Verify(dir string) Report {
	r := Report{Dir: dir}
	for _, f := range t {
		s := Status{File: f, Path: filepath.Join(dir, f.Name)}
		fh, err := os.Open(s.Path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			s.State = Absent
		case err != nil:
			s.State, s.Err = Unread, err
		default:
			s.Size, s.Got, err = hashReader(fh, -1)
			fh.Close()
			switch {
			case err != nil:
				s.State, s.Err = Unread, err
			case s.Size != f.Size || s.Got != f.SHA256:
				s.State = Mismatch
			}
		}
		r.Files = append(r.Files, s)
	}
	return r
}

// Verify checks the authors' files in dir (Authors.Verify).
func Verify(dir string) Report { return Authors.Verify(dir) }

// hashReader reads r to its end (or to limit+1 bytes when limit ≥ 0) and returns the number
// of bytes read and their SHA-256.
func hashReader(r io.Reader, limit int64) (int64, string, error) {
	h := sha256.New()
	if limit >= 0 {
		r = io.LimitReader(r, limit+1)
	}
	n, err := io.Copy(h, r)
	return n, hex.EncodeToString(h.Sum(nil)), err
}
