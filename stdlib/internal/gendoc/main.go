// Command gendoc writes the documentation index that the session embeds for completion
// and inspect: for each package named on the command line, the signature and doc comment of
// every exported function, type, method, variable and constant, as JSON sorted by key (so
// that regeneration is reproducible). Package sources are found with `go list` (the module
// cache for dependencies, GOROOT for the standard library).
//
// Usage (from stdlib/, through go generate):
//
//	go run ./internal/gendoc -o docs.json pkg...
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Entry documents one symbol.
type Entry struct {
	Kind string `json:"k"` // func, method, type, var, const
	Sig  string `json:"s"` // declaration without body
	Doc  string `json:"d"` // doc comment text
}

// Package documents one package: Synopsis and entries keyed by "Name" or "Type.Method".
type Package struct {
	Name     string           `json:"name"`
	Synopsis string           `json:"synopsis"`
	Entries  map[string]Entry `json:"entries"`
}

func main() {
	out := flag.String("o", "docs.json", "output file")
	flag.Parse()
	idx := map[string]*Package{}
	for _, path := range flag.Args() {
		p, err := document(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gendoc:", err)
			os.Exit(1)
		}
		idx[path] = p
	}
	keys := make([]string, 0, len(idx))
	for k := range idx {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(idx); err != nil {
		fmt.Fprintln(os.Stderr, "gendoc:", err)
		os.Exit(1)
	}
	// Atomic write: temp file in the same directory, then rename.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".gendoc-*")
	if err == nil {
		_, err = tmp.Write(buf.Bytes())
		if err == nil {
			err = tmp.Chmod(0o644)
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), *out)
		}
		if err != nil {
			os.Remove(tmp.Name())
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendoc:", err)
		os.Exit(1)
	}
}

// bctx selects the files of a fixed platform (linux/amd64, no cgo, no extra tags) so that the
// index does not depend on the machine it is generated on.
var bctx = func() build.Context {
	c := build.Default
	c.GOOS, c.GOARCH, c.CgoEnabled = "linux", "amd64", false
	c.BuildTags = nil
	return c
}()

func document(path string) (*Package, error) {
	dir, err := exec.Command("go", "list", "-f", "{{.Dir}}", path).Output()
	if err != nil {
		return nil, fmt.Errorf("go list %s: %v", path, err)
	}
	d := strings.TrimSpace(string(dir))
	fset := token.NewFileSet()
	names, err := filepath.Glob(filepath.Join(d, "*.go"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var files []*ast.File
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		if ok, err := bctx.MatchFile(filepath.Dir(n), filepath.Base(n)); err != nil || !ok {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	pkg, err := doc.NewFromFiles(fset, files, path)
	if err != nil {
		return nil, err
	}
	p := &Package{Name: pkg.Name, Synopsis: pkg.Synopsis(pkg.Doc), Entries: map[string]Entry{}}
	add := func(key, kind string, decl ast.Node, text string) {
		p.Entries[key] = Entry{Kind: kind, Sig: sig(fset, decl), Doc: strings.TrimSpace(text)}
	}
	for _, f := range pkg.Funcs {
		add(f.Name, "func", f.Decl, f.Doc)
	}
	for _, v := range append(pkg.Vars, pkg.Consts...) {
		kind := "var"
		if v.Decl.Tok == token.CONST {
			kind = "const"
		}
		for _, n := range v.Names {
			if ast.IsExported(n) {
				add(n, kind, v.Decl, v.Doc)
			}
		}
	}
	for _, t := range pkg.Types {
		add(t.Name, "type", t.Decl, t.Doc)
		for _, f := range t.Funcs {
			add(f.Name, "func", f.Decl, f.Doc)
		}
		for _, m := range t.Methods {
			add(t.Name+"."+m.Name, "method", m.Decl, m.Doc)
		}
		for _, v := range append(t.Vars, t.Consts...) {
			kind := "var"
			if v.Decl.Tok == token.CONST {
				kind = "const"
			}
			for _, n := range v.Names {
				if ast.IsExported(n) {
					add(n, kind, v.Decl, v.Doc)
				}
			}
		}
	}
	return p, nil
}

// sig prints a declaration without function bodies; long declarations (big const blocks,
// structs) are cut to 40 lines.
func sig(fset *token.FileSet, n ast.Node) string {
	switch d := n.(type) {
	case *ast.FuncDecl:
		c := *d
		c.Body = nil
		c.Doc = nil
		n = &c
	case *ast.GenDecl:
		c := *d
		c.Doc = nil
		n = &c
	}
	var b bytes.Buffer
	cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	if err := cfg.Fprint(&b, fset, n); err != nil {
		return ""
	}
	lines := strings.Split(b.String(), "\n")
	if len(lines) > 40 {
		lines = append(lines[:40], "\t...")
	}
	return strings.Join(lines, "\n")
}
