package repl

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/gosnn/gosnn/internal/atomicfile"
	"github.com/gosnn/gosnn/internal/boundedread"
)

// MaxScriptBytes is the largest Go script gosnn run and the REPL's :load read (a notebook
// may hold notebooks.MaxNotebookBytes).
const MaxScriptBytes = 64 << 20

// readBounded reads the file at path whole, refusing a directory or a device (/dev/zero
// would never end) and reading at most limit bytes; what names the kind of input in the
// error ("gosnn: FILE is larger than the 64-MiB limit for scripts" once prefixed).
func readBounded(path string, limit int64, what string) ([]byte, error) {
	return boundedread.ReadFile(path, limit, what, false)
}

// writeFileAtomic writes data to path atomically (internal/atomicfile), with a repl error.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	if err := atomicfile.WriteFile(path, data, perm); err != nil {
		return fmt.Errorf("repl: write %s: %w", path, err)
	}
	return nil
}

// rawOrEmpty returns r, or the empty JSON object when r is empty (the metadata of a
// notebook or cell built in code rather than read).
func rawOrEmpty(r json.RawMessage) json.RawMessage {
	if len(r) == 0 {
		return json.RawMessage("{}")
	}
	return r
}
