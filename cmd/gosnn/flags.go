package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// parseFlags parses the arguments of the subcommand named fs.Name() with a usage line printed
// (with the flag defaults) on -h and on bad flags. It returns -1 when the command should go
// on, else the exit status: 0 after -h, 2 after a bad flag or a stray argument.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer, usage string) int {
	return parseFlagsArgs(fs, args, stderr, usage, 0)
}

// parseFlagsArgs is parseFlags allowing up to maxArgs positional arguments.
func parseFlagsArgs(fs *flag.FlagSet, args []string, stderr io.Writer, usage string, maxArgs int) int {
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: "+usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > maxArgs {
		fmt.Fprintf(stderr, "gosnn %s: unexpected argument %q\n", fs.Name(), fs.Arg(maxArgs))
		return 2
	}
	return -1
}
