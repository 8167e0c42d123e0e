package repl

import (
	"fmt"
	"os"

	"github.com/gosnn/gosnn/internal/atomicfile"
)

// writeFileAtomic writes data to path atomically (internal/atomicfile), with a repl error.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	if err := atomicfile.WriteFile(path, data, perm); err != nil {
		return fmt.Errorf("repl: write %s: %w", path, err)
	}
	return nil
}
