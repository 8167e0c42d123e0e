package repl

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gosnn/gosnn/notebooks"
)

// Cell tags of notebook parameters, as papermill names them.
const (
	// ParametersTag marks the code cell that holds a notebook's default parameters.
	ParametersTag = "parameters"
	// InjectedParametersTag marks the cell that InjectParameters adds after it.
	InjectedParametersTag = "injected-parameters"
)

// Parameter is one "-p name=value" of gosnn run. Value is typed as the text reads: an int64
// ("3", "-7"), a float64 ("0.5", "1e-3"), a bool ("true", "false"), a time.Duration
// ("250ms", "1m30s"), or else the string itself ("abc", "nc160.mat").
type Parameter struct {
	Name  string
	Value any
}

// ParseParameter parses "name=value". The name must be a Go identifier; the value is typed
// as Parameter describes (quote nothing: "-p name=hello world" is the string "hello world").
func ParseParameter(s string) (Parameter, error) {
	name, text, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok {
		return Parameter{}, fmt.Errorf("repl: parameter %q: want name=value", s)
	}
	if !token.IsIdentifier(name) || name == "_" {
		return Parameter{}, fmt.Errorf("repl: parameter %q: %q is not a Go variable name", s, name)
	}
	return Parameter{Name: name, Value: parameterValue(text)}, nil
}

// parameterValue types the text of a parameter: bool, int, float, duration, else string.
func parameterValue(text string) any {
	if text == "true" || text == "false" {
		return text == "true"
	}
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		return n
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) &&
		strings.Trim(strings.ToLower(text), "0123456789.e+-") == "" {
		return f
	}
	if d, err := time.ParseDuration(text); err == nil && strings.ContainsAny(text, "nuµmsh") {
		return d
	}
	return text
}

// goLiteral returns the value as a Go constant expression assignable to a variable of the
// parameter's type (a duration as its count of nanoseconds, an untyped constant).
func (p Parameter) goLiteral() string {
	switch v := p.Value.(type) {
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		s := strconv.FormatFloat(v, 'g', -1, 64)
		if !strings.ContainsAny(s, ".e") {
			s += ".0"
		}
		return s
	case time.Duration:
		return strconv.FormatInt(int64(v), 10) + " // " + v.String()
	case string:
		return strconv.Quote(v)
	}
	return fmt.Sprintf("%#v", p.Value)
}

// declaration returns a declaration of the parameter for a notebook without a parameters
// cell, and whether it needs package time.
func (p Parameter) declaration() (string, bool) {
	switch v := p.Value.(type) {
	case int64:
		return fmt.Sprintf("var %s = %d", p.Name, v), false
	case time.Duration:
		return fmt.Sprintf("var %s = time.Duration(%d) // %s", p.Name, int64(v), v), true
	}
	return fmt.Sprintf("var %s = %s", p.Name, p.goLiteral()), false
}

// jsonValue is the value recorded in the notebook metadata (a duration as its text).
func (p Parameter) jsonValue() any {
	if d, ok := p.Value.(time.Duration); ok {
		return d.String()
	}
	return p.Value
}

// InjectParameters adds a code cell tagged "injected-parameters" that sets params, as
// papermill does: right after the first cell tagged "parameters", whose declared variables
// (name := v, var name = v) it assigns (name = v), so that the rest of the notebook sees the
// new values. Cells tagged "injected-parameters" from an earlier run are removed first. A
// parameter the parameters cell does not declare as a variable is an error (papermill only
// warns; here the assignment could not compile). Without a parameters cell the parameters are
// declared in a cell at the top and warning says so. The values are recorded in the notebook
// metadata under papermill.parameters. With no params the notebook is left as it is.
func InjectParameters(nb *notebooks.Notebook, params []Parameter) (warning string, err error) {
	if len(params) == 0 {
		return "", nil
	}
	// The last value given for a name wins, in the order of first appearance.
	var order []string
	last := map[string]Parameter{}
	for _, p := range params {
		if _, seen := last[p.Name]; !seen {
			order = append(order, p.Name)
		}
		last[p.Name] = p
	}
	kept := nb.Cells[:0:0]
	for _, c := range nb.Cells {
		if !hasTag(c, InjectedParametersTag) {
			kept = append(kept, c)
		}
	}
	at := -1
	for i, c := range kept {
		if c.Type == "code" && hasTag(c, ParametersTag) {
			at = i
			break
		}
	}
	var src strings.Builder
	src.WriteString("// Parameters injected by gosnn run -p.\n")
	if at >= 0 {
		vars, consts, err := declaredNames(kept[at].Source)
		if err != nil {
			return "", fmt.Errorf("repl: the parameters cell (cell %d) does not parse: %v", at+1, err)
		}
		for _, name := range order {
			if consts[name] {
				return "", fmt.Errorf("repl: -p %s: %s is a constant in the parameters cell (cell %d); declare it with var or := to set it", name, name, at+1)
			}
			if !vars[name] {
				return "", fmt.Errorf("repl: -p %s: the parameters cell (cell %d) declares no variable %s (it declares: %s)", name, at+1, name, listNames(vars))
			}
			fmt.Fprintf(&src, "%s = %s\n", name, last[name].goLiteral())
		}
	} else {
		warning = fmt.Sprintf("no cell is tagged %q: the parameters are declared in a new cell at the top", ParametersTag)
		var decls []string
		needTime := false
		for _, name := range order {
			d, t := last[name].declaration()
			decls = append(decls, d)
			needTime = needTime || t
		}
		if needTime {
			src.WriteString("import \"time\"\n\n")
		}
		src.WriteString(strings.Join(decls, "\n") + "\n")
	}
	cell := &notebooks.Cell{Type: "code", Metadata: json.RawMessage(`{"tags":["` + InjectedParametersTag + `"]}`), Source: strings.TrimSuffix(src.String(), "\n")}
	cells := make([]*notebooks.Cell, 0, len(kept)+1)
	cells = append(cells, kept[:at+1]...)
	cells = append(cells, cell)
	cells = append(cells, kept[at+1:]...)
	nb.Cells = cells
	values := map[string]any{}
	for _, name := range order {
		values[name] = last[name].jsonValue()
	}
	if err := setPapermillParameters(nb, values); err != nil {
		return "", err
	}
	return warning, nil
}

// setPapermillParameters records values as metadata.papermill.parameters, keeping the other
// papermill keys.
func setPapermillParameters(nb *notebooks.Notebook, values map[string]any) error {
	var meta map[string]json.RawMessage
	if err := json.Unmarshal(rawOrEmpty(nb.Metadata), &meta); err != nil || meta == nil {
		meta = map[string]json.RawMessage{}
	}
	var pm map[string]json.RawMessage
	if json.Unmarshal(meta["papermill"], &pm) != nil || pm == nil {
		pm = map[string]json.RawMessage{}
	}
	raw, err := json.Marshal(values)
	if err != nil {
		return fmt.Errorf("repl: parameters: %w", err)
	}
	pm["parameters"] = raw
	if meta["papermill"], err = json.Marshal(pm); err != nil {
		return fmt.Errorf("repl: parameters: %w", err)
	}
	data, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("repl: parameters: %w", err)
	}
	nb.Metadata = data
	return nil
}

// hasTag reports whether the cell's metadata.tags holds tag.
func hasTag(c *notebooks.Cell, tag string) bool {
	var m struct {
		Tags []string `json:"tags"`
	}
	if json.Unmarshal(rawOrEmpty(c.Metadata), &m) != nil {
		return false
	}
	for _, t := range m.Tags {
		if t == tag {
			return true
		}
	}
	return false
}

func listNames(set map[string]bool) string {
	if len(set) == 0 {
		return "nothing"
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// declaredNames returns the variables and constants declared at the top level of a cell:
// name := v, var name = v, var name T, const name = v, in groups too. The cell may start
// with imports and mix declarations and statements, as cells do.
func declaredNames(src string) (vars, consts map[string]bool, err error) {
	vars, consts = map[string]bool{}, map[string]bool{}
	body := blankImports(src)
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "cell.go", "package p; func _() {\n"+body+"\n}", 0)
	if err != nil {
		// A cell of declarations only (functions, types) parses as a file.
		f2, err2 := parser.ParseFile(fset, "cell.go", "package p\n"+body, 0)
		if err2 != nil {
			return nil, nil, firstError(err)
		}
		for _, d := range f2.Decls {
			addDecl(d, vars, consts)
		}
		return vars, consts, nil
	}
	fn := f.Decls[0].(*ast.FuncDecl)
	for _, st := range fn.Body.List {
		switch s := st.(type) {
		case *ast.AssignStmt:
			if s.Tok == token.DEFINE {
				for _, l := range s.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
						vars[id.Name] = true
					}
				}
			}
		case *ast.DeclStmt:
			addDecl(s.Decl, vars, consts)
		}
	}
	return vars, consts, nil
}

func addDecl(d ast.Decl, vars, consts map[string]bool) {
	g, ok := d.(*ast.GenDecl)
	if !ok || (g.Tok != token.VAR && g.Tok != token.CONST) {
		return
	}
	for _, spec := range g.Specs {
		for _, id := range spec.(*ast.ValueSpec).Names {
			if id.Name == "_" {
				continue
			}
			if g.Tok == token.VAR {
				vars[id.Name] = true
			} else {
				consts[id.Name] = true
			}
		}
	}
}

// firstError shortens a parser error list to its first error, with the line counted from
// the cell's first line.
func firstError(err error) error {
	if list, ok := err.(scanner.ErrorList); ok && len(list) > 0 {
		e := list[0]
		return fmt.Errorf("line %d: %s", e.Pos.Line-1, e.Msg)
	}
	return err
}

// blankImports replaces the import declarations at the start of a cell with spaces
// (keeping newlines), so that the rest parses inside a function body.
func blankImports(src string) string {
	fset := token.NewFileSet()
	file := fset.AddFile("cell.go", -1, len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), nil, 0)
	b := []byte(src)
	for {
		pos, tok, _ := s.Scan()
		for tok == token.SEMICOLON {
			pos, tok, _ = s.Scan()
		}
		if tok != token.IMPORT {
			return string(b)
		}
		start := file.Offset(pos)
		var end int
		p, t, lit := s.Scan()
		if t == token.LPAREN {
			for t != token.RPAREN && t != token.EOF {
				p, t, _ = s.Scan()
			}
			end = file.Offset(p) + 1
		} else {
			if t == token.IDENT || t == token.PERIOD {
				p, _, lit = s.Scan()
			}
			end = file.Offset(p) + len(lit)
		}
		if end > len(b) {
			end = len(b)
		}
		for i := start; i < end; i++ {
			if b[i] != '\n' {
				b[i] = ' '
			}
		}
	}
}
