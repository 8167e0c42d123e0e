package stdlib

import (
	_ "embed"
	"encoding/json"
	"sync"
)

//go:embed docs.json
var docsJSON []byte

// DocEntry documents one symbol of a package.
type DocEntry struct {
	Kind string `json:"k"` // func, method, type, var or const
	Sig  string `json:"s"` // declaration, without function bodies
	Doc  string `json:"d"` // doc comment text
}

// DocPackage documents one package: its name, synopsis, and entries keyed by "Name" for
// package-level symbols and "Type.Method" for methods.
type DocPackage struct {
	Name     string              `json:"name"`
	Synopsis string              `json:"synopsis"`
	Entries  map[string]DocEntry `json:"entries"`
}

var (
	docsOnce sync.Once
	docs     map[string]*DocPackage
	docsErr  error
)

// Docs returns the documentation index generated at build time (go generate), keyed by
// import path. It is decoded on first use; callers must not modify it.
func Docs() (map[string]*DocPackage, error) {
	docsOnce.Do(func() {
		docsErr = json.Unmarshal(docsJSON, &docs)
	})
	return docs, docsErr
}

// DocsJSON returns the embedded index as JSON (for tools and benchmarks); callers must not
// modify it.
func DocsJSON() []byte { return docsJSON }
