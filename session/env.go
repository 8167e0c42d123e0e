package session

import (
	"os"
	"reflect"

	"github.com/traefik/yaegi/interp"
)

// envOverrides gives cells the process environment. By default yaegi virtualizes it: the
// interpreted os.Getenv reads a private map that starts empty (interp.Options.Env), so
// GOSNN_DATA, HOME and every other variable would read as "". A cell in a local kernel is
// the user's own program, as in ipykernel or GoNB: it reads and changes the environment of
// the process, and what os.Setenv sets is seen by compiled packages (snn), by commands that
// cells start (os/exec, with Options.Unrestricted) and by later cells.
func envOverrides() interp.Exports {
	return interp.Exports{
		"os/os": {
			"Clearenv":  reflect.ValueOf(os.Clearenv),
			"Environ":   reflect.ValueOf(os.Environ),
			"ExpandEnv": reflect.ValueOf(os.ExpandEnv),
			"Getenv":    reflect.ValueOf(os.Getenv),
			"LookupEnv": reflect.ValueOf(os.LookupEnv),
			"Setenv":    reflect.ValueOf(os.Setenv),
			"Unsetenv":  reflect.ValueOf(os.Unsetenv),
		},
	}
}
