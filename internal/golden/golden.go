// Package golden compares test output with files under testdata/.
//
// A value is rendered as indented JSON (through the SDK's one JSON codec) and
// compared with testdata/<name>.golden. Run `go test ./... -update` to
// rewrite the files from the current output; never edit them by hand to make
// a test pass. Every test binary in this module imports this package, so the
// -update flag is defined wherever `go test ./...` passes it.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/backupsdk/backupsdk/internal/codec"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden files from the current output")

// Updating reports whether the test run was asked to rewrite golden files.
func Updating() bool { return *update }

// Path returns the golden file path for name.
func Path(name string) string { return filepath.Join("testdata", name+".golden") }

// AssertJSON renders v as indented JSON and compares it with the golden file.
func AssertJSON(t testing.TB, name string, v any) {
	t.Helper()
	got, err := codec.MarshalJSONIndent(v)
	if err != nil {
		t.Fatalf("golden %s: rendering value: %v", name, err)
	}
	Assert(t, name, append(got, '\n'))
}

// Assert compares got with the golden file, or rewrites it under -update.
func Assert(t testing.TB, name string, got []byte) {
	t.Helper()
	path := Path(name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("golden %s: %v", name, err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("golden %s: %v", name, err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run `go test -update` to create it)", name, err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("golden %s differs from the output (run `go test -update` to accept it):\n--- want (%s)\n%s\n--- got\n%s", name, path, want, got)
	}
}

// Read returns a file under testdata/ (a fixture, such as a documented
// sample copied from the API documentation).
func Read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("reading fixture: %v", err)
	}
	return b
}
