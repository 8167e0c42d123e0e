package notebooks_test

import (
	"fmt"

	"github.com/gosnn/gosnn/notebooks"
)

// A notebook source: cells introduced by "%% markdown" and "%% code" lines.
func ExampleParse() {
	cells, err := notebooks.Parse("%% markdown\n# Title\n\n%% code\nx := 1\nx\n")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cells {
		fmt.Printf("%s: %q\n", c.Kind, c.Source)
	}
	// Output:
	// markdown: "# Title"
	// code: "x := 1\nx"
}

// Build gives the nbformat 4.5 JSON with the gosnn kernelspec and clean code cells.
func ExampleBuild() {
	out, err := notebooks.Build("demo", "%% code\nfmt.Println(1)")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	// Output:
	// {
	//  "cells": [
	//   {
	//    "cell_type": "code",
	//    "execution_count": null,
	//    "id": "demo-01",
	//    "metadata": {},
	//    "outputs": [],
	//    "source": [
	//     "fmt.Println(1)"
	//    ]
	//   }
	//  ],
	//  "metadata": {
	//   "kernelspec": {
	//    "display_name": "Go (gosnn)",
	//    "language": "go",
	//    "name": "gosnn"
	//   },
	//   "language_info": {
	//    "file_extension": ".go",
	//    "mimetype": "text/x-go",
	//    "name": "go"
	//   }
	//  },
	//  "nbformat": 4,
	//  "nbformat_minor": 5
	// }
}

func ExampleParseNotebook() {
	nb, err := notebooks.ParseNotebook([]byte(`{
 "nbformat": 4, "nbformat_minor": 5, "metadata": {},
 "cells": [
  {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": "# Rates"},
  {"cell_type": "code", "id": "run", "metadata": {}, "source": ["x := 1\n", "x"],
   "outputs": [], "execution_count": null}
 ]
}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range nb.Cells {
		fmt.Printf("%s %s: %q\n", c.Type, c.ID, c.Source)
	}
	_, err = notebooks.ParseNotebook([]byte(`{"nbformat": 3, "nbformat_minor": 0}`))
	fmt.Println(err)
	// Output:
	// markdown intro: "# Rates"
	// code run: "x := 1\nx"
	// nbformat 3 is not supported (want 4; convert with 'jupyter nbconvert --to notebook --nbformat 4')
}
