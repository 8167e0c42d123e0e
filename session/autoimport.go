package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"reflect"
	"sort"
	"strings"
)

// Implicit imports. The packages that notebooks use in almost every cell are imported the
// first time a cell refers to one of them (snn.New, fmt.Println) without defining that name
// itself, so the first cell needs no import block. They are imported on first use rather than
// at session start so that a cell may still define a variable, function or type of that name
// (plot := ..., func display()) when it does not use the package. An explicit import of the
// same package is legal before or after (a repeated import is dropped).
var implicitImports = map[string]string{
	"analysis":   "github.com/gosnn/gosnn/snn/analysis",
	"audio":      "github.com/gosnn/gosnn/snn/audio",
	"context":    "context",
	"display":    "github.com/gosnn/gosnn/display",
	"experiment": "github.com/gosnn/gosnn/snn/experiment",
	"filepath":   "path/filepath",
	"fmt":        "fmt",
	"mat":        "gonum.org/v1/gonum/mat",
	"math":       "math",
	"os":         "os",
	"plot":       "gonum.org/v1/plot",
	"plotter":    "gonum.org/v1/plot/plotter",
	"protocol":   "github.com/gosnn/gosnn/snn/protocol",
	"readout":    "github.com/gosnn/gosnn/snn/readout",
	"snn":        "github.com/gosnn/gosnn/snn",
	"snnio":      "github.com/gosnn/gosnn/snn/snnio",
	"snnplot":    "github.com/gosnn/gosnn/snn/snnplot",
	"strings":    "strings",
	"sweep":      "github.com/gosnn/gosnn/sweep",
	"time":       "time",
	"vg":         "gonum.org/v1/plot/vg",
}

// parseRun parses a run: declarations as a file, statements as the body of a function. off
// is the number of lines the wrapper adds before the run.
func parseRun(src string, kind runKind) (f *ast.File, fset *token.FileSet, off int, err error) {
	fset = token.NewFileSet()
	if kind == runDecl || kind == runImport {
		f, err = parser.ParseFile(fset, "", "package p\n"+src, 0)
		return f, fset, 1, err
	}
	f, err = parser.ParseFile(fset, "", "package p\nfunc _() {\n"+src+"\n}", 0)
	return f, fset, 2, err
}

// declaredNames returns every name a parsed run declares anywhere (variables, constants,
// types, functions, parameters, results, fields, range variables): an over-approximation of
// what could shadow a package name in the run.
func declaredNames(f *ast.File) map[string]bool {
	names := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						names[id.Name] = true
					}
				}
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if id, ok := e.(*ast.Ident); ok {
						names[id.Name] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				names[id.Name] = true
			}
		case *ast.TypeSpec:
			names[n.Name.Name] = true
		case *ast.FuncDecl:
			names[n.Name.Name] = true
		case *ast.Field:
			for _, id := range n.Names {
				names[id.Name] = true
			}
		case *ast.ImportSpec:
			if n.Name != nil {
				names[n.Name.Name] = true
			}
		}
		return true
	})
	return names
}

// pkgRef is a use of an identifier as the left side of a selector (fmt.Println): a package
// name unless something declares it.
type pkgRef struct {
	name string
	line int // in the cell
}

// packageRefs returns the names used as X in X.Sel that the run does not declare, each with
// the cell line of its first use.
func packageRefs(f *ast.File, fset *token.FileSet, off, line int) []pkgRef {
	decl := declaredNames(f)
	seen := map[string]bool{}
	var refs []pkgRef
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		id, ok := sel.X.(*ast.Ident)
		if !ok || decl[id.Name] || seen[id.Name] {
			return true
		}
		seen[id.Name] = true
		refs = append(refs, pkgRef{id.Name, fset.Position(id.Pos()).Line - off + line - 1})
		return true
	})
	return refs
}

// definedName reports whether name is a package imported in the session or a name defined
// by an earlier run.
func (s *Session) definedName(name string) bool {
	s.scopeMu.Lock()
	defer s.scopeMu.Unlock()
	if _, ok := s.importNames[name]; ok {
		return true
	}
	_, ok := s.scope.names[name]
	return ok
}

// resolvePackages looks at what a run refers to before it is compiled: packages of the
// implicit set are returned to be imported; a known package that is not imported is an
// error that says which import to add (yaegi's own errors for it are confusing, and some
// leave its state broken). f is the parsed run (nil if it does not parse).
func (s *Session) resolvePackages(f *ast.File, fset *token.FileSet, off, line int) ([]impSpec, error) {
	if f == nil {
		return nil, nil
	}
	var imports []impSpec
	if err := s.checkAssignCounts(f, fset, off, line); err != nil {
		return nil, err
	}
	for _, ref := range packageRefs(f, fset, off, line) {
		if s.definedName(ref.name) {
			continue
		}
		if p, ok := implicitImports[ref.name]; ok {
			imports = append(imports, impSpec{"", p})
			continue
		}
		if paths := s.pathsOf(ref.name); len(paths) > 0 {
			q := make([]string, len(paths))
			for i, p := range paths {
				q[i] = quote(p)
			}
			hint := "import " + q[0]
			if len(q) > 1 {
				hint += " (or " + strings.Join(q[1:], ", ") + ")"
			}
			return nil, &Error{Name: ErrCompile,
				Value:     fmt.Sprintf("line %d: undefined: %s (add: %s)", ref.line, ref.name, hint),
				Traceback: []string{fmt.Sprintf("%s: line %d: undefined: %s", ErrCompile, ref.line, ref.name), "hint: add " + hint}}
		}
	}
	return imports, nil
}

// pathsOf returns the import paths of every known package named name, the shortest first.
func (s *Session) pathsOf(name string) []string {
	s.knownPackages()
	paths := s.pkgAll[name]
	sort.Slice(paths, func(i, j int) bool {
		if len(paths[i]) != len(paths[j]) {
			return len(paths[i]) < len(paths[j])
		}
		return paths[i] < paths[j]
	})
	return paths
}

// pkgNameOf returns the name of a known package from its import path (its last element when
// unknown).
func (s *Session) pkgNameOf(p string) string {
	s.knownPackages()
	if n, ok := s.pathNames[p]; ok {
		return n
	}
	return path.Base(p)
}

// checkAssignCounts reports an assignment of a call of a compiled package function to a
// different number of variables than it returns (a := snn.New(cfg)): yaegi accepts it and
// assigns the first result only.
func (s *Session) checkAssignCounts(f *ast.File, fset *token.FileSet, off, line int) error {
	decl := declaredNames(f)
	var err error
	check := func(lhs int, rhs []ast.Expr) {
		if err != nil || len(rhs) != 1 {
			return
		}
		call, ok := rhs[0].(*ast.CallExpr)
		if !ok {
			return
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return
		}
		id, ok := sel.X.(*ast.Ident)
		if !ok || decl[id.Name] {
			return
		}
		p, ok := s.usablePkg(id.Name)
		if !ok {
			return
		}
		fn, ok := s.in.Symbols(p)[p][sel.Sel.Name]
		if !ok || fn.Kind() != reflect.Func || fn.Type().NumOut() == lhs {
			return
		}
		n := fn.Type().NumOut()
		msg := fmt.Sprintf("line %d: assignment mismatch: %s but %s.%s returns %s",
			fset.Position(call.Pos()).Line-off+line-1, plural(lhs, "variable"), id.Name, sel.Sel.Name, plural(n, "value"))
		err = &Error{Name: ErrCompile, Value: msg, Traceback: []string{ErrCompile + ": " + msg}}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE || n.Tok == token.ASSIGN {
				check(len(n.Lhs), n.Rhs)
			}
		case *ast.ValueSpec:
			check(len(n.Names), n.Values)
		}
		return err == nil
	})
	return err
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
