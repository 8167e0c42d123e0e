package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gosnn/gosnn/maesdata"
)

func init() {
	register("data", "get and check the authors' data (fetch, import PATH, verify [DIR], path)", runData)
}

const dataUsage = `usage: gosnn data COMMAND

  fetch [-url URL] [-dir DIR]   download ModelDB 257609, check every file's SHA-256, install them
  import [-dir DIR] PATH        the same from a folder or the .zip downloaded by hand
  verify [DIR]                  check the files where they are found (or in DIR)
  path [-all]                   print the folder the files are read from (-all: the lookup order)

The files are installed in $GOSNN_DATA, else the user data directory (%s).
They are looked for in $GOSNN_DATA, the user data directory, then ../shared/data/maes2020
beside a checkout of gosnn.
`

func runData(args []string) int {
	ctx, stop := interruptContext()
	defer stop()
	return dataCmd(ctx, args, os.Stdout, os.Stderr, isTerminal(os.Stderr))
}

// isTerminal reports whether f is a character device (a terminal), where a progress bar can
// redraw itself.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// dataCmd runs gosnn data with its arguments; tty says whether stderr can show a redrawn
// progress bar.
func dataCmd(ctx context.Context, args []string, stdout, stderr io.Writer, tty bool) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		user, err := maesdata.UserDir()
		if err != nil {
			user = err.Error()
		}
		fmt.Fprintf(stderr, dataUsage, user)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	switch args[0] {
	case "fetch":
		return dataFetch(ctx, args[1:], stdout, stderr, tty)
	case "import":
		return dataImport(ctx, args[1:], stdout, stderr, tty)
	case "verify":
		return dataVerify(args[1:], stdout, stderr)
	case "path":
		return dataPath(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "gosnn data: unknown command %q (fetch, import, verify or path)\n", args[0])
	return 2
}

func dataFetch(ctx context.Context, args []string, stdout, stderr io.Writer, tty bool) int {
	fs := flag.NewFlagSet("data fetch", flag.ContinueOnError)
	url := fs.String("url", maesdata.DownloadURL, "address of the ModelDB archive")
	dir := fs.String("dir", "", "install folder (default $GOSNN_DATA, else the user data directory)")
	stall := fs.Duration("stall", maesdata.DefaultStallTimeout, "give up when the server sends nothing for this long")
	if code := parseFlags(fs, args, stderr, "gosnn data fetch [-url URL] [-dir DIR] [-stall 60s]"); code >= 0 {
		return code
	}
	dst, code := installDir(*dir, stderr)
	if code >= 0 {
		return code
	}
	fmt.Fprintf(stderr, "downloading %s\n", *url)
	bar := &progressBar{w: stderr, tty: tty}
	err := maesdata.Authors.Fetch(ctx, *url, dst, maesdata.Options{StallTimeout: *stall, Progress: bar.update})
	bar.done()
	if err != nil {
		fmt.Fprintf(stderr, "gosnn data fetch: %v\n", err)
		if strings.Contains(err.Error(), "download from") {
			fmt.Fprintln(stderr, "If this machine cannot reach ModelDB, download the archive elsewhere (https://modeldb.science/257609) and run gosnn data import PATH.")
		}
		return 1
	}
	return installed(dst, stdout)
}

func dataImport(ctx context.Context, args []string, stdout, stderr io.Writer, tty bool) int {
	fs := flag.NewFlagSet("data import", flag.ContinueOnError)
	dir := fs.String("dir", "", "install folder (default $GOSNN_DATA, else the user data directory)")
	usage := "gosnn data import [-dir DIR] PATH (a folder or the .zip of ModelDB 257609)"
	// The path may come before or after the flags.
	var src string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		src, args = args[0], args[1:]
	}
	if code := parseFlagsN(fs, args, stderr, usage, src == ""); code >= 0 {
		return code
	}
	if src == "" {
		src = fs.Arg(0)
	}
	if src == "" {
		fmt.Fprintln(stderr, "usage: "+usage)
		return 2
	}
	dst, code := installDir(*dir, stderr)
	if code >= 0 {
		return code
	}
	bar := &progressBar{w: stderr, tty: tty}
	err := maesdata.Authors.Import(ctx, src, dst, maesdata.Options{Progress: bar.update})
	bar.done()
	if err != nil {
		fmt.Fprintf(stderr, "gosnn data import: %v\n", err)
		return 1
	}
	return installed(dst, stdout)
}

// parseFlagsN is parseFlags allowing one positional argument when allowArg.
func parseFlagsN(fs *flag.FlagSet, args []string, stderr io.Writer, usage string, allowArg bool) int {
	if allowArg {
		return parseFlagsArgs(fs, args, stderr, usage, 1)
	}
	return parseFlags(fs, args, stderr, usage)
}

// installDir returns dir, or maesdata.InstallDir when dir is empty.
func installDir(dir string, stderr io.Writer) (string, int) {
	if dir != "" {
		return dir, -1
	}
	d, err := maesdata.InstallDir()
	if err != nil {
		fmt.Fprintf(stderr, "gosnn data: %v (set %s)\n", err, maesdata.EnvVar)
		return "", 1
	}
	return d, -1
}

// installed reports an installation and whether the lookup will find it.
func installed(dst string, stdout io.Writer) int {
	fmt.Fprintf(stdout, "installed the authors' files in %s\n", dst)
	if d, err := maesdata.Dir(); err == nil && !samePath(d, dst) {
		fmt.Fprintf(stdout, "note: %s comes first in the lookup order (gosnn data path -all)\n", d)
	}
	return 0
}

func samePath(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

func dataVerify(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("data verify", flag.ContinueOnError)
	usage := "gosnn data verify [DIR] (default: the folder the files are read from)"
	if code := parseFlagsN(fs, args, stderr, usage, true); code >= 0 {
		return code
	}
	dir := fs.Arg(0)
	if dir == "" {
		d, err := maesdata.Dir()
		if err != nil {
			fmt.Fprintf(stderr, "gosnn data verify: %v\n", err)
			return 1
		}
		dir = d
	}
	r := maesdata.Verify(dir)
	fmt.Fprint(stdout, r)
	if err := r.Err(); err != nil {
		fmt.Fprintf(stderr, "gosnn data verify: %v\n", err)
		fmt.Fprintf(stderr, "To repair: %s.\n", maesdata.Missing)
		return 1
	}
	return 0
}

func dataPath(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("data path", flag.ContinueOnError)
	all := fs.Bool("all", false, "list every folder of the lookup order and what it holds")
	if code := parseFlags(fs, args, stderr, "gosnn data path [-all]"); code >= 0 {
		return code
	}
	if *all {
		for _, p := range maesdata.Places() {
			n := 0
			for _, f := range maesdata.Authors {
				if _, err := os.Stat(filepath.Join(p.Dir, f.Name)); err == nil {
					n++
				}
			}
			fmt.Fprintf(stdout, "%s\t%s\t%d of %d files\n", p.Dir, p.From, n, len(maesdata.Authors))
		}
	}
	d, err := maesdata.Dir()
	if err != nil {
		fmt.Fprintf(stderr, "gosnn data path: %v\n", err)
		return 1
	}
	if *all {
		fmt.Fprintf(stdout, "in use: %s\n", d)
	} else {
		fmt.Fprintln(stdout, d)
	}
	return 0
}

// authorsDefault sets *path, when it is empty, to the authors' file name as maesdata.Find
// finds it: the default of the flags of gosnn exp that take the authors' files.
func authorsDefault(path *string, name string) error {
	if *path != "" {
		return nil
	}
	p, err := maesdata.Find(name)
	if err != nil {
		return err
	}
	*path = p
	return nil
}

// progressBar draws maesdata's progress on stderr: redrawn in place on a terminal, one line per
// finished stage otherwise.
type progressBar struct {
	w    io.Writer
	tty  bool
	cur  maesdata.Progress
	last time.Time
	open bool // a bar is drawn without its newline
}

func (b *progressBar) update(p maesdata.Progress) {
	if p.Stage != b.cur.Stage || p.Name != b.cur.Name {
		b.finish()
	}
	b.cur = p
	if !b.tty {
		if p.Total >= 0 && p.Done >= p.Total {
			b.finish()
		}
		return
	}
	if now := time.Now(); now.Sub(b.last) >= 100*time.Millisecond || (p.Total >= 0 && p.Done >= p.Total) {
		b.last = now
		b.draw()
	}
}

func (b *progressBar) line() string {
	p := b.cur
	name := p.Name
	if p.Stage == "download" {
		name = "download"
	}
	if p.Total <= 0 {
		return fmt.Sprintf("%-24s %8.1f MB", name, float64(p.Done)/1e6)
	}
	const width = 30
	frac := float64(p.Done) / float64(p.Total)
	fill := int(frac * width)
	fill = min(max(fill, 0), width)
	return fmt.Sprintf("%-24s [%s%s] %3.0f%% %6.1f / %.1f MB", name, strings.Repeat("=", fill), strings.Repeat(" ", width-fill), 100*frac, float64(p.Done)/1e6, float64(p.Total)/1e6)
}

func (b *progressBar) draw() {
	fmt.Fprintf(b.w, "\r%s", b.line())
	b.open = true
}

// finish ends the current bar with a newline (on a terminal) or prints its final line.
func (b *progressBar) finish() {
	if b.cur.Stage == "" {
		return
	}
	if b.tty {
		b.draw()
		fmt.Fprintln(b.w)
	} else {
		fmt.Fprintln(b.w, b.line())
	}
	b.open = false
	b.cur = maesdata.Progress{}
}

// done ends the last bar.
func (b *progressBar) done() { b.finish() }
