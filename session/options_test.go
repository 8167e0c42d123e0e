package session

import (
	"context"
	"testing"
)

// Unrestricted gives cells os/exec; by default they do not have it.
func TestUnrestricted(t *testing.T) {
	code := "import \"os/exec\"\nexec.Command(\"true\").Path != \"\""
	s := newTestSession(t)
	if _, err := s.Execute(context.Background(), code, nil); err == nil {
		t.Errorf("os/exec available in a restricted session")
	}
	u, err := New(Options{Unrestricted: true})
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	res, err := u.Execute(context.Background(), code, nil)
	if err != nil || res == nil || res.Data["text/plain"] != "true" {
		t.Errorf("unrestricted: %v %v", res, err)
	}
}

// A closed session refuses cells; Close twice is fine.
func TestClosed(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := s.Execute(context.Background(), "1", nil); err == nil {
		t.Errorf("Execute after Close: no error")
	}
}
