package session

import (
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strconv"
	"strings"
)

// scopeIndex records what earlier cells defined, for completion and inspect: names with
// their kind, the declared type of variables when the syntax says it (var x T, x := T{...},
// x := &T{...}), and the methods of interpreted types (reflection cannot see them).
type scopeIndex struct {
	names   map[string]string            // name -> "var", "func", "type", "const"
	varType map[string]string            // variable -> type name, when known from syntax
	methods map[string]map[string]string // interpreted type -> method -> signature
	funcs   map[string]string            // function -> signature
}

// noteScope records the names a successfully evaluated run defined.
func (s *Session) noteScope(src string, kind runKind) {
	s.scopeMu.Lock()
	defer s.scopeMu.Unlock()
	s.scope.add(src, kind)
}

// add records the names a run defines.
func (sc *scopeIndex) add(src string, kind runKind) {
	var f *ast.File
	var err error
	stmts := kind != runDecl
	if stmts {
		// Only definitions matter: skip the parse for runs that cannot make any.
		if !strings.Contains(src, ":=") && !strings.Contains(src, "var") && !strings.Contains(src, "const") && !strings.Contains(src, "type") {
			return
		}
		f, err = parser.ParseFile(token.NewFileSet(), "", "package p\nfunc _() {\n"+src+"\n}", 0)
	} else {
		f, err = parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, 0)
	}
	if err != nil {
		return
	}
	if sc.names == nil {
		sc.names = map[string]string{}
		sc.varType = map[string]string{}
		sc.methods = map[string]map[string]string{}
		sc.funcs = map[string]string{}
	}
	genDecl := func(d *ast.GenDecl) {
		for _, spec := range d.Specs {
			switch sp := spec.(type) {
			case *ast.TypeSpec:
				sc.names[sp.Name.Name] = "type"
			case *ast.ValueSpec:
				kind := "var"
				if d.Tok == token.CONST {
					kind = "const"
				}
				for i, n := range sp.Names {
					if n.Name == "_" {
						continue
					}
					sc.names[n.Name] = kind
					if t := typeName(sp.Type); t != "" {
						sc.varType[n.Name] = t
					} else if i < len(sp.Values) {
						if t := litType(sp.Values[i]); t != "" {
							sc.varType[n.Name] = t
						}
					}
				}
			}
		}
	}
	if !stmts {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				genDecl(d)
			case *ast.FuncDecl:
				sig := funcSig(src, d)
				if d.Recv != nil && len(d.Recv.List) == 1 {
					rt := typeName(d.Recv.List[0].Type)
					if rt != "" {
						if sc.methods[rt] == nil {
							sc.methods[rt] = map[string]string{}
						}
						sc.methods[rt][d.Name.Name] = sig
					}
					continue
				}
				sc.names[d.Name.Name] = "func"
				sc.funcs[d.Name.Name] = sig
			}
		}
		return
	}
	body := f.Decls[0].(*ast.FuncDecl).Body
	for _, st := range body.List {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok != token.DEFINE {
				continue
			}
			for i, l := range st.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok || id.Name == "_" {
					continue
				}
				sc.names[id.Name] = "var"
				t := ""
				if len(st.Rhs) == len(st.Lhs) {
					t = litType(st.Rhs[i])
				} else if len(st.Rhs) == 1 {
					t = callType(st.Rhs[0], i)
				}
				if t != "" {
					sc.varType[id.Name] = t
				} else {
					delete(sc.varType, id.Name)
				}
			}
		case *ast.DeclStmt:
			if d, ok := st.Decl.(*ast.GenDecl); ok {
				genDecl(d)
			}
		}
	}
}

// funcSig returns the source of a function declaration up to its body.
func funcSig(src string, d *ast.FuncDecl) string {
	const off = len("package p\n") + 1 // token.Pos of the file start is 1
	start, end := int(d.Pos())-off, int(d.Type.End())-off
	if start < 0 || end > len(src) || start > end {
		return "func " + d.Name.Name
	}
	return strings.TrimSpace(src[start:end])
}

// typeName returns the name of a named type expression (T, *T, pkg.T), or "".
func typeName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.StarExpr:
		return typeName(t.X)
	case *ast.SelectorExpr:
		if x, ok := t.X.(*ast.Ident); ok {
			return x.Name + "." + t.Sel.Name
		}
	case *ast.IndexExpr:
		return typeName(t.X)
	}
	return ""
}

// litType returns the type of a composite literal T{...} or &T{...} ("T", "pkg.T"), or of
// a call of a package function ("call:pkg.F#0", resolved by reflection at completion time),
// or "".
func litType(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.CallExpr:
		return callType(x, 0)
	case *ast.CompositeLit:
		return typeName(x.Type)
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return litType(x.X)
		}
	}
	return ""
}

// scopeNames returns the names defined by earlier cells, sorted.
func (s *Session) scopeNames() []string {
	s.scopeMu.Lock()
	defer s.scopeMu.Unlock()
	out := make([]string, 0, len(s.scope.names))
	for n := range s.scope.names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// callType returns "call:pkg.F#i" for result i of a call pkg.F(...), or "".
func callType(e ast.Expr, i int) string {
	c, ok := e.(*ast.CallExpr)
	if !ok {
		return ""
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok {
		return ""
	}
	return "call:" + pkg.Name + "." + sel.Sel.Name + "#" + strconv.Itoa(i)
}
