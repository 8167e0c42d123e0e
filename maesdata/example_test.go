package maesdata_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gosnn/gosnn/maesdata"
)

// A Table says which files a data set holds; Import installs them from a folder (or a .zip)
// after checking each one, and Verify reports on a folder.
func ExampleTable_Import() {
	content := []byte("a small stand-in for a data file")
	sum := sha256.Sum256(content)
	tab := maesdata.Table{{Name: "w.mat", Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:])}}

	download, _ := os.MkdirTemp("", "download")
	defer os.RemoveAll(download)
	os.MkdirAll(filepath.Join(download, "Data and plotting"), 0o755)
	os.WriteFile(filepath.Join(download, "Data and plotting", "w.mat"), content, 0o644)

	dst := filepath.Join(download, "installed")
	fmt.Println(tab.Verify(dst).Files[0].State)
	if err := tab.Import(context.Background(), download, dst, maesdata.Options{}); err != nil {
		fmt.Println(err)
	}
	r := tab.Verify(dst)
	fmt.Println(r.OK(), r.Files[0].State)

	os.WriteFile(filepath.Join(dst, "w.mat"), []byte("changed"), 0o644)
	fmt.Println(tab.Verify(dst).Files[0].State)
	// Output:
	// missing
	// true ok
	// MISMATCH
}

// Find looks for one of the authors' files in $GOSNN_DATA, the user data directory, then the
// shared data beside the checkout.
func ExampleFind() {
	dir, _ := os.MkdirTemp("", "maes2020")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, maesdata.Weights), []byte("..."), 0o644)
	old, had := os.LookupEnv(maesdata.EnvVar)
	os.Setenv(maesdata.EnvVar, dir)
	defer func() {
		if had {
			os.Setenv(maesdata.EnvVar, old)
		} else {
			os.Unsetenv(maesdata.EnvVar)
		}
	}()

	path, err := maesdata.Find(maesdata.Weights)
	fmt.Println(path == filepath.Join(dir, maesdata.Weights), err)
	// Output:
	// true <nil>
}
