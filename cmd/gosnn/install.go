package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gosnn/gosnn/kernel"
)

func init() {
	register("install", "install the Jupyter kernelspec (--user, --sys-prefix or --prefix DIR)", runInstall)
}

func runInstall(args []string) int {
	fs := flag.NewFlagSet("install", flag.ContinueOnError)
	user := fs.Bool("user", false, "install for the current user, in the Jupyter data dir (default)")
	sysPrefix := fs.Bool("sys-prefix", false, "install into the active virtualenv or conda environment")
	prefix := fs.String("prefix", "", "install into `DIR`/share/jupyter/kernels")
	name := fs.String("name", "gosnn", "kernelspec name")
	display := fs.String("display-name", "Go (gosnn)", "name shown in the launcher")
	exe := fs.String("exe", "", "gosnn binary the kernelspec launches (default: this binary)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: gosnn install [--user|--sys-prefix|--prefix DIR] [flags]\n\nWrites the kernelspec (kernel.json and logos) that runs 'gosnn kernel -f {connection_file}'.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "gosnn install: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	n := 0
	for _, b := range []bool{*user, *sysPrefix, *prefix != ""} {
		if b {
			n++
		}
	}
	if n > 1 {
		fmt.Fprintln(os.Stderr, "gosnn install: choose one of --user, --sys-prefix and --prefix")
		return 2
	}
	var base string
	switch {
	case *prefix != "":
		p, err := filepath.Abs(*prefix)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gosnn install:", err)
			return 1
		}
		base = filepath.Join(p, "share", "jupyter")
	case *sysPrefix:
		p, err := kernel.SysPrefix()
		if err != nil {
			fmt.Fprintln(os.Stderr, "gosnn install:", err)
			return 1
		}
		base = filepath.Join(p, "share", "jupyter")
	default:
		base = kernel.DataDir()
	}
	bin := *exe
	if bin == "" {
		var err error
		if bin, err = os.Executable(); err == nil {
			bin, err = filepath.EvalSymlinks(bin)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "gosnn install: cannot find this binary:", err)
			return 1
		}
	}
	if abs, err := filepath.Abs(bin); err == nil {
		bin = abs
	}
	dir := kernel.KernelSpecDir(base, *name)
	if err := kernel.WriteKernelSpec(dir, kernel.NewKernelSpec(bin, *display)); err != nil {
		fmt.Fprintln(os.Stderr, "gosnn install:", err)
		return 1
	}
	fmt.Printf("installed kernelspec %q in %s\n", *name, dir)
	if !kernel.OnJupyterPath(dir) {
		fmt.Printf("note: %s is not on Jupyter's search path; add %s to JUPYTER_PATH\n", dir, base)
	}
	return 0
}
