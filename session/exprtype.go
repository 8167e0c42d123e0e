package session

import (
	"go/ast"
	"go/parser"
	"reflect"
	"strings"
)

// Completion after an expression with calls or indexes (snn.DefaultConfig().Sc,
// net.Spikes()[0].): the type of the expression before the last dot is worked out from the
// symbol tables and from the types of variables, without calling anything (the result type
// of a compiled function is in its reflect.Type), and its fields and methods are offered.

// exprBefore returns the expression that ends at end: identifier chains joined by dots,
// with balanced (...), [...] and {...} groups ("snn.DefaultConfig()" in "x := snn.DefaultConfig()").
func exprBefore(code string, end int) string {
	i := end
	for i > 0 {
		c := code[i-1]
		switch {
		case isIdentByte(c) || c == '.':
			i--
		case c == ')' || c == ']' || c == '}':
			open := map[byte]byte{')': '(', ']': '[', '}': '{'}[c]
			depth := 0
			j := i - 1
			for ; j >= 0; j-- {
				switch code[j] {
				case c:
					depth++
				case open:
					depth--
				}
				if depth == 0 {
					break
				}
			}
			if j < 0 {
				return code[i:end]
			}
			i = j
		default:
			return code[i:end]
		}
	}
	return code[i:end]
}

// exprType returns the static type of expression src, or nil when it cannot be known
// without running code. pkg is true when src names a package type (pkg.T) rather than a value.
func (s *Session) exprType(src string, cur *scopeIndex) reflect.Type {
	e, err := parser.ParseExpr(src)
	if err != nil {
		return nil
	}
	t, isType := s.typeOf(e, cur)
	if isType {
		return nil
	}
	return t
}

// typeOf returns the type of e and whether e denotes a type rather than a value.
func (s *Session) typeOf(e ast.Expr, cur *scopeIndex) (reflect.Type, bool) {
	switch x := e.(type) {
	case *ast.ParenExpr:
		return s.typeOf(x.X, cur)
	case *ast.Ident:
		if v, ok := s.evalChain([]string{x.Name}); ok {
			for v.Kind() == reflect.Interface && !v.IsNil() {
				v = v.Elem()
			}
			return v.Type(), false
		}
		t := cur.varType[x.Name]
		if t == "" {
			s.scopeMu.Lock()
			t = s.scope.varType[x.Name]
			s.scopeMu.Unlock()
		}
		return s.syntaxType(t), false
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok {
			if _, local := cur.names[id.Name]; !local {
				if p, ok := s.usablePkg(id.Name); ok {
					v, ok := s.in.Symbols(p)[p][x.Sel.Name]
					if !ok {
						return nil, false
					}
					if v.Kind() == reflect.Pointer && v.IsNil() {
						return v.Type().Elem(), true // a type
					}
					return v.Type(), false
				}
			}
		}
		t, isType := s.typeOf(x.X, cur)
		if t == nil {
			return nil, false
		}
		if isType { // method expression T.M
			if m, ok := reflect.PointerTo(t).MethodByName(x.Sel.Name); ok {
				return m.Type, false
			}
			return nil, false
		}
		return memberType(t, x.Sel.Name), false
	case *ast.CallExpr:
		t, isType := s.typeOf(x.Fun, cur)
		if t == nil {
			return nil, false
		}
		if isType {
			return t, false // a conversion
		}
		if t.Kind() != reflect.Func || t.NumOut() == 0 {
			return nil, false
		}
		return t.Out(0), false
	case *ast.IndexExpr:
		t, _ := s.typeOf(x.X, cur)
		if t == nil {
			return nil, false
		}
		if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Array {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map:
			return t.Elem(), false
		case reflect.String:
			return reflect.TypeOf(byte(0)), false
		}
	case *ast.StarExpr:
		t, isType := s.typeOf(x.X, cur)
		if t == nil {
			return nil, false
		}
		if isType {
			return reflect.PointerTo(t), true
		}
		if t.Kind() == reflect.Pointer {
			return t.Elem(), false
		}
	case *ast.CompositeLit:
		t, isType := s.typeOf(x.Type, cur)
		if isType {
			return t, false
		}
	}
	return nil, false
}

// syntaxType resolves a type recorded from syntax (see litType) to a reflect.Type when it is
// a compiled package's type or the result of one of its functions.
func (s *Session) syntaxType(t string) reflect.Type {
	if rest, ok := strings.CutPrefix(t, "call:"); ok {
		fn, idx, _ := strings.Cut(rest, "#")
		if idx != "0" {
			return nil // results other than the first: see staticMembers
		}
		e, err := parser.ParseExpr(fn)
		if err != nil {
			return nil
		}
		ft, _ := s.typeOf(e, &scopeIndex{})
		if ft == nil || ft.Kind() != reflect.Func || ft.NumOut() == 0 {
			return nil
		}
		return ft.Out(0)
	}
	if strings.Contains(t, ".") {
		e, err := parser.ParseExpr(t)
		if err != nil {
			return nil
		}
		if rt, isType := s.typeOf(e, &scopeIndex{}); isType {
			return rt
		}
	}
	return nil
}

// memberType returns the type of field or method name of a value of type t, or nil.
func memberType(t reflect.Type, name string) reflect.Type {
	if m, ok := t.MethodByName(name); ok {
		if t.Kind() == reflect.Interface {
			return m.Type
		}
		return methodValueType(m.Type)
	}
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		if m, ok := reflect.PointerTo(t).MethodByName(name); ok {
			return methodValueType(m.Type)
		}
	}
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		if f, ok := st.FieldByName(name); ok {
			return f.Type
		}
	}
	return nil
}

// methodValueType drops the receiver from a method's function type.
func methodValueType(ft reflect.Type) reflect.Type {
	in := make([]reflect.Type, 0, ft.NumIn())
	for i := 1; i < ft.NumIn(); i++ {
		in = append(in, ft.In(i))
	}
	out := make([]reflect.Type, 0, ft.NumOut())
	for i := 0; i < ft.NumOut(); i++ {
		out = append(out, ft.Out(i))
	}
	return reflect.FuncOf(in, out, ft.IsVariadic())
}

// parseExprOrNil parses an expression, or returns nil.
func parseExprOrNil(src string) ast.Expr {
	e, err := parser.ParseExpr(src)
	if err != nil {
		return nil
	}
	return e
}
