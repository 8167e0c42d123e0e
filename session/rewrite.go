package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// Goroutine guard. A panic in a goroutine started by interpreted code would kill the process
// (KERNEL.md), so every `go f(a, b)` in a cell is rewritten before evaluation into
//
//	{ _gosnnF1, _gosnnA1_0, _gosnnA1_1 := f, a, b; go func() { defer func() { if r := recover(); r != nil { _gosnn.GoPanic(r) } }(); _gosnnF1(_gosnnA1_0, _gosnnA1_1) }() }
//
// The function value and the arguments are evaluated in the calling goroutine and in the
// same order as the go statement would (Go spec: "Go statements"); literal constants (and nil,
// true, false) are passed inline so that untyped constants keep their meaning. The rewrite is
// done on the source text and keeps every line where it was, so error positions still match.

const rtName = "_gosnn" // name under which cells see the session runtime package

// builtins that cannot be used as values, so `go println(x)` keeps its function inline.
var builtinFuncs = map[string]bool{
	"append": true, "cap": true, "clear": true, "close": true, "complex": true, "copy": true,
	"delete": true, "imag": true, "len": true, "make": true, "max": true, "min": true,
	"new": true, "panic": true, "print": true, "println": true, "real": true, "recover": true,
}

// guardGo rewrites the go statements of a run. kind tells how to parse it. Code that does
// not parse is returned unchanged (the interpreter reports the error).
func guardGo(src string, kind runKind) string {
	if !strings.Contains(src, "go") {
		return src
	}
	var prefix, suffix string
	switch kind {
	case runDecl:
		prefix = "package p\n"
	default:
		prefix, suffix = "package p\nfunc _() {\n", "\n}"
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", prefix+src+suffix, 0)
	if err != nil {
		return src
	}
	g := guarder{src: src, base: len(prefix), fset: fset}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if _, ok := n.(*ast.GoStmt); ok {
			found = true
		}
		return !found
	})
	if !found {
		return src
	}
	return g.rewrite(0, len(src), f)
}

type guarder struct {
	src  string
	base int
	fset *token.FileSet
	n    int
}

func (g *guarder) off(p token.Pos) int { return g.fset.Position(p).Offset - g.base }

// rewrite returns src[start:end] with the outermost go statements inside root guarded.
func (g *guarder) rewrite(start, end int, root ast.Node) string {
	var gos []*ast.GoStmt
	ast.Inspect(root, func(n ast.Node) bool {
		if gs, ok := n.(*ast.GoStmt); ok {
			gos = append(gos, gs)
			return false
		}
		return true
	})
	if len(gos) == 0 {
		return g.src[start:end]
	}
	var b strings.Builder
	at := start
	for _, gs := range gos {
		s, e := g.off(gs.Pos()), g.off(gs.End())
		if s < at || e > end {
			continue
		}
		b.WriteString(g.src[at:s])
		b.WriteString(g.guard(gs))
		at = e
	}
	b.WriteString(g.src[at:end])
	return b.String()
}

func (g *guarder) text(n ast.Node) string { return g.rewrite(g.off(n.Pos()), g.off(n.End()), n) }

func inlineArg(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.Ident:
		return x.Name == "nil" || x.Name == "true" || x.Name == "false"
	}
	return false
}

func (g *guarder) guard(gs *ast.GoStmt) string {
	g.n++
	call := gs.Call
	var names, values, callArgs []string
	fun := g.text(call.Fun)
	if id, ok := call.Fun.(*ast.Ident); !ok || !builtinFuncs[id.Name] {
		name := fmt.Sprintf("_gosnnF%d", g.n)
		names, values = append(names, name), append(values, fun)
		fun = name
	}
	for i, a := range call.Args {
		txt := g.text(a)
		if inlineArg(a) {
			callArgs = append(callArgs, txt)
			continue
		}
		name := fmt.Sprintf("_gosnnA%d_%d", g.n, i)
		names, values = append(names, name), append(values, txt)
		callArgs = append(callArgs, name)
	}
	ell := ""
	if call.Ellipsis.IsValid() {
		ell = "..."
	}
	var b strings.Builder
	b.WriteString("{ ")
	if len(names) > 0 {
		fmt.Fprintf(&b, "%s := %s; ", strings.Join(names, ", "), strings.Join(values, ", "))
	}
	fmt.Fprintf(&b, "go func() { defer func() { if r := recover(); r != nil { %s.GoPanic(r) } }(); %s(%s%s) }() }",
		rtName, fun, strings.Join(callArgs, ", "), ell)
	return b.String()
}
