// Command nbgen regenerates the tutorial notebooks notebooks/NN-name.ipynb from their sources
// notebooks/src/NN-name.nb. Run it from the module root: go run ./notebooks/cmd/nbgen.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gosnn/gosnn/notebooks"
)

func main() {
	dir := "notebooks"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	srcs, err := filepath.Glob(filepath.Join(dir, "src", "*.nb"))
	if err != nil || len(srcs) == 0 {
		fmt.Fprintf(os.Stderr, "nbgen: no sources in %s (run from the module root)\n", filepath.Join(dir, "src"))
		os.Exit(1)
	}
	for _, p := range srcs {
		name := strings.TrimSuffix(filepath.Base(p), ".nb")
		src, err := os.ReadFile(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "nbgen:", err)
			os.Exit(1)
		}
		out, err := notebooks.Build(name, string(src))
		if err != nil {
			fmt.Fprintf(os.Stderr, "nbgen: %s: %v\n", p, err)
			os.Exit(1)
		}
		if err := notebooks.WriteFileAtomic(filepath.Join(dir, name+".ipynb"), out); err != nil {
			fmt.Fprintln(os.Stderr, "nbgen:", err)
			os.Exit(1)
		}
	}
}
