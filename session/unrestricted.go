package session

import (
	"fmt"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib/unrestricted"
)

func useUnrestricted(in *interp.Interpreter) error {
	if err := in.Use(unrestricted.Symbols); err != nil {
		return fmt.Errorf("session: loading unrestricted symbols: %w", err)
	}
	return nil
}
