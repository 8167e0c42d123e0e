package session

import (
	"fmt"
	"go/ast"
	"go/token"
	"path"
	"reflect"
	"sort"
	"strconv"
	"strings"

	ystdlib "github.com/traefik/yaegi/stdlib"

	"github.com/gosnn/gosnn/display"
	"github.com/gosnn/gosnn/stdlib"
)

var builtinNames = []string{
	"append", "bool", "byte", "cap", "close", "complex", "complex128", "complex64", "copy",
	"delete", "error", "false", "float32", "float64", "imag", "int", "int16", "int32", "int64",
	"int8", "iota", "len", "make", "new", "nil", "panic", "print", "println", "real", "recover",
	"rune", "string", "true", "uint", "uint16", "uint32", "uint64", "uint8", "uintptr", "any",
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// chainBefore returns the dotted identifier chain that ends at cursor ("net.Ru" in
// "x := net.Ru|") and its start offset.
func chainBefore(code string, cursor int) (string, int) {
	i := cursor
	for i > 0 && (isIdentByte(code[i-1]) || code[i-1] == '.') {
		i--
	}
	return code[i:cursor], i
}

// validChain reports whether every element of parts but the last is an identifier.
func validChain(parts []string) bool {
	for _, p := range parts[:len(parts)-1] {
		if !token.IsIdentifier(p) {
			return false
		}
	}
	last := parts[len(parts)-1]
	return last == "" || token.IsIdentifier(last) || !strings.ContainsAny(last[:1], "0123456789")
}

// knownPackages maps package names to import paths for every package whose symbols the
// session holds (for Inspect of pkg.Name before an import, and for the error that says which
// import to add). Names imported in the session take precedence (see pkgPath).
func (s *Session) knownPackages() map[string]string {
	s.pkgOnce.Do(func() {
		s.pkgNames = map[string]string{}
		s.pkgAll = map[string][]string{}
		s.pathNames = map[string]string{}
		add := func(tables map[string]map[string]reflect.Value) {
			for key := range tables {
				p, name := path.Dir(key), path.Base(key)
				if p == "." || strings.HasPrefix(p, rtPath) || strings.HasPrefix(p, "github.com/traefik/yaegi") || strings.Contains(p, "internal") {
					continue
				}
				if _, ok := s.pathNames[p]; !ok {
					s.pathNames[p] = name
					s.pkgAll[name] = append(s.pkgAll[name], p)
				}
				if old, ok := s.pkgNames[name]; ok && len(old) <= len(p) {
					continue // prefer the shorter path: rand is math/rand
				}
				s.pkgNames[name] = p
			}
		}
		add(ystdlib.Symbols)
		add(stdlib.Symbols)
	})
	return s.pkgNames
}

// pkgPath returns the import path behind a package name, unless the name is a variable,
// function or type defined in a cell.
func (s *Session) pkgPath(name string) (string, bool) {
	return s.lookupPkg(name, s.knownPackages())
}

// usablePkg returns the import path behind a package name that a cell can use as it is:
// imported in the session, or of the implicit set (imported on first use), and not a name
// defined in a cell. Completion offers members of these only, so that what it offers works.
func (s *Session) usablePkg(name string) (string, bool) {
	return s.lookupPkg(name, implicitImports)
}

// lookupPkg returns the import path behind a package name: one imported by a cell, else one
// of others; nothing when a cell defines the name itself.
func (s *Session) lookupPkg(name string, others map[string]string) (string, bool) {
	s.scopeMu.Lock()
	_, shadow := s.scope.names[name]
	p, ok := s.importNames[name]
	s.scopeMu.Unlock()
	if shadow {
		return "", false
	}
	if ok {
		return p, true
	}
	p, ok = others[name]
	return p, ok
}

// Complete returns completion candidates for code at byte offset cursor, and the byte range
// [start, end) that a candidate replaces (see kernel.Evaluator): members of a package after
// "pkg.", fields and methods of a value's type after "x.", and otherwise names defined by
// earlier cells, imported packages, builtins and keywords.
func (s *Session) Complete(code string, cursor int) (matches []string, start, end int) {
	cursor = max(0, min(cursor, len(code)))
	chain, at := chainBefore(code, cursor)
	if at > 0 && strings.HasPrefix(chain, ".") && strings.ContainsRune(")]}", rune(code[at-1])) {
		// After a call or an index: snn.DefaultConfig().Sc
		return s.completeExpr(code, cursor, at, chain)
	}
	parts := strings.Split(chain, ".")
	partial := parts[len(parts)-1]
	start, end = cursor-len(partial), cursor
	// Also replace the rest of an identifier the cursor is in.
	for end < len(code) && isIdentByte(code[end]) {
		end++
	}
	if !validChain(parts) {
		return nil, start, end
	}
	// Names defined earlier in the cell being typed count too (it has not run yet).
	var cur scopeIndex
	if runs, err := splitCell(code[:cursor-len(chain)]); err == nil {
		for _, r := range runs {
			if r.kind != runImport {
				cur.add(r.src, r.kind)
			}
		}
	}
	var cands []string
	if len(parts) == 1 {
		for n := range cur.names {
			cands = append(cands, n)
		}
		cands = append(cands, s.scopeNames()...)
		s.scopeMu.Lock()
		for n := range s.importNames {
			cands = append(cands, n)
		}
		for n := range implicitImports {
			if _, shadow := s.scope.names[n]; !shadow {
				cands = append(cands, n)
			}
		}
		s.scopeMu.Unlock()
		cands = append(cands, builtinNames...)
		for t := token.BREAK; t <= token.VAR; t++ {
			if t.IsKeyword() {
				cands = append(cands, t.String())
			}
		}
	} else {
		cands = s.members(parts[:len(parts)-1], &cur)
	}
	return filterPrefix(cands, partial), start, end
}

// completeExpr completes chain (".a.b.Pa") after the expression that ends at at.
func (s *Session) completeExpr(code string, cursor, at int, chain string) (matches []string, start, end int) {
	i := strings.LastIndex(chain, ".")
	partial := chain[i+1:]
	start, end = cursor-len(partial), cursor
	for end < len(code) && isIdentByte(code[end]) {
		end++
	}
	base := exprBefore(code, at) + chain[:i]
	var cur scopeIndex
	if runs, err := splitCell(code[:at-len(exprBefore(code, at))]); err == nil {
		for _, r := range runs {
			if r.kind != runImport {
				cur.add(r.src, r.kind)
			}
		}
	}
	t := s.exprType(base, &cur)
	if t == nil {
		return nil, start, end
	}
	// The result of a call is not addressable: no pointer methods on a value result.
	_, call := parseExprOrNil(base).(*ast.CallExpr)
	return filterPrefix(typeMembers(t, !call), partial), start, end
}

func filterPrefix(cands []string, prefix string) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range cands {
		if strings.HasPrefix(c, prefix) && !seen[c] && !strings.HasPrefix(c, "_") {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

// members lists what can follow "base." where base is a package name or a value; cur holds
// what the cell being typed defines before the cursor.
func (s *Session) members(base []string, cur *scopeIndex) []string {
	if len(base) == 1 {
		if _, local := cur.names[base[0]]; !local {
			if p, ok := s.usablePkg(base[0]); ok {
				return s.pkgMembers(p)
			}
		}
		// A variable of the cell being typed: its type from the syntax.
		if t := cur.varType[base[0]]; t != "" {
			return s.staticMembers(t, cur)
		}
	}
	if len(base) == 2 {
		// pkg.Type.: methods (method expressions)
		if p, ok := s.usablePkg(base[0]); ok {
			if v, ok := s.in.Symbols(p)[p][base[1]]; ok && v.Kind() == reflect.Pointer && v.IsNil() {
				return typeMembers(v.Type().Elem(), false)
			}
		}
	}
	var out []string
	v, ok := s.evalChain(base)
	if ok {
		out = append(out, valueMembers(v)...)
	}
	if len(base) == 1 {
		s.scopeMu.Lock()
		t := s.scope.varType[base[0]]
		s.scopeMu.Unlock()
		if t != "" && (!ok || !strings.HasPrefix(t, "call:")) {
			out = append(out, s.staticMembers(t, cur)...)
		}
	}
	return out
}

// staticMembers lists the members of a type known from syntax (see litType): a result of a
// package function or a package type (by reflection on the symbol tables), or a type defined
// in a cell (its methods).
func (s *Session) staticMembers(t string, cur *scopeIndex) []string {
	if rest, ok := strings.CutPrefix(t, "call:"); ok {
		fn, idx, _ := strings.Cut(rest, "#")
		pkg, name, _ := strings.Cut(fn, ".")
		i, err := strconv.Atoi(idx)
		p, ok := s.pkgPath(pkg)
		if err != nil || !ok {
			return nil
		}
		f, ok := s.in.Symbols(p)[p][name]
		if !ok || f.Kind() != reflect.Func || i >= f.Type().NumOut() {
			return nil
		}
		return typeMembers(f.Type().Out(i), true)
	}
	if pkg, name, ok := strings.Cut(t, "."); ok {
		p, ok := s.pkgPath(pkg)
		if !ok {
			return nil
		}
		v, ok := s.in.Symbols(p)[p][name]
		if !ok || v.Kind() != reflect.Pointer || !v.IsNil() {
			return nil
		}
		return typeMembers(v.Type().Elem(), true)
	}
	var out []string
	s.scopeMu.Lock()
	for m := range s.scope.methods[t] {
		out = append(out, m)
	}
	s.scopeMu.Unlock()
	for m := range cur.methods[t] {
		out = append(out, m)
	}
	return out
}

func (s *Session) pkgMembers(p string) []string {
	var out []string
	for name := range s.in.Symbols(p)[p] {
		if token.IsExported(name) {
			out = append(out, name)
		}
	}
	return out
}

// evalChain evaluates an identifier chain (no calls) when no cell is running.
func (s *Session) evalChain(base []string) (v reflect.Value, ok bool) {
	for _, b := range base {
		if !token.IsIdentifier(b) {
			return reflect.Value{}, false
		}
	}
	if !s.mu.TryLock() {
		return reflect.Value{}, false
	}
	defer s.mu.Unlock()
	if s.closed {
		return reflect.Value{}, false
	}
	s.scopeMu.Lock()
	_, defined := s.scope.names[base[0]]
	s.scopeMu.Unlock()
	if !defined {
		return reflect.Value{}, false
	}
	defer func() {
		if recover() != nil {
			v, ok = reflect.Value{}, false
		}
	}()
	p, err := s.in.Compile(strings.Join(base, "."))
	if err != nil {
		return reflect.Value{}, false
	}
	v, err = s.in.Execute(p)
	if err != nil || !v.IsValid() {
		return reflect.Value{}, false
	}
	return v, true
}

// valueMembers lists the fields and methods of a value's type.
func valueMembers(v reflect.Value) []string {
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	return typeMembers(v.Type(), true)
}

func typeMembers(t reflect.Type, addressable bool) []string {
	var out []string
	mt := t
	if addressable && t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		mt = reflect.PointerTo(t)
	}
	for i := 0; i < mt.NumMethod(); i++ {
		out = append(out, mt.Method(i).Name)
	}
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		for i := 0; i < st.NumField(); i++ {
			if f := st.Field(i); token.IsExported(f.Name) || f.Anonymous {
				out = append(out, f.Name)
			}
		}
	}
	return out
}

// Inspect returns the documentation of the symbol at byte offset cursor: signature and doc
// comment from the index embedded at build time (stdlib.Docs) for package members, methods
// and fields of compiled types; signature for functions defined in cells; type and value for
// variables. detailLevel 1 adds nothing at present.
func (s *Session) Inspect(code string, cursor int, detailLevel int) (display.Bundle, bool) {
	cursor = max(0, min(cursor, len(code)))
	end := cursor
	for end < len(code) && isIdentByte(code[end]) {
		end++
	}
	chain, _ := chainBefore(code, end)
	if chain == "" && cursor > 0 && code[cursor-1] == '(' {
		// "fmt.Println(|": the function being called.
		chain, _ = chainBefore(code, cursor-1)
	}
	chain = strings.Trim(chain, ".")
	if chain == "" {
		return display.Bundle{}, false
	}
	parts := strings.Split(chain, ".")
	for _, p := range parts {
		if !token.IsIdentifier(p) {
			return display.Bundle{}, false
		}
	}
	sig, doc, ok := s.lookup(parts)
	if !ok {
		return display.Bundle{}, false
	}
	txt := sig
	if doc != "" {
		txt += "\n\n" + doc
	}
	md := "```go\n" + sig + "\n```\n"
	if doc != "" {
		md += "\n" + doc + "\n"
	}
	return display.Bundle{Data: map[string]any{display.MIMEText: txt, display.MIMEMarkdown: md}}, true
}

func docEntry(pkgPath, key string) (stdlib.DocEntry, bool) {
	docs, err := stdlib.Docs()
	if err != nil {
		return stdlib.DocEntry{}, false
	}
	p, ok := docs[pkgPath]
	if !ok {
		return stdlib.DocEntry{}, false
	}
	e, ok := p.Entries[key]
	return e, ok
}

func (s *Session) lookup(parts []string) (sig, doc string, ok bool) {
	if p, isPkg := s.pkgPath(parts[0]); isPkg {
		if len(parts) == 1 {
			docs, _ := stdlib.Docs()
			if d, ok := docs[p]; ok {
				return "package " + d.Name + " // import " + fmt.Sprintf("%q", p), d.Synopsis, true
			}
			return "package " + parts[0] + " // import " + fmt.Sprintf("%q", p), "", true
		}
		if e, ok := docEntry(p, strings.Join(parts[1:], ".")); ok {
			return e.Sig, e.Doc, true
		}
		if v, ok := s.in.Symbols(p)[p][parts[1]]; ok && len(parts) == 2 {
			return parts[0] + "." + parts[1] + " " + v.Type().String(), "", true
		}
		return "", "", false
	}
	s.scopeMu.Lock()
	kind := s.scope.names[parts[0]]
	fsig := s.scope.funcs[parts[0]]
	vt := s.scope.varType[parts[0]]
	var msig string
	if len(parts) == 2 && vt != "" {
		msig = s.scope.methods[vt][parts[1]]
	}
	s.scopeMu.Unlock()
	if msig != "" {
		return msig, "", true
	}
	if len(parts) == 1 && kind == "func" && fsig != "" {
		return fsig, "", true
	}
	if kind == "" {
		return "", "", false
	}
	if len(parts) == 1 {
		v, ok := s.evalChain(parts)
		if !ok {
			return kind + " " + parts[0], "", true
		}
		t := v.Type()
		sig := fmt.Sprintf("%s %s %s", kind, parts[0], t)
		val := Text(v.Interface())
		if len(val) > 300 {
			val = val[:300] + "..."
		}
		doc := "value: " + val
		if e, ok := typeDoc(t); ok {
			doc += "\n\n" + e.Sig + "\n\n" + e.Doc
		}
		return sig, doc, true
	}
	// x.Method or x.Field of a compiled type.
	v, ok := s.evalChain(parts[:len(parts)-1])
	if !ok {
		return "", "", false
	}
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	t := v.Type()
	name := parts[len(parts)-1]
	nt := t
	if nt.Kind() == reflect.Pointer {
		nt = nt.Elem()
	}
	if nt.Name() != "" {
		if e, ok := docEntry(nt.PkgPath(), nt.Name()+"."+name); ok {
			return e.Sig, e.Doc, true
		}
	}
	mt := t
	if mt.Kind() != reflect.Pointer && mt.Kind() != reflect.Interface {
		mt = reflect.PointerTo(t)
	}
	if m, ok := mt.MethodByName(name); ok {
		return fmt.Sprintf("func (%s) %s%s", t, name, strings.TrimPrefix(m.Type.String(), "func")), "", true
	}
	if nt.Kind() == reflect.Struct {
		if f, ok := nt.FieldByName(name); ok {
			return fmt.Sprintf("field %s %s", name, f.Type), "", true
		}
	}
	return "", "", false
}

// typeDoc returns the documentation of a compiled named type (or pointer to one).
func typeDoc(t reflect.Type) (stdlib.DocEntry, bool) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Name() == "" || t.PkgPath() == "" {
		return stdlib.DocEntry{}, false
	}
	return docEntry(t.PkgPath(), t.Name())
}
