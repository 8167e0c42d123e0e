package session

import (
	"fmt"
	"go/ast"
	"go/printer"
	"go/token"
	"reflect"
	"regexp"
	"sort"
	"strings"
)

// Panic lines. Yaegi reports where a panic happened only as the first statement of the
// function or run it happened in (its runCfg loop keeps the running node in a variable that
// the recovering code cannot see), so a panic on line 8 of a cell was reported on line 4, where
// the cell's run of statements began. The session therefore marks lines itself: before each
// statement of a block, on the same line so that positions do not move, it inserts
//
//	_gosnnL = N;
//
// where N is a session-wide line number (the cell's base plus its line), and Execute sets
// _gosnnL to the run's first line before running it. After a panic, _gosnnL is the line of
// the last statement that started, in this cell or in a function an earlier cell defined.
// The cost is one assignment per statement executed (about 10 % in a tight interpreted loop).

const markName = "_gosnnL"

// cellLines records where a cell's lines start in the session-wide numbering.
type cellLines struct {
	base int // the cell's line L is base+L
	code string
}

// instrument inserts line marks into a parsed run (see above). f was parsed from src with
// the wrapper of parseRun, which puts prefix bytes and off lines before src; the run starts
// on line cellLine of a cell whose session-wide base is base. For an expression run, the
// top-level statement (the expression itself) gets no mark.
func instrument(src string, f *ast.File, fset *token.FileSet, prefix, off, cellLine, base int, kind runKind) string {
	if f == nil {
		return src
	}
	var top *ast.BlockStmt
	if kind != runDecl {
		if fd, ok := f.Decls[len(f.Decls)-1].(*ast.FuncDecl); ok {
			top = fd.Body
		}
	}
	type ins struct{ at, line int }
	var marks []ins
	list := func(stmts []ast.Stmt) {
		last := -1
		for _, st := range stmts {
			switch st.(type) {
			case *ast.EmptyStmt, *ast.BranchStmt, *ast.CaseClause, *ast.CommClause:
				continue
			}
			p := fset.Position(st.Pos())
			if p.Line == last {
				continue
			}
			last = p.Line
			marks = append(marks, ins{p.Offset - prefix, base + p.Line - off + cellLine - 1})
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			if n == top && kind == runExpr {
				return true
			}
			list(n.List)
		case *ast.CaseClause:
			list(n.Body)
		case *ast.CommClause:
			list(n.Body)
		}
		return true
	})
	if len(marks) == 0 {
		return src
	}
	sort.Slice(marks, func(i, j int) bool { return marks[i].at < marks[j].at })
	var b strings.Builder
	at := 0
	for _, m := range marks {
		if m.at < at || m.at > len(src) {
			continue
		}
		b.WriteString(src[at:m.at])
		fmt.Fprintf(&b, "%s = %d; ", markName, m.line)
		at = m.at
	}
	b.WriteString(src[at:])
	return b.String()
}

// markLine maps a session-wide line mark to the cell it belongs to: the line in that cell,
// the text of the line, and whether it is the current cell (the last one).
func (s *Session) markLine(mark int) (line int, text string, current, ok bool) {
	i := sort.Search(len(s.cells), func(i int) bool { return s.cells[i].base >= mark }) - 1
	if i < 0 {
		return 0, "", false, false
	}
	c := s.cells[i]
	line = mark - c.base
	lines := strings.Split(c.code, "\n")
	if line < 1 || line > len(lines) {
		return 0, "", false, false
	}
	return line, strings.TrimSpace(lines[line-1]), i == len(s.cells)-1, true
}

// panicLocation describes where the last mark says a panic happened, for the traceback.
func (s *Session) panicLocation() string {
	if s.mark == nil {
		return ""
	}
	line, text, current, ok := s.markLine(*s.mark)
	if !ok {
		return ""
	}
	if current {
		return fmt.Sprintf("line %d: %s", line, text)
	}
	return fmt.Sprintf("line %d of an earlier cell: %s", line, text)
}

// msgIndex is Go's message for an index out of range, without the index and length.
const msgIndex = "runtime error: index out of range"

// indexDetail adds Go's "[i] with length n" to an index-out-of-range panic when the line it
// happened on is a statement at the top level of the run (so that its names are the cell's
// variables, not locals of a loop or function) with index expressions over plain variables
// and constants: they are evaluated again, which has no effect, and the one out of range is
// reported. line is the panic's line in the cell.
func (s *Session) indexDetail(ue *Error, f *ast.File, fset *token.FileSet, off, runLine, line int) {
	body := f.Decls[len(f.Decls)-1].(*ast.FuncDecl).Body
	var found []*ast.IndexExpr
	for _, st := range body.List {
		if fset.Position(st.Pos()).Line-off+runLine-1 != line {
			continue
		}
		ast.Inspect(st, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit, *ast.BlockStmt:
				return false // other scopes
			case *ast.IndexExpr:
				if pureExpr(n.X) && pureExpr(n.Index) {
					found = append(found, n)
				}
			}
			return true
		})
	}
	var detail string
	for _, ix := range found {
		x, i := exprText(fset, ix.X), exprText(fset, ix.Index)
		v, ok := s.evalPure("[]int{len(" + x + "), int(" + i + ")}")
		if !ok {
			continue
		}
		n, k := v.Index(0).Int(), v.Index(1).Int()
		if k >= 0 && k < n {
			continue
		}
		if detail != "" {
			return // two candidates: do not guess
		}
		detail = fmt.Sprintf(" [%d] with length %d", k, n)
	}
	if detail == "" {
		return
	}
	ue.Value += detail
	ue.Traceback[0] += detail
}

// pureExpr reports whether evaluating e has no effect and cannot block: names, field
// selections, constants and operators over them.
func pureExpr(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.SelectorExpr:
		return pureExpr(x.X)
	case *ast.ParenExpr:
		return pureExpr(x.X)
	case *ast.BinaryExpr:
		return pureExpr(x.X) && pureExpr(x.Y)
	case *ast.UnaryExpr:
		return x.Op != token.ARROW && x.Op != token.AND && pureExpr(x.X)
	case *ast.IndexExpr:
		return pureExpr(x.X) && pureExpr(x.Index)
	}
	return false
}

func exprText(fset *token.FileSet, e ast.Expr) string {
	var b strings.Builder
	_ = printer.Fprint(&b, fset, e)
	return b.String()
}

// evalPure evaluates a side-effect-free expression, recovering from any panic.
func (s *Session) evalPure(src string) (v reflect.Value, ok bool) {
	defer func() {
		if recover() != nil {
			v, ok = reflect.Value{}, false
		}
	}()
	p, err := s.compile(src)
	if err != nil {
		return reflect.Value{}, false
	}
	v, err = s.in.Execute(p)
	if err != nil || !v.IsValid() || v.Kind() != reflect.Slice || v.Len() != 2 {
		return reflect.Value{}, false
	}
	return v, true
}

// posPrefixRE matches the position yaegi puts before some runtime messages ("1:32: ").
var posPrefixRE = regexp.MustCompile(`^(?:[^\s:]*:)?\d+:\d+: `)

// zeroValueRE matches reflect's panic for an operation on a nil pointer's target.
var zeroValueRE = regexp.MustCompile(`^reflect: call of reflect\.Value\.\w+ on zero Value$`)

// panicMessage returns the message of a panic value in Go's own wording: the interpreter
// evaluates through reflect, whose panics say "reflect: slice index out of range" where
// compiled Go says "runtime error: index out of range".
func panicMessage(v any) string {
	msg := fmt.Sprint(v)
	if _, ok := v.(error); !ok {
		if _, ok := v.(string); !ok {
			return msg // a value the program panicked with
		}
	}
	if fmt.Sprintf("%T", v) == "*interp.cfgError" {
		msg = posPrefixRE.ReplaceAllString(msg, "") // a position relative to the run
	}
	switch {
	case msg == "reflect: slice index out of range", msg == "reflect: array index out of range",
		msg == "reflect: string index out of range":
		return msgIndex
	case strings.HasPrefix(msg, "reflect.Value.Slice") && strings.Contains(msg, "out of bounds"),
		msg == "reflect: string slice index out of bounds":
		return "runtime error: slice bounds out of range"
	case zeroValueRE.MatchString(msg), msg == "reflect.Value.Call: call of nil function",
		msg == "reflect: call of reflect.Value.Call on zero Value":
		return "runtime error: invalid memory address or nil pointer dereference"
	case msg == "reflect.MakeSlice: negative len":
		return "runtime error: makeslice: len out of range"
	}
	return msg
}
