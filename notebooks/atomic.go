package notebooks

import (
	"fmt"

	"github.com/gosnn/gosnn/internal/atomicfile"
)

// WriteFileAtomic writes data to path atomically (through a temporary file in the same
// directory and a rename, internal/atomicfile), so a reader never sees a half-written notebook.
func WriteFileAtomic(path string, data []byte) error {
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("notebooks: write %s: %w", path, err)
	}
	return nil
}
