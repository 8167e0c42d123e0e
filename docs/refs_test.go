package docs

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The rules below define what a reference to docs/MODEL.md is and what it must resolve to.
//
// Definitions in docs/MODEL.md (outside fenced code blocks): sections "## N. ", appendices
// "## Appendix X", subsections "### N.M ", and, inside the current section or subsection,
// numbered-list items "N. " (indented by at most 3 spaces), numbered table rows "| N |", lettered
// sub-steps "  - a. " under the last numbered item (item "Na"), and acceptance IDs "| A7 |".
//
// References, in every tracked text file except docs/MODEL.md itself, the generated
// notebooks/*.ipynb and stdlib/docs.json (they mirror their sources) and this file (its
// examples refer to a synthetic document):
//   - "MODEL.md" (with or without a path) followed by a list of references such as "section 9
//     item 17", "9 item 7", "sections 3.3-3.5, 4.4 and 5.4", "7.1 steps 3 and 4", "section 2,
//     step 2", "8 A7", "section 8 (A7)", "A2, A4", "Appendix A", "6.4"; the list ends at the
//     first word that is no reference or at a colon. A bare number above the last section
//     ("7353 s") is no reference.
//   - in a file that mentions MODEL.md anywhere, the bare forms "§5.3", "§2 step 4b", "§9 item
//     8", "section 9 item 14" (unless just after the name of another document, such as
//     "KERNEL.md section 3 item 2"), and, in .go, .md, .nb and .py files, acceptance IDs "A7".
//
// Comment markers (//, #, *, --) at the start of lines are dropped and the lines joined, so
// that a reference broken across comment lines is seen whole.
//
// Resolution: "X.Y" is subsection X.Y or, where section X has no subsections, item Y of section
// X; "item N" or "step Nx" is an item, table row or sub-step of the section or subsection.
//
// Besides: outside docs/, a "MODEL.md" must be written "docs/MODEL.md" (or any relative path
// that leads to it, or a path through ../shared/, the specification's directory), and a
// Markdown link to a MODEL.md must lead to a file of the repository.
//
// These rules are those of the check script modeldoc-check.sh that the references were
// written against. Its regular expressions use look-around, which Go's regexp has not: the
// look-behind before "MODEL.md" and the look-around around bare acceptance IDs are checked by
// hand; "a lettered step is not followed by a letter" is written as a word boundary (so "4bA"
// or "4b1" is read as step 4 here).

// model is what docs/MODEL.md defines.
type model struct {
	sections    map[string]bool
	subsections map[string]bool
	appendices  map[string]bool
	aids        map[string]bool
	items       map[string]map[string]bool // scope ("6", "7.5", "App" is never one) -> "4", "4b"
	maxSection  int
}

var (
	reSection  = regexp.MustCompile(`^## (\d+)\. `)
	reAppendix = regexp.MustCompile(`^## Appendix ([A-Z])\b`)
	reSubsect  = regexp.MustCompile(`^### (\d+\.\d+) `)
	reListItem = regexp.MustCompile(`^ {0,3}(\d+)\. `)
	reTableRow = regexp.MustCompile(`^\| (\d+) \|`)
	reSubStep  = regexp.MustCompile(`^\s+[*-] ([a-z])\. `)
	reAIDRow   = regexp.MustCompile(`^\| (A\d+) \|`)
)

// parseModel reads the definitions of a model document.
func parseModel(doc string) *model {
	m := &model{
		sections: map[string]bool{}, subsections: map[string]bool{}, appendices: map[string]bool{},
		aids: map[string]bool{}, items: map[string]map[string]bool{},
	}
	scope, lastNum, inCode := "", "", false
	for _, line := range strings.Split(normalizeNewlines(doc), "\n") {
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
			continue
		}
		if inCode {
			continue
		}
		if g := reSection.FindStringSubmatch(line); g != nil {
			scope, lastNum = g[1], ""
			m.sections[scope] = true
			if m.items[scope] == nil {
				m.items[scope] = map[string]bool{}
			}
			if n, err := strconv.Atoi(scope); err == nil && n > m.maxSection {
				m.maxSection = n
			}
			continue
		}
		if g := reAppendix.FindStringSubmatch(line); g != nil {
			m.appendices[g[1]] = true
			scope, lastNum = "App"+g[1], ""
			continue
		}
		if g := reSubsect.FindStringSubmatch(line); g != nil {
			scope, lastNum = g[1], ""
			m.subsections[scope] = true
			if m.items[scope] == nil {
				m.items[scope] = map[string]bool{}
			}
			continue
		}
		if scope == "" {
			continue
		}
		if g := reListItem.FindStringSubmatch(line); g != nil {
			lastNum = g[1]
			m.addItem(scope, lastNum)
			continue
		}
		if g := reTableRow.FindStringSubmatch(line); g != nil {
			m.addItem(scope, g[1])
			continue
		}
		if g := reSubStep.FindStringSubmatch(line); g != nil && lastNum != "" {
			m.addItem(scope, lastNum+g[1])
			continue
		}
		if g := reAIDRow.FindStringSubmatch(line); g != nil {
			m.aids[g[1]] = true
		}
	}
	return m
}

func (m *model) addItem(scope, it string) {
	if m.items[scope] == nil {
		m.items[scope] = map[string]bool{}
	}
	m.items[scope][it] = true
}

func (m *model) hasSubsections(sec string) bool {
	for s := range m.subsections {
		if strings.Split(s, ".")[0] == sec {
			return true
		}
	}
	return false
}

// resolveSection resolves "N" or "N.M" to the scope its items are looked up in.
func (m *model) resolveSection(x string) (string, error) {
	sec, it, dotted := strings.Cut(x, ".")
	if !dotted {
		if m.sections[x] {
			return x, nil
		}
		return "", fmt.Errorf("no section %s", x)
	}
	if m.subsections[x] {
		return x, nil
	}
	if m.sections[sec] && !m.hasSubsections(sec) && m.items[sec][it] {
		return sec, nil // "6.4" = section 6 item 4
	}
	return "", fmt.Errorf("no subsection %s", x)
}

func (m *model) resolveItem(scope, it string) error {
	if m.items[scope][it] {
		return nil
	}
	kind := "section"
	if strings.Contains(scope, ".") {
		kind = "subsection"
	}
	return fmt.Errorf("no item/step %s in %s %s", it, kind, scope)
}

const (
	ws   = `[\s\v\x{85}\x{1c}-\x{1f}\p{Z}]` // Unicode white space
	num  = `\d+(?:\.\d+)?`
	step = `\d+(?:[a-z]\b)?`
)

var (
	// reModelName is a mention of MODEL.md with the path before it.
	reModelName = regexp.MustCompile(`((?:\.\./)*(?:[\p{L}\p{N}_-][\p{L}\p{N}_.-]*/)*)MODEL\.md`)
	// reToken is one reference of the list after "MODEL.md".
	reToken = regexp.MustCompile(`^(?:(?P<app>Appendix` + ws + `+(?P<appx>[A-Z]))` +
		`|(?P<aid>A\d{1,2})\b` +
		`|(?:(?:sections?|§)` + ws + `*)?(?P<a>` + num + `)(?:` + ws + `*[-–]` + ws + `*(?P<b>` + num + `))?` +
		`(?:,?` + ws + `+(?P<kind>items?|steps?)` + ws + `+(?P<its>` + step + `(?:` + ws + `*(?:[-–]|,|and|then)` + ws + `*` + step + `)*))?)`)
	reSep      = regexp.MustCompile(`^` + ws + `*(?:,|and|/|\(|\)|;)?` + ws + `*`)
	reLead     = regexp.MustCompile(`^(?:` + ws + `|[,(])*`)
	reKeyword  = regexp.MustCompile(`^(?:sections?|§)`)
	reColon    = regexp.MustCompile(`^` + ws + `*:`)
	reBare     = regexp.MustCompile(`§` + ws + `*(?P<a>` + num + `)(?:` + ws + `*[-–]` + ws + `*§?(?P<b>` + num + `))?(?:,?` + ws + `+(?P<kind>items?|steps?)` + ws + `+(?P<its>` + step + `(?:` + ws + `*(?:[-–]|,|and)` + ws + `*` + step + `)*))?` + `|\bsection` + ws + `+(?P<a2>` + num + `),?` + ws + `+(?P<kind2>items?|steps?)` + ws + `+(?P<its2>` + step + `(?:` + ws + `*(?:[-–]|,|and)` + ws + `*` + step + `)*)`)
	reOtherDoc = regexp.MustCompile(`\b[A-Z][A-Za-z0-9_-]*\.md` + ws + `*$`)
	reAfterMD  = regexp.MustCompile(`MODEL\.md` + ws + `*\(?` + ws + `*$`)
	reComment  = regexp.MustCompile(`^` + ws + `*(?://+|#+|\*|--)?` + ws + `?`)
	reItemSep  = regexp.MustCompile(ws + `*(?:,|and|then)` + ws + `*`)
	reRange    = regexp.MustCompile(`^(\d+)([a-f]?)` + ws + `*[-–]` + ws + `*(\d+)([a-f]?)$`)
	reMDLink   = regexp.MustCompile(`\]\(([^)\s]*MODEL\.md)(?:#[^)\s]*)?\)`)
	reInTail   = regexp.MustCompile(` \(in .*\)$`)
)

// group returns the named group of a submatch index, or "".
func group(re *regexp.Regexp, s string, loc []int, name string) string {
	i := re.SubexpIndex(name)
	if loc[2*i] < 0 {
		return ""
	}
	return s[loc[2*i]:loc[2*i+1]]
}

func isWord(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) }

// runes returns the longest prefix of s with at most n runes.
func runes(s string, n int) string {
	i := 0
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// lastRunes returns the longest suffix of s with at most n runes.
func lastRunes(s string, n int) string {
	i := len(s)
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return s[i:]
}

func normalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

func expandItems(s string) []string {
	var out []string
	for _, part := range reItemSep.Split(s, -1) {
		if part == "" {
			continue
		}
		if g := reRange.FindStringSubmatch(part); g != nil {
			out = append(out, g[1]+g[2], g[3]+g[4])
		} else {
			out = append(out, strings.TrimSpace(part))
		}
	}
	return out
}

// checker checks the references of files against a model document.
type checker struct {
	m      *model
	exists func(rel string) bool // whether a slash-separated path relative to the root is a file
	refs   int                   // references checked
	probs  []string              // "file:line: message", without duplicates
	keys   map[string]bool
}

func newChecker(m *model, exists func(string) bool) *checker {
	return &checker{m: m, exists: exists, keys: map[string]bool{}}
}

func (c *checker) problem(format string, args ...any) {
	p := fmt.Sprintf(format, args...)
	k := reInTail.ReplaceAllString(p, "")
	if !c.keys[k] {
		c.keys[k] = true
		c.probs = append(c.probs, p)
	}
}

func (c *checker) check(a, b, its, where, text string) {
	c.refs++
	sc, err := c.m.resolveSection(a)
	if err != nil {
		c.problem("%s: %v (in %q)", where, err, text)
		return
	}
	if b != "" {
		if _, err := c.m.resolveSection(b); err != nil {
			c.problem("%s: %v (in %q)", where, err, text)
			return
		}
	}
	if its == "" {
		return
	}
	if c.m.subsections[a] {
		sc = a
	}
	for _, it := range expandItems(its) {
		if err := c.m.resolveItem(sc, it); err != nil {
			c.problem("%s: %v (in %q)", where, err, text)
		}
	}
}

// file checks the references in the text raw of the file name (slash-separated, relative to
// the root of the repository).
func (c *checker) file(name, raw string) {
	raw = normalizeNewlines(raw)
	if !strings.Contains(raw, "MODEL.md") {
		return
	}
	c.links(name, raw)
	// Join lines, dropping comment markers, so that references broken across lines are seen;
	// starts maps offsets in the joined text to line numbers.
	lines := strings.Split(raw, "\n")
	starts := make([]int, len(lines))
	pos := 0
	for i, line := range lines {
		if i > 0 {
			lines[i] = reComment.ReplaceAllString(line, "")
		}
		starts[i] = pos
		pos += len(lines[i]) + 1
	}
	text := strings.Join(lines, " ")
	lineOf := func(off int) int { return sort.SearchInts(starts, off+1) }
	underDocs := strings.HasPrefix(name, "docs/")
	var seen []int

	for from := 0; ; {
		loc := reModelName.FindStringSubmatchIndex(text[from:])
		if loc == nil {
			break
		}
		for i := range loc {
			loc[i] += from
		}
		start, end := loc[0], loc[1]
		if !modelNameStart(text, start) {
			_, size := utf8.DecodeRuneInString(text[start:])
			from = start + size
			continue
		}
		from = end
		ln := lineOf(start)
		pre := text[loc[2]:loc[3]]
		target := path.Join(path.Dir(name), pre+"MODEL.md")
		shared := strings.Contains(pre, "shared/")
		if !underDocs && pre != "docs/" && target != "docs/MODEL.md" && !shared {
			c.problem("%s:%d: %sMODEL.md is not written docs/MODEL.md", name, ln, pre)
		}
		if shared {
			continue // the specification, not this document
		}
		rest := runes(text[end:], 200)
		p, first := 0, true
		for {
			q := p + len(reSep.FindString(rest[p:]))
			if first {
				// "MODEL.md section 9", "MODEL.md 7.1", "MODEL.md (sections 2-6", "MODEL.md, section"
				q = p + len(reLead.FindString(rest[p:]))
			}
			tl := reToken.FindStringSubmatchIndex(rest[q:])
			if tl == nil || tl[1] == 0 {
				break
			}
			tok := rest[q:]
			a, kind := group(reToken, tok, tl, "a"), group(reToken, tok, tl, "kind")
			if a != "" && kind == "" && !strings.Contains(a, ".") && !reKeyword.MatchString(tok) {
				if n, err := strconv.Atoi(a); err != nil || n > c.m.maxSection {
					break // "7353 s", a number that is no reference
				}
			}
			where := fmt.Sprintf("%s:%d", name, lineOf(end+q))
			reftext := tok[:tl[1]]
			seen = append(seen, end+q)
			switch {
			case group(reToken, tok, tl, "app") != "":
				c.refs++
				if x := group(reToken, tok, tl, "appx"); !c.m.appendices[x] {
					c.problem("%s: no Appendix %s", where, x)
				}
			case group(reToken, tok, tl, "aid") != "":
				c.refs++
				if x := group(reToken, tok, tl, "aid"); !c.m.aids[x] {
					c.problem("%s: no acceptance item %s (in %q)", where, x, reftext)
				}
			default:
				c.check(a, group(reToken, tok, tl, "b"), group(reToken, tok, tl, "its"), where, reftext)
			}
			p = q + tl[1]
			first = false
			if reColon.MatchString(runes(rest[p:], 8)) {
				break
			}
		}
	}

	// Bare forms, in files that mention MODEL.md.
	for _, bl := range reBare.FindAllStringSubmatchIndex(text, -1) {
		start := bl[0]
		near := false
		for _, s := range seen {
			if start-s < 3 && s-start < 3 {
				near = true
			}
		}
		if near {
			continue
		}
		before := lastRunes(text[:start], 40)
		if reOtherDoc.MatchString(strings.TrimRight(before, " (")) && !strings.Contains(lastRunes(before, 20), "MODEL.md") {
			continue // "KERNEL.md section 3 item 2" names another document
		}
		if reAfterMD.MatchString(before) {
			continue // already handled above
		}
		where := fmt.Sprintf("%s:%d", name, lineOf(start))
		if a := group(reBare, text, bl, "a"); a != "" {
			c.check(a, group(reBare, text, bl, "b"), group(reBare, text, bl, "its"), where, text[start:bl[1]])
		} else {
			c.check(group(reBare, text, bl, "a2"), "", group(reBare, text, bl, "its2"), where, text[start:bl[1]])
		}
	}

	// Bare acceptance IDs "A7": not after a word character or one of ".$/-", 1 or 2 digits,
	// not followed by a word character or ".".
	switch path.Ext(name) {
	case ".go", ".md", ".nb", ".py":
	default:
		return
	}
	for i := strings.IndexByte(text, 'A'); i >= 0; {
		if prev, _ := utf8.DecodeLastRuneInString(text[:i]); i == 0 || !(isWord(prev) || strings.ContainsRune(".$/-", prev)) {
			j := i + 1
			for j < len(text) && text[j] >= '0' && text[j] <= '9' {
				j++
			}
			next, _ := utf8.DecodeRuneInString(text[j:])
			if n := j - i - 1; n >= 1 && n <= 2 && (j == len(text) || !(isWord(next) || next == '.')) {
				c.refs++
				if !c.m.aids[text[i:j]] {
					c.problem("%s:%d: no acceptance item %s", name, lineOf(i), text[i:j])
				}
			}
		}
		k := strings.IndexByte(text[i+1:], 'A')
		if k < 0 {
			break
		}
		i += 1 + k
	}
}

// modelNameStart reports whether a mention of MODEL.md may start at offset s of text: not
// just after a word character or one of `.\-`, unless just after a `\n` escape.
func modelNameStart(text string, s int) bool {
	if s == 0 || strings.HasSuffix(text[:s], `\n`) {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(text[:s])
	return !isWord(r) && !strings.ContainsRune(`.\-`, r)
}

// links checks that every Markdown link to a MODEL.md leads to a file of the repository.
func (c *checker) links(name, raw string) {
	for i, line := range strings.Split(raw, "\n") {
		for _, g := range reMDLink.FindAllStringSubmatch(line, -1) {
			link := g[1]
			if strings.Contains(link, "://") {
				continue
			}
			target := path.Join(path.Dir(name), link)
			if strings.HasPrefix(link, "/") || target == ".." || strings.HasPrefix(target, "../") {
				c.problem("%s:%d: link %s leads out of the repository", name, i+1, link)
			} else if !c.exists(target) {
				c.problem("%s:%d: link %s: no file %s", name, i+1, link, target)
			}
		}
	}
}

// selfName is this file: its examples are references to the synthetic document of the table
// tests, not to docs/MODEL.md, so it is not checked.
const selfName = "docs/refs_test.go"

// trackedFiles lists the files of the repository at root that are checked, slash-separated
// and relative to root: those git tracks, or, without git, those of the tree (.git skipped).
func trackedFiles(t *testing.T, root string) []string {
	var names []string
	cmd := exec.Command("git", "ls-files", "-z")
	cmd.Dir = root
	if out, err := cmd.Output(); err == nil {
		for _, f := range bytes.Split(out, []byte{0}) {
			names = append(names, string(f))
		}
	} else {
		t.Logf("git ls-files: %v; walking the tree instead", err)
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == ".git" {
				return filepath.SkipDir
			}
			if rel, err := filepath.Rel(root, p); err == nil && !d.IsDir() {
				names = append(names, filepath.ToSlash(rel))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var files []string
	for _, f := range names {
		if f == "" || f == "docs/MODEL.md" || strings.HasSuffix(f, ".ipynb") || f == "stdlib/docs.json" || f == selfName {
			continue
		}
		if fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(f))); err == nil && fi.Mode().IsRegular() {
			files = append(files, f)
		}
	}
	return files
}

// TestReferencesResolve checks every reference to docs/MODEL.md in the repository.
func TestReferencesResolve(t *testing.T) {
	const root = ".."
	doc, err := os.ReadFile(filepath.Join(root, "docs", "MODEL.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := parseModel(string(doc))
	if len(m.sections) == 0 {
		t.Fatal("docs/MODEL.md defines no numbered section")
	}
	c := newChecker(m, func(rel string) bool {
		fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel)))
		return err == nil && fi.Mode().IsRegular()
	})
	files := trackedFiles(t, root)
	for _, f := range files {
		raw, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(raw) {
			continue // not a text file
		}
		c.file(f, string(raw))
	}
	for _, p := range c.probs {
		t.Error(p)
	}
	t.Logf("%d files, %d references to docs/MODEL.md checked, %d problems", len(files), c.refs, len(c.probs))
	if c.refs == 0 {
		t.Error("found no reference to docs/MODEL.md at all: are the files listed?")
	}
}

// synthetic is a small model document for the table tests.
const synthetic = "# A model\n\n" +
	"## 1. Overview\n\n1. first\n2. second\n\n" +
	"```\n## 12. in a code block, no section\n```\n\n" +
	"## 3. Neurons\n\n" +
	"### 3.1 E neurons\n\n1. integrate\n2. fire\n   - a. reset\n   - b. adapt\n\n" +
	"### 3.2 I neurons\n\n| 1 | leak |\n| 2 | fire |\n\n" +
	"## 6. Building\n\n1. a\n2. b\n3. c\n4. d\n\n" +
	"## 7. Protocols\n\n### 7.1 Training\n\n1. train\n\n" +
	"## 8. Acceptance\n\n| A1 | rates |\n| A2 | replay |\n\n" +
	"## Appendix A. Data\n\nThe files.\n"

func TestParseModel(t *testing.T) {
	m := parseModel(synthetic)
	keys := func(s map[string]bool) string {
		var k []string
		for x := range s {
			k = append(k, x)
		}
		sort.Strings(k)
		return strings.Join(k, " ")
	}
	for _, tc := range []struct{ what, got, want string }{
		{"sections", keys(m.sections), "1 3 6 7 8"},
		{"subsections", keys(m.subsections), "3.1 3.2 7.1"},
		{"appendices", keys(m.appendices), "A"},
		{"acceptance IDs", keys(m.aids), "A1 A2"},
		{"items of 3.1", keys(m.items["3.1"]), "1 2 2a 2b"},
		{"rows of 3.2", keys(m.items["3.2"]), "1 2"},
		{"items of 6", keys(m.items["6"]), "1 2 3 4"},
		{"items of 3", keys(m.items["3"]), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.what, tc.got, tc.want)
		}
	}
	if m.maxSection != 8 {
		t.Errorf("last section %d, want 8", m.maxSection)
	}
}

func TestCheckFile(t *testing.T) {
	files := map[string]bool{"README.md": true, "docs/MODEL.md": true}
	for _, tc := range []struct {
		name, file, text string
		refs             int
		want             []string // the problems, in order, by a part of each
	}{
		{"section item", "a.go", "// see docs/MODEL.md section 3.1 item 2\n", 1, nil},
		{"sub-step", "a.go", "// docs/MODEL.md 3.1 step 2b.\n", 1, nil},
		{"item of a section without subsections", "a.go", "// docs/MODEL.md 6.4\n", 1, nil},
		{"table row", "a.go", "// docs/MODEL.md §3.2 item 2\n", 1, nil},
		{"list", "a.md", "docs/MODEL.md sections 3.1-3.2, 6.4 and 7.1 step 1, A1, A2 and Appendix A.\n", 8, nil},
		{"no item 25", "a.go", "// docs/MODEL.md section 6 item 25\n", 1, []string{"a.go:1: no item/step 25 in section 6"}},
		{"no item 3 of a subsection", "a.go", "// docs/MODEL.md 3.1 steps 1 and 3\n", 1, []string{"a.go:1: no item/step 3 in subsection 3.1"}},
		{"no sub-step", "a.go", "// docs/MODEL.md 3.1 step 2c\n", 1, []string{"no item/step 2c in subsection 3.1"}},
		{"no subsection 7.6", "a.go", "// docs/MODEL.md 7.6\n", 1, []string{"a.go:1: no subsection 7.6"}},
		{"no item 5 of section 6", "a.go", "// docs/MODEL.md 6.5\n", 1, []string{"no subsection 6.5"}},
		{"range end missing", "a.go", "// docs/MODEL.md sections 3.1-3.3\n", 1, []string{"no subsection 3.3"}},
		{"no A3", "a.go", "// docs/MODEL.md 8 (A3)\n", 3, []string{"a.go:1: no acceptance item A3"}},
		{"no section 12", "a.go", "// docs/MODEL.md section 12\n", 1, []string{"a.go:1: no section 12"}},
		{"a number, no reference", "a.go", "// docs/MODEL.md 7353 s\n", 0, nil},
		{"no Appendix C", "a.md", "docs/MODEL.md Appendix C\n", 1, []string{"a.md:1: no Appendix C"}},
		{"split across comment lines", "a.go", "// as in docs/MODEL.md\n// section 6 item 25, the\n", 1, []string{"a.go:2: no item/step 25 in section 6"}},
		{"split inside the reference", "a.py", "# docs/MODEL.md section 6\n# item 25\n", 1, []string{"a.py:1: no item/step 25 in section 6"}},
		{"list ends at a colon", "a.go", "// docs/MODEL.md 6.4: 25 ms\n", 1, nil},
		{"bare forms", "a.go", "// docs/MODEL.md says so.\n// §3.1 step 9, §6.4, section 6 item 7\n", 3, []string{"a.go:2: no item/step 9 in subsection 3.1", "a.go:2: no item/step 7 in section 6"}},
		{"bare forms without MODEL.md", "a.go", "// §3.9 and section 6 item 7, A9\n", 0, nil},
		{"other document", "a.md", "docs/MODEL.md and KERNEL.md section 3 item 2\n", 0, nil},
		{"acceptance IDs", "a.go", "// docs/MODEL.md\n// checks A2 and A9, not A123, x.A9, A9.5 or A9b\n", 2, []string{"a.go:2: no acceptance item A9"}},
		{"acceptance IDs only in some files", "a.txt", "docs/MODEL.md is here.\nA9\n", 0, nil},
		{"not written docs/MODEL.md", "snn/a.go", "// MODEL.md 6.4\n", 1, []string{"snn/a.go:1: MODEL.md is not written docs/MODEL.md"}},
		{"relative path to docs/MODEL.md", "snn/a.go", "// ../docs/MODEL.md 6.4\n", 1, nil},
		{"within docs", "docs/a.md", "MODEL.md 6.4\n", 1, nil},
		{"the specification", "a.go", "// ../shared/MODEL.md section 99 item 1\n", 0, nil},
		{"link", "README.md", "[the model](docs/MODEL.md#3-neurons)\n", 0, nil},
		{"broken link", "README.md", "see [the model](doc/MODEL.md)\n", 0, []string{"README.md:1: link doc/MODEL.md: no file doc/MODEL.md", "README.md:1: doc/MODEL.md is not written"}},
		{"link out of the repository", "docs/a.md", "[spec](../../shared/MODEL.md)\n", 0, []string{"docs/a.md:1: link ../../shared/MODEL.md leads out"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newChecker(parseModel(synthetic), func(rel string) bool { return files[rel] })
			c.file(tc.file, tc.text)
			ok := len(c.probs) == len(tc.want)
			for i := 0; ok && i < len(tc.want); i++ {
				ok = strings.Contains(c.probs[i], tc.want[i])
			}
			if !ok {
				t.Errorf("problems:\n%s\nwant ones containing:\n%s", strings.Join(c.probs, "\n"), strings.Join(tc.want, "\n"))
			}
			if c.refs != tc.refs {
				t.Errorf("%d references checked, want %d", c.refs, tc.refs)
			}
		})
	}
}

func FuzzCheckFile(f *testing.F) {
	f.Add("a.go", "// docs/MODEL.md sections 3.1-3.2, 6.4 and 7.1 step 1, A1\n// §3.1 step 2b")
	f.Add("a.md", "[m](../MODEL.md) MODEL.md (section 8 (A2); Appendix A: x")
	f.Fuzz(func(t *testing.T, name, text string) {
		c := newChecker(parseModel(synthetic), func(string) bool { return false })
		c.file(name, text)
		for _, p := range c.probs {
			if !strings.HasPrefix(p, name+":") {
				t.Errorf("problem %q does not start with the file name", p)
			}
		}
		if len(c.probs) > 0 && c.refs == 0 && !strings.Contains(text, "MODEL.md") {
			t.Error(errors.New("problems in a text without MODEL.md"))
		}
	})
}
