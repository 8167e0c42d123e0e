package session

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strconv"
	"strings"
)

// run is a piece of a cell evaluated by one interpreter call: a run of top-level
// declarations, a run of statements, or the trailing expression whose value is the result.
type run struct {
	kind    runKind
	src     string
	start   int       // byte offset of src in the cell
	line    int       // 1-based line of the run's first token in the cell
	imports []impSpec // for import runs: the specs it declares
}

type runKind int

const (
	runDecl   runKind = iota // import, func, type, var, const declarations
	runStmt                  // statements
	runExpr                  // the cell's trailing expression statement
	runImport                // one import declaration
)

// impSpec is one import: local name ("" for the package's own name) and path.
type impSpec struct{ name, path string }

// stmtSpan is one top-level statement of a cell, as byte offsets [start, end).
type stmtSpan struct {
	start, end int
	first      token.Token
	decl       bool
}

// splitCell splits a cell into runs (see KERNEL.md: a cell that mixes declarations and
// statements fails as one Eval). It reports a syntax error when the cell does not scan.
func splitCell(code string) ([]run, error) {
	spans, err := topLevel(code)
	if err != nil {
		return nil, err
	}
	var runs []run
	lineOf := func(off int) int { return 1 + strings.Count(code[:off], "\n") }
	for i, sp := range spans {
		text := code[sp.start:sp.end]
		switch {
		case sp.first == token.IMPORT:
			specs, err := parseImports(text)
			if err != nil {
				return nil, err
			}
			runs = append(runs, run{kind: runImport, src: text, start: sp.start, line: lineOf(sp.start), imports: specs})
			continue
		case !sp.decl && i == len(spans)-1 && isExpr(text):
			runs = append(runs, run{kind: runExpr, src: text, start: sp.start, line: lineOf(sp.start)})
			continue
		}
		kind := runStmt
		if sp.decl {
			kind = runDecl
		}
		if n := len(runs); n > 0 && runs[n-1].kind == kind {
			// Extend the previous run up to the end of this statement, keeping what lies
			// between (comments, newlines) so that line numbers stay right.
			prev := &runs[n-1]
			prev.src = code[prev.start:sp.end]
			continue
		}
		runs = append(runs, run{kind: kind, src: text, start: sp.start, line: lineOf(sp.start)})
	}
	return runs, nil
}

// topLevel scans code and returns its top-level statements and declarations.
func topLevel(code string) ([]stmtSpan, error) {
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(code))
	var errs scanner.ErrorList
	var s scanner.Scanner
	s.Init(file, []byte(code), func(pos token.Position, msg string) { errs.Add(pos, msg) }, 0)

	type tok struct {
		off int
		t   token.Token
		lit string
	}
	var toks []tok
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		toks = append(toks, tok{file.Offset(pos), t, lit})
	}
	if errs.Len() > 0 {
		return nil, errs
	}
	var spans []stmtSpan
	depth := 0
	start, end := -1, 0
	var first token.Token
	flush := func() {
		if start >= 0 {
			spans = append(spans, classify(code, first, start, end))
			start = -1
		}
	}
	for _, tk := range toks {
		switch tk.t {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if depth > 0 {
				depth--
			}
		}
		if tk.t == token.SEMICOLON && depth == 0 {
			flush()
			continue
		}
		if tk.t == token.SEMICOLON && tk.lit == "\n" {
			continue // inserted before a newline or at EOF inside brackets: not text
		}
		if start < 0 {
			start, first = tk.off, tk.t
		}
		end = min(tk.off+tokLen(tk.t, tk.lit), len(code))
	}
	flush()
	return spans, nil
}

func classify(code string, first token.Token, start, end int) stmtSpan {
	sp := stmtSpan{start: start, end: end, first: first}
	switch first {
	case token.IMPORT, token.TYPE, token.VAR, token.CONST:
		sp.decl = true
	case token.FUNC:
		sp.decl = funcIsDecl(code[start:end])
	}
	return sp
}

// funcIsDecl tells a function or method declaration from a function literal statement such
// as `func() { ... }()`.
func funcIsDecl(text string) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+text, 0)
	if err != nil || len(f.Decls) != 1 {
		return false
	}
	_, ok := f.Decls[0].(*ast.FuncDecl)
	return ok
}

func tokLen(t token.Token, lit string) int {
	if lit != "" {
		return len(lit)
	}
	return len(t.String())
}

// isExpr reports whether a statement is an expression statement.
func isExpr(text string) bool {
	e, err := parser.ParseExpr(text)
	if err != nil {
		return false
	}
	// A bare type literal or a parenthesized type is not a value; let the interpreter say so.
	switch e.(type) {
	case *ast.FuncType, *ast.StructType, *ast.InterfaceType, *ast.MapType, *ast.ChanType, *ast.ArrayType:
		return false
	}
	return true
}

// parseImports parses one import declaration.
func parseImports(text string) ([]impSpec, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "cell", "package p\n"+text, parser.ImportsOnly)
	if err != nil {
		return nil, err
	}
	var specs []impSpec
	for _, is := range f.Imports {
		p, err := strconv.Unquote(is.Path.Value)
		if err != nil {
			return nil, err
		}
		name := ""
		if is.Name != nil {
			name = is.Name.Name
		}
		specs = append(specs, impSpec{name, p})
	}
	return specs, nil
}
