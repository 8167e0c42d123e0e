// Package docs holds gosnn's user documentation (MODEL.md, the model as gosnn simulates it); it
// has no code, only the test that checks that references to the documents resolve: every
// reference to docs/MODEL.md in the repository's tracked text files ("docs/MODEL.md section 9
// item 17", "docs/MODEL.md 7.1", "§2 step 4b", acceptance IDs such as "A7"; generated files
// and the test's own synthetic examples aside) must name a heading, numbered-list item, table
// row, sub-step or acceptance ID of docs/MODEL.md, and every Markdown link to MODEL.md must
// lead to a file of the repository.
package docs
