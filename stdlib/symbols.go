package stdlib

import "reflect"

// Symbols maps "importpath/pkgname" to the exported symbols of a package, in the form
// yaegi's interp.Use expects. The generated files fill it in their init functions.
var Symbols = map[string]map[string]reflect.Value{}
