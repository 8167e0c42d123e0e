package session

// scopeIndex records names defined by earlier cells, for completion.
type scopeIndex struct {
	names map[string]string // name -> kind ("var", "func", "type", "const")
}

func (s *Session) noteScope(src string) {}
