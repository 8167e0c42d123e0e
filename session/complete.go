package session

import (
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
)

// IsComplete reports whether code is a complete cell: "complete", "incomplete" (an open
// block, call or string that more lines would finish) or "invalid", with the indent for the
// next line when incomplete.
func (s *Session) IsComplete(code string) (status, indent string) {
	if strings.TrimSpace(code) == "" {
		return "complete", ""
	}
	// Unbalanced brackets or an unterminated raw string mean more lines are coming.
	depth := 0
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(code))
	var sc scanner.Scanner
	openString := false
	sc.Init(file, []byte(code), func(pos token.Position, msg string) {
		if strings.Contains(msg, "raw string literal not terminated") || strings.Contains(msg, "comment not terminated") {
			openString = true
		}
	}, 0)
	for {
		_, t, _ := sc.Scan()
		if t == token.EOF {
			break
		}
		switch t {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		}
	}
	if openString {
		return "incomplete", ""
	}
	if depth > 0 {
		return "incomplete", strings.Repeat("\t", depth)
	}
	if depth < 0 {
		return "invalid", ""
	}
	if _, err := splitCell(code); err != nil {
		return "invalid", ""
	}
	// A trailing binary operator or comma continues on the next line.
	trim := strings.TrimRight(code, " \t\n")
	for _, op := range []string{"+", "-", "*", "/", "&&", "||", ",", "=", ".", "(", "|", "&"} {
		if strings.HasSuffix(trim, op) && !strings.HasSuffix(trim, "++") && !strings.HasSuffix(trim, "--") {
			return "incomplete", ""
		}
	}
	if !parses(code) {
		return "invalid", ""
	}
	return "complete", ""
}

// parses reports whether every run of the cell parses as Go.
func parses(code string) bool {
	runs, err := splitCell(code)
	if err != nil {
		return false
	}
	for _, r := range runs {
		var src string
		switch r.kind {
		case runDecl, runImport:
			src = "package p\n" + r.src
		default:
			src = "package p\nfunc _() {\n" + r.src + "\n}"
		}
		if _, err := parser.ParseFile(token.NewFileSet(), "", src, 0); err != nil {
			return false
		}
	}
	return true
}
