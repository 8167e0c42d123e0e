package maesdata

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// EnvVar is the environment variable that names a folder holding the authors' files; it comes
// first in the lookup order.
const EnvVar = "GOSNN_DATA"

// modulePath identifies this repository's go.mod when the shared data folder beside a
// checkout is looked for.
const modulePath = "github.com/gosnn/gosnn"

// Missing is the advice given when the authors' files are not found.
const Missing = "run `gosnn data fetch` or `gosnn data import PATH`"

// Place is one folder of the lookup order.
type Place struct {
	Dir  string // the folder
	From string // why it is looked at: "$GOSNN_DATA", "user data directory" or "repository's shared data"
}

// UserDir returns the user's data directory for the authors' files:
// $XDG_DATA_HOME/gosnn/maes2020 when XDG_DATA_HOME is an absolute path, else the platform's
// default (~/.local/share/gosnn/maes2020 on Linux and other Unix systems, ~/Library/Application
// Support/gosnn/maes2020 on macOS, %LocalAppData%\gosnn\maes2020 on Windows).
func UserDir() (string, error) {
	if x := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "gosnn", "maes2020"), nil
	}
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "gosnn", "maes2020"), nil
		}
		return "", errors.New("maesdata: %LocalAppData% is not set")
	case "darwin", "ios":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("maesdata: %w", err)
		}
		return filepath.Join(home, "Library", "Application Support", "gosnn", "maes2020"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("maesdata: %w", err)
	}
	return filepath.Join(home, ".local", "share", "gosnn", "maes2020"), nil
}

// InstallDir returns where Fetch and Import install the files by default: $GOSNN_DATA when it
// is set, else UserDir.
func InstallDir() (string, error) {
	if d := os.Getenv(EnvVar); d != "" {
		return d, nil
	}
	return UserDir()
}

// Places returns the lookup order (see the package documentation): $GOSNN_DATA when set, the
// user data directory, and shared/data/maes2020 beside the checkout of this repository that
// holds the working directory, if any. Folders need not exist.
func Places() []Place {
	var ps []Place
	if d := os.Getenv(EnvVar); d != "" {
		ps = append(ps, Place{d, "$" + EnvVar})
	}
	if d, err := UserDir(); err == nil {
		ps = append(ps, Place{d, "user data directory"})
	}
	if d := repoShared(); d != "" {
		ps = append(ps, Place{d, "repository's shared data"})
	}
	return ps
}

// repoShared returns ../shared/data/maes2020 beside the root of the checkout of this module
// that holds the working directory (relative to the working directory, as a user would write
// it), or "" outside a checkout.
func repoShared() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	up := "."
	for dir := wd; ; dir = filepath.Dir(dir) {
		if isModuleRoot(filepath.Join(dir, "go.mod")) {
			return filepath.Join(up, "..", "shared", "data", "maes2020")
		}
		if filepath.Dir(dir) == dir {
			return ""
		}
		up = filepath.Join(up, "..")
	}
}

// isModuleRoot reports whether the go.mod at path declares this module.
func isModuleRoot(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`) == modulePath
		}
	}
	return false
}

// Find returns the path of the authors' file name (a base name such as
// "FF60b_2400_nc160.mat") in the first folder of the lookup order that holds it. The error,
// when no folder does, lists where it looked and says how to get the files. Find checks only
// that the file exists; Verify checks its contents.
func Find(name string) (string, error) {
	ps := Places()
	var where []string
	for _, p := range ps {
		path := filepath.Join(p.Dir, name)
		if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
			return path, nil
		}
		where = append(where, p.Dir+" ("+p.From+")")
	}
	if len(where) == 0 {
		where = append(where, "nowhere: $"+EnvVar+" is unset and there is no user data directory")
	}
	return "", &NotFoundError{Name: name, Looked: where}
}

// NotFoundError is returned by Find and Dir when no folder of the lookup order holds a file.
type NotFoundError struct {
	Name   string   // the file looked for
	Looked []string // the folders looked in, in order
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("maesdata: %s not found in %s: %s", e.Name, strings.Join(e.Looked, ", "), Missing)
}

// Is makes errors.Is(err, fs.ErrNotExist) true for a NotFoundError.
func (e *NotFoundError) Is(target error) bool { return target == fs.ErrNotExist }

// Dir returns the first folder of the lookup order that holds the trained weight matrix
// FF60b_2400_nc160.mat, the file every data notebook needs; the other files are looked up in
// the same order by Find.
func Dir() (string, error) {
	p, err := Find(Weights)
	if err != nil {
		return "", err
	}
	return filepath.Dir(p), nil
}
