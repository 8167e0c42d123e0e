package audio

import (
	"fmt"
	"os"
)

// open opens path for reading; a directory is an error.
func open(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("audio: %w", err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("audio: %s is a directory", path)
	}
	return f, nil
}
