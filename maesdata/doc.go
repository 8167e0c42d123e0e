// Package maesdata locates, downloads, imports and verifies the authors' data of Maes,
// Barahona & Clopath (2020): the files of ModelDB accession 257609 that the notebooks, gosnn
// exp and the tests read (the trained weight matrix FF60b_2400_nc160.mat, the supervisors, the
// meadowlark recording and the timing data). The files are third-party and never part of the
// repository; this package is how a user gets them and how every reader finds them.
//
// # Where the files are looked for
//
// Find and Dir look in one order, the only one in gosnn's Go code and notebooks:
//
//  1. $GOSNN_DATA, when it is set and not empty;
//  2. the user's data directory, UserDir: $XDG_DATA_HOME/gosnn/maes2020 (else
//     ~/.local/share/gosnn/maes2020; on macOS ~/Library/Application Support/gosnn/maes2020,
//     on Windows %LocalAppData%\gosnn\maes2020);
//  3. shared/data/maes2020 beside a checkout of this repository: the working directory and its
//     parents are searched for the go.mod of module github.com/gosnn/gosnn, and the folder
//     ../shared/data/maes2020 next to that module root is used (this repository's CI). The
//     same rule covers a notebook kernel started in notebooks/ (../../shared) and gosnn run
//     started at the repository root (../shared).
//
// # Getting the files
//
// Fetch downloads the ModelDB archive (DownloadURL) into a temporary file inside the
// destination folder, and Import takes a folder or a .zip a user downloaded by hand. Both find
// each file by its base name wherever it sits in the folder tree or archive, copy it to a
// temporary name in the destination, check its size and SHA-256 against the Files table, and
// rename the copies to their final names only once every file has matched: a partial, corrupt
// or substituted download never lands under a final name, and a mismatch is an error that
// names the file. The archive itself has no pinned checksum (ModelDB builds it on its server;
// it could not be downloaded when the table was made); the table of the files is what
// authenticates the data.
//
// Fetch follows at most 10 redirects to any host, but never from HTTPS to plain HTTP: the
// checksums, not the address, authenticate the data, and ModelDB has moved its downloads
// before (senselab.med.yale.edu to modeldb.science). A server that sends no data for
// Options.StallTimeout (default 60 s) fails the download, as does the caller's context.
//
// maesdata is not imported by package snn, which stays a pure simulator; it is imported by
// cmd/gosnn, by the tests and, through the interpreter's symbol tables, by notebooks.
package maesdata
