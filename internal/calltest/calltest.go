// Package calltest checks every exported call of a provider package against
// the promises the core makes for all of them: each call declares whether
// it reads or writes (and its documentation says so for a write), a write
// reaches the server once after a 5xx answer or a connection broken after
// the request was read while a read is retried, and a nil context.Context
// is an error, not a panic.
//
// A provider's tests give the table of its calls; the checks live here,
// once, so that the four packages are held to exactly the same rule.
package calltest

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/backupsdk/backupsdk/internal/core"
)

// Retry is the retry policy every Call's client must be given: two
// retries, no waits.
var Retry = core.RetryPolicy{MaxRetries: 2}

// ReadAttempts is how many requests a read makes under Retry when every
// attempt fails.
const ReadAttempts = 3

// Call is one exported call of a provider package.
type Call struct {
	// Name is "Type.Method" as IOMethods spells it, such as
	// "BackupsService.Delete", "Client.Logout" or "Task.Wait".
	Name string
	// Kind is what the call is: core.Read or core.Write.
	Kind core.Kind
	// Do makes the call, with valid arguments, through a client of the
	// server at baseURL that uses the Retry policy and credentials that
	// need no login (unless the call is the login). It returns the call's
	// error.
	Do func(ctx context.Context, baseURL string) error
}

// IOMethods returns "Type.Method" for every exported method that takes a
// context.Context, of the types of roots and of every named type of the
// same package reachable from them through exported fields and method
// results (the services of a Client, the Task a call returns). Those are
// the calls that do I/O.
func IOMethods(roots ...any) []string {
	ctxType := reflect.TypeFor[context.Context]()
	var (
		pkg   string
		seen  = map[reflect.Type]bool{}
		queue []reflect.Type
		names []string
	)
	push := func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			t = t.Elem()
		}
		if t.Name() == "" || t.PkgPath() != pkg || seen[t] {
			return
		}
		seen[t] = true
		queue = append(queue, t)
	}
	for _, r := range roots {
		t := reflect.TypeOf(r)
		if pkg == "" {
			for t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			pkg = t.PkgPath()
		}
		push(reflect.TypeOf(r))
	}
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		pt := reflect.PointerTo(t)
		for i := range pt.NumMethod() {
			m := pt.Method(i)
			for j := 1; j < m.Type.NumIn(); j++ {
				if m.Type.In(j) == ctxType {
					names = append(names, t.Name()+"."+m.Name)
					break
				}
			}
			for j := range m.Type.NumOut() {
				push(m.Type.Out(j))
			}
		}
		if t.Kind() == reflect.Struct {
			for i := range t.NumField() {
				if f := t.Field(i); f.IsExported() {
					push(f.Type)
				}
			}
		}
	}
	slices.Sort(names)
	return names
}

// CheckTable fails t unless calls holds exactly the I/O methods reachable
// from roots (see IOMethods), each once, each declared a read or a write.
// A new call that is not in the table fails here.
func CheckTable(t *testing.T, calls []Call, roots ...any) {
	t.Helper()
	methods := IOMethods(roots...)
	if len(methods) == 0 {
		t.Fatalf("no methods taking a context.Context reachable from %T", roots)
	}
	inTable := map[string]bool{}
	for _, c := range calls {
		if inTable[c.Name] {
			t.Errorf("%s is in the table twice", c.Name)
		}
		inTable[c.Name] = true
		if c.Kind != core.Read && c.Kind != core.Write {
			t.Errorf("%s declares neither core.Read nor core.Write", c.Name)
		}
		if c.Do == nil {
			t.Errorf("%s has no Do", c.Name)
		}
		if !slices.Contains(methods, c.Name) {
			t.Errorf("%s is in the table but is no method taking a context.Context", c.Name)
		}
	}
	for _, m := range methods {
		if !inTable[m] {
			t.Errorf("%s takes a context.Context but is missing from the table of calls: add it as a read or a write", m)
		}
	}
}

// CheckWriteRule runs every call against a server that answers 503 to
// everything and against one that resets the connection after reading
// each request whole. A write must reach the server exactly once; a read
// must be repeated (ReadAttempts requests).
func CheckWriteRule(t *testing.T, calls []Call) {
	t.Helper()
	for _, c := range calls {
		for _, mode := range []string{"503", "reset"} {
			t.Run(c.Name+"/"+mode, func(t *testing.T) {
				t.Parallel()
				url, hits := failingServer(t, mode == "reset")
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				err := c.Do(ctx, url)
				if err == nil {
					t.Fatalf("%s against a failing server returned no error", c.Name)
				}
				if ctx.Err() != nil {
					t.Fatalf("%s did not return before its deadline: %v", c.Name, err)
				}
				want := int64(ReadAttempts)
				if c.Kind == core.Write {
					want = 1
				}
				if got := hits.Load(); got != want {
					t.Errorf("%s (%s) reached the server %d times, want %d (error: %v)", c.Name, c.Kind, got, want, err)
				}
			})
		}
	}
}

// failingServer answers 503 to every request, or resets the connection
// after reading the request whole. It counts the requests it read.
func failingServer(t *testing.T, reset bool) (string, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		hits.Add(1)
		if reset {
			ResetConnection(w)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `{"message":"unavailable"}`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &hits
}

// ResetConnection drops the connection of w with a TCP reset: the request
// reached the server, no answer comes back.
func ResetConnection(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// CheckNilContext calls every call but those named in skip with a nil
// context.Context: each must return an error wrapping core.ErrNilContext,
// without a panic and without sending anything.
func CheckNilContext(t *testing.T, calls []Call, skip ...string) {
	t.Helper()
	for _, c := range calls {
		if slices.Contains(skip, c.Name) {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				_, _ = io.WriteString(w, `{}`)
			}))
			t.Cleanup(srv.Close)
			done := make(chan error, 1)
			go func() {
				defer func() {
					if p := recover(); p != nil {
						done <- fmt.Errorf("panic: %v", p)
					}
				}()
				//nolint:staticcheck // a nil context is the input under test
				done <- c.Do(nil, srv.URL)
			}()
			select {
			case err := <-done:
				if !errors.Is(err, core.ErrNilContext) {
					t.Errorf("%s with a nil context: got %v, want an error wrapping %q", c.Name, err, core.ErrNilContext)
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("%s with a nil context did not return", c.Name)
			}
			if n := hits.Load(); n != 0 {
				t.Errorf("%s with a nil context sent %d requests", c.Name, n)
			}
		})
	}
}

// CheckWriteDocs fails t unless the doc comment of every write in calls,
// found among the Go files of dir (tests excluded), says it is "sent once":
// the rule is stated where the call is made.
func CheckWriteDocs(t *testing.T, dir string, calls []Call) {
	t.Helper()
	docs, err := methodDocs(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range calls {
		if c.Kind != core.Write {
			continue
		}
		doc, ok := docs[c.Name]
		if !ok {
			t.Errorf("%s: no declaration found in %s", c.Name, dir)
			continue
		}
		if !strings.Contains(strings.Join(strings.Fields(doc), " "), "sent once") {
			t.Errorf("%s is a write, but its documentation does not say it is sent once (and what to check after an error):\n%s", c.Name, doc)
		}
	}
}

// methodDocs maps "Type.Method" to the doc comment of each method declared
// in the non-test Go files of dir.
func methodDocs(dir string) (map[string]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	docs := map[string]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 {
				continue
			}
			recv := fd.Recv.List[0].Type
			if st, ok := recv.(*ast.StarExpr); ok {
				recv = st.X
			}
			id, ok := recv.(*ast.Ident)
			if !ok {
				continue
			}
			docs[id.Name+"."+fd.Name.Name] = fd.Doc.Text()
		}
	}
	return docs, nil
}

// OneConnectionClient returns an *http.Client like the SDK's own (a clone
// of http.DefaultTransport) that holds at most one connection per host, for
// tests that count TCP connections to prove reuse. Without the cap a call
// made just as the previous answer's body reaches EOF may dial a second
// connection before net/http has put the first back in its pool (it does
// so on another goroutine); with it the call waits for that connection,
// while one that cannot be reused (a body not read to the end) is still
// closed and replaced, and so counted.
func OneConnectionClient() *http.Client {
	hc := core.NewHTTPClient()
	hc.Transport.(*http.Transport).MaxConnsPerHost = 1
	return hc
}
