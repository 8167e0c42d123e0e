package session

import "github.com/gosnn/gosnn/kernel"

// The kernel drives a Session through kernel.Evaluator; *Error is its UserError.
var (
	_ kernel.Evaluator = (*Session)(nil)
	_ kernel.UserError = (*Error)(nil)
)
