package session

import (
	"context"

	"github.com/traefik/yaegi/interp"
)

// host connects compiled snn runs to the session: its Context is the running cell's
// context, so an interrupt stops a run started in a cell without the user passing one.
type host struct{ s *Session }

// Context returns the context of the running cell (or of the last cell between cells).
func (h *host) Context() context.Context {
	if c := h.s.cell.Load(); c != nil && c.ctx != nil {
		return c.ctx
	}
	return context.Background()
}

func (s *Session) snnOverrides() interp.Exports { return nil }
