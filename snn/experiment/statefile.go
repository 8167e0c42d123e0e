package experiment

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"

	"github.com/gosnn/gosnn/snn"
)

// The state files of the resumable kinds that are not trainings (spontaneous, degradation)
// share one layout, little-endian: an 8-byte magic naming the kind, a uint32 version (1), a
// header (uint32 length and bytes: the run's options or a JSON record holding them), a
// fixed-size trailer of the kind's own (spontaneous: the spike hash so far), the CRC-32
// (IEEE) of all that, then the network's state (snn.Network.WriteState).

// writeRunState writes a state file with the given magic, header and trailer to w.
func writeRunState(w io.Writer, magic string, head, trail []byte, net *snn.Network) error {
	b := []byte(magic)
	b = binary.LittleEndian.AppendUint32(b, 1)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(head)))
	b = append(b, head...)
	b = append(b, trail...)
	b = binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
	if _, err := w.Write(b); err != nil {
		return err
	}
	return net.WriteState(w)
}

// readRunState reads the state file at path, if it exists, written by writeRunState with
// magic and a trailer of trailLen bytes, for a run of kind what: it checks the layout and the
// checksum, gives the header to check (which refuses another run's state), then restores net
// and returns the trailer. ok is false when there is no file.
func readRunState(path, magic, what string, trailLen int, net *snn.Network, check func(head []byte) error) (trail []byte, ok bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	head := len(magic) + 8
	if len(data) < head || string(data[:len(magic)]) != magic {
		return nil, false, fmt.Errorf("%s is not a %s run's state", path, what)
	}
	if v := binary.LittleEndian.Uint32(data[len(magic):]); v != 1 {
		return nil, false, fmt.Errorf("%s: state version %d, this build reads version 1", path, v)
	}
	n := uint64(binary.LittleEndian.Uint32(data[len(magic)+4:]))
	end := uint64(head) + n + uint64(trailLen)
	if uint64(len(data)) < end+4 {
		return nil, false, fmt.Errorf("%s: truncated state", path)
	}
	if crc32.ChecksumIEEE(data[:end]) != binary.LittleEndian.Uint32(data[end:]) {
		return nil, false, fmt.Errorf("%s: checksum mismatch: the state is corrupt", path)
	}
	if err := check(data[head : uint64(head)+n]); err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	if err := net.ReadState(bytes.NewReader(data[end+4:])); err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	return data[end-uint64(trailLen) : end], true, nil
}

// otherRun is the error of a state file saved by a run with other options.
func otherRun(saved []byte) error {
	return fmt.Errorf("it holds the state of a run with other options (%s); remove it or use another directory", saved)
}
