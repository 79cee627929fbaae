package crosstest

import (
	"go/ast"
	"go/parser"
	"go/printer"
	gotoken "go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// api is the exported surface of one package, read from its source: the
// signature of every exported function and method (as "Name(params)
// results", parameter names dropped), and its exported type names.
type api struct {
	funcs   map[string]string // "Name" or "Recv.Name" -> signature
	types   map[string]ast.Expr
	vars    map[string]bool
	sources map[string]string // name -> file, for messages
}

func readAPI(t *testing.T, dir string) api {
	t.Helper()
	fset := gotoken.NewFileSet()
	a := api{funcs: map[string]string{}, types: map[string]ast.Expr{}, vars: map[string]bool{}, sources: map[string]string{}}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				key := d.Name.Name
				if d.Recv != nil && len(d.Recv.List) == 1 {
					recv := d.Recv.List[0].Type
					if st, ok := recv.(*ast.StarExpr); ok {
						recv = st.X
					}
					if ix, ok := recv.(*ast.IndexExpr); ok {
						recv = ix.X
					}
					id, ok := recv.(*ast.Ident)
					if !ok || !id.IsExported() {
						continue
					}
					key = id.Name + "." + key
				}
				a.funcs[key] = signature(fset, d.Name.Name, d.Type)
				a.sources[key] = name
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							a.types[s.Name.Name] = s.Type
							a.sources[s.Name.Name] = name
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								a.vars[n.Name] = true
							}
						}
					}
				}
			}
		}
	}
	return a
}

// signature prints a function type without parameter names.
func signature(fset *gotoken.FileSet, name string, ft *ast.FuncType) string {
	var b strings.Builder
	b.WriteString(name)
	b.WriteString("(")
	b.WriteString(fieldTypes(fset, ft.Params))
	b.WriteString(")")
	if r := fieldTypes(fset, ft.Results); r != "" {
		b.WriteString(" (" + r + ")")
	}
	return b.String()
}

func fieldTypes(fset *gotoken.FileSet, fl *ast.FieldList) string {
	if fl == nil {
		return ""
	}
	var parts []string
	for _, f := range fl.List {
		var tb strings.Builder
		_ = printer.Fprint(&tb, fset, f.Type)
		n := max(len(f.Names), 1)
		for range n {
			parts = append(parts, tb.String())
		}
	}
	return strings.Join(parts, ", ")
}

var providers = []string{"onapp", "erigones", "unitrends", "cloudbackup"}

func providerDir(p string) string { return filepath.Join("..", "..", p) }

// TestConventions checks the conventions table of README ("What every
// package shares") against the source of the four packages: where a
// concept exists, it has the one name and signature.
func TestConventions(t *testing.T) {
	t.Parallel()
	common := map[string]string{
		"Client.BaseURL":     "BaseURL() (string)",
		"WithHTTPClient":     "WithHTTPClient(*http.Client) (Option)",
		"WithRetryPolicy":    "WithRetryPolicy(RetryPolicy) (Option)",
		"WithLogger":         "WithLogger(*slog.Logger) (Option)",
		"WithUserAgent":      "WithUserAgent(string) (Option)",
		"WithResponseInfo":   "WithResponseInfo(context.Context, *ResponseInfo) (context.Context)",
		"IsNotFound":         "IsNotFound(error) (bool)",
		"IsUnauthorized":     "IsUnauthorized(error) (bool)",
		"IsForbidden":        "IsForbidden(error) (bool)",
		"IsRateLimited":      "IsRateLimited(error) (bool)",
		"IsConflict":         "IsConflict(error) (bool)",
		"IsValidation":       "IsValidation(error) (bool)",
		"HasStatus":          "HasStatus(error, ...int) (bool)",
		"DefaultRetryPolicy": "DefaultRetryPolicy() (RetryPolicy)",
	}
	// Where the concept exists, this is its signature.
	ifPresent := map[string]string{
		"WithPassword":           "WithPassword(string, string) (Option)",
		"WithAPIKey":             "WithAPIKey(string) (Option)",
		"WithToken":              "WithToken(string) (Option)",
		"WithAccessKey":          "WithAccessKey(string, string) (Option)",
		"WithTemporaryAccessKey": "WithTemporaryAccessKey(string, string, string) (Option)",
		"WithWaitBackoff":        "WithWaitBackoff(Backoff) (Option)",
		"WaitBackoff":            "WaitBackoff(Backoff) (WaitOption)",
		"WaitProgress":           "WaitProgress(func(Progress)) (WaitOption)",
		"ExponentialBackoff":     "ExponentialBackoff(time.Duration, time.Duration) (Backoff)",
		"ScheduleBackoff":        "ScheduleBackoff(...time.Duration) (Backoff)",
	}
	// Names of the dialects the table retired.
	retired := []string{"WithBasicAuth", "WithLogin", "WithCredentials", "WithAKSK", "WithTemporaryAKSK",
		"WithPollSchedule", "Ptr", "Client.Endpoint", "BackupsService.EditNote", "BackupsService.Query"}
	optionsName := regexp.MustCompile(`^(List|Get|Create|Restore|Delete|Update|Cancel|Convert|Wait)[A-Z][A-Za-z]*Options$`)
	for _, p := range providers {
		a := readAPI(t, providerDir(p))
		for name, want := range common {
			assert.Equal(t, want, a.funcs[name], "%s.%s", p, name)
		}
		for name, want := range ifPresent {
			if got, ok := a.funcs[name]; ok {
				assert.Equal(t, want, got, "%s.%s", p, name)
			}
		}
		for _, name := range retired {
			_, isFunc := a.funcs[name]
			assert.False(t, isFunc, "%s still has %s", p, name)
		}
		assert.Contains(t, a.funcs, "NewClient", p)
		assert.True(t, strings.HasPrefix(a.funcs["NewClient"], "NewClient(string, "), "%s: %s", p, a.funcs["NewClient"])
		assert.True(t, strings.HasSuffix(a.funcs["NewClient"], "...Option) (*Client, error)"), "%s: %s", p, a.funcs["NewClient"])
		for _, alias := range []string{"RawJSON", "ResponseInfo", "APIError", "DecodeError", "RetryPolicy"} {
			assert.Contains(t, a.types, alias, "%s has no %s", p, alias)
		}
		_, waits := a.funcs["WaitBackoff"]
		if waits {
			for _, alias := range []string{"Backoff", "WaitOption", "Progress"} {
				assert.Contains(t, a.types, alias, "%s waits but has no %s", p, alias)
			}
			assert.True(t, a.vars["ErrWaitStopped"], "%s waits but has no ErrWaitStopped", p)
			assert.Contains(t, a.funcs, "WithWaitBackoff", p)
		}
		waitMethods := 0
		for name, sig := range a.funcs {
			if strings.HasSuffix(name, ".Wait") {
				waitMethods++
				assert.True(t, strings.HasPrefix(sig, "Wait(context.Context, ...WaitOption) ("), "%s.%s: %s", p, name, sig)
			}
			doesIO := strings.HasSuffix(sig, "error)") || strings.Contains(sig, "iter.Seq2[")
			if recv, method, ok := strings.Cut(name, "."); ok && strings.HasSuffix(recv, "Service") && doesIO {
				assert.True(t, strings.HasPrefix(sig, method+"(context.Context"), "%s.%s: a call takes a context first: %s", p, name, sig)
			}
			if strings.HasSuffix(name, ".All") {
				assert.Contains(t, sig, "iter.Seq2[", "%s.%s", p, name)
			}
			if !strings.HasSuffix(name, ".UnmarshalJSONFrom") && !strings.HasSuffix(name, ".MarshalJSONTo") {
				// Those two are json/v2's own interfaces; anything else
				// that names jsontext ties callers to the experiment.
				assert.NotContains(t, sig, "jsontext.", "%s.%s exposes the experimental module", p, name)
			}
		}
		if waits {
			assert.Positive(t, waitMethods, "%s has WaitBackoff but no Wait", p)
		}
		for name, typ := range a.types {
			if strings.HasSuffix(name, "Options") && !strings.HasPrefix(name, "Wait") {
				if _, isStruct := typ.(*ast.StructType); isStruct {
					assert.Regexp(t, optionsName, name, "%s.%s: options structs are <Verb><Noun>Options", p, name)
				}
			}
			assert.False(t, strings.HasSuffix(name, "Request") || strings.HasSuffix(name, "Query"), "%s.%s: an options struct is <Verb><Noun>Options", p, name)
			if st, ok := typ.(*ast.StructType); ok {
				for _, f := range st.Fields.List {
					var b strings.Builder
					_ = printer.Fprint(&b, gotoken.NewFileSet(), f.Type)
					exported := len(f.Names) == 0 || slices.ContainsFunc(f.Names, func(n *ast.Ident) bool { return n.IsExported() })
					if exported {
						assert.NotContains(t, b.String(), "jsontext.", "%s.%s exposes the experimental module in a field", p, name)
					}
				}
			}
		}
	}
}

// TestFakeConventions checks the one fake surface of the four <name>test
// packages.
func TestFakeConventions(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		"NewServer":          "NewServer(...Option) (*Server, error)",
		"NewTestServer":      "NewTestServer(testing.TB, ...Option) (*Server)",
		"Server.URL":         "URL() (string)",
		"Server.Close":       "Close()",
		"Server.HTTPClient":  "HTTPClient() (*http.Client)",
		"Server.InjectFault": "InjectFault(int, Fault)",
		"Server.ClearFaults": "ClearFaults()",
		"Server.Calls":       "Calls() ([]Call)",
		"Server.Logins":      "Logins() (int)",
	}
	for _, p := range providers {
		a := readAPI(t, filepath.Join(providerDir(p), p+"test"))
		for name, sig := range want {
			got := a.funcs[name]
			assert.Equal(t, sig, got, "%stest.%s", p, name)
		}
		add := a.funcs["Server.AddBackup"]
		assert.True(t, strings.HasSuffix(add, ", error)"), "%stest.Server.AddBackup returns the new ID and an error: %s", p, add)
		assert.Contains(t, a.types, "Call", p)
	}
}
