package core_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// retryRule is the one retry rule of the SDK, as core.RetryPolicy applies
// it. README and every WithRetryPolicy say it in these words.
const retryRule = `Reads are repeated after a 429, a 500, 502, 503 or 504, or a connection
error. A call that creates, restores, deletes or otherwise changes state is sent once: it is
repeated only when the server certainly did no work (a 429 answer, or a connection that could
not be made), never after a 5xx answer or a connection that broke once the request may have
reached the server.`

func TestRetryRuleIsSaidTheSameEverywhere(t *testing.T) {
	t.Parallel()
	want := words(retryRule)
	docs := map[string]string{
		"core.RetryPolicy": declDoc(t, "retry.go", "RetryPolicy"),
	}
	for _, f := range []string{"onapp/client.go", "erigones/options.go", "unitrends/client.go", "cloudbackup/client.go"} {
		docs[f+" WithRetryPolicy"] = declDoc(t, filepath.Join("..", "..", f), "WithRetryPolicy")
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	docs["README.md"] = readmeBullet(string(readme), "- Retries ")
	for where, doc := range docs {
		if !strings.Contains(words(doc), want) {
			t.Errorf("%s does not state the retry rule as core.RetryPolicy applies it:\n%s\nwant it to say:\n%s", where, doc, retryRule)
		}
	}
}

// words joins the words of s with single spaces.
func words(s string) string { return strings.Join(strings.Fields(s), " ") }

// declDoc returns the doc comment of the top-level func or type named name
// in the Go file path.
func declDoc(t *testing.T, path, name string) string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name == name {
				return d.Doc.Text()
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				if ts, ok := s.(*ast.TypeSpec); ok && ts.Name.Name == name {
					return d.Doc.Text()
				}
			}
		}
	}
	t.Fatalf("%s: no declaration of %s", path, name)
	return ""
}

// readmeBullet returns the Markdown list item that starts with prefix.
func readmeBullet(md, prefix string) string {
	var b strings.Builder
	in := false
	for line := range strings.SplitSeq(md, "\n") {
		switch {
		case strings.HasPrefix(line, prefix):
			in = true
		case in && !strings.HasPrefix(line, "  "):
			return b.String()
		}
		if in {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
