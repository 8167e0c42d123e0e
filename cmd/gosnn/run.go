package main

import "github.com/gosnn/gosnn/repl"

func init() {
	register("run", "execute a notebook (FILE.ipynb [-o OUT.ipynb] [-figures DIR]) or a Go script (FILE.go)", runRun)
}

func runRun(args []string) int { return repl.RunMain(args, newEvaluator) }
