package core_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/backupsdk/backupsdk/internal/core"
)

// FuzzParseErrorBody feeds arbitrary bodies to the error parser, seeded
// with every shape the four APIs send. It must never panic, and Message must
// always be the joined Messages.
func FuzzParseErrorBody(f *testing.F) {
	for _, s := range errorShapes {
		f.Add(s.body)
	}
	for _, s := range []string{
		`{"errors":{"base":{"nested":["x"]}}}`, `{"result":null}`, `[[[[[[[[[[[["deep"]]]]]]]]]]]]`,
		`{"error":{"error":{"error":{"message":"m"}}}}`, `<errors><error><error>x</error></error>`, `<html><title>`,
		`{"error_code":12,"error_msg":null}`, `{"errors":[{"field":"name","message":"bad"}]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		e := core.NewAPIError("fuzz", http.MethodGet, "http://h/x", 400, http.Header{}, []byte(body))
		if e.Message != strings.Join(e.Messages, "; ") {
			t.Fatalf("Message %q is not the joined Messages %q", e.Message, e.Messages)
		}
		if len(e.Body) > 4<<10+len("…") {
			t.Fatalf("Body kept %d bytes", len(e.Body))
		}
		_ = e.Error()
	})
}
