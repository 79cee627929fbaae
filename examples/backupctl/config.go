package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// configError is a -config file that cannot be used: unreadable, not
// JSON, or an account that is wrong. Nothing was contacted; backupctl
// exits 2.
type configError struct{ msg string }

// Error returns the message, which names the file, the account and the
// field.
func (e configError) Error() string { return e.msg }

// fleet is the -config file, read: every account it lists, in its order.
type fleet struct {
	// path is the file as given on the command line.
	path     string
	accounts []*account
}

// configHelp documents the -config file, for the -h text of backupctl.
const configHelp = `Accounts file (-config FILE): a JSON object with an "accounts" array; each
account has a "name" (unique, no commas), a "provider" (onapp, erigones,
unitrends or cloudbackup), its "url" (CBR: "url" or "endpoint") and the
fields of its provider:
  onapp        user, and password or api_key
  erigones     api_key, or user and password; dc (optional)
  unitrends    user, password; ca_file or insecure (true); time_zone
  cloudbackup  project_id and one of: token; access_key and secret_key;
               iam_endpoint, user, password and domain
A credential (password, api_key, token, access_key, secret_key) is a string,
or better {"env": "VAR"} (read from the environment) or {"file": "PATH"}
(read from a file; a final newline is dropped). Relative paths are relative
to the accounts file. Unknown fields, fields of another provider, duplicate
names and missing credentials are errors (exit 2). backupctl warns when the
file holds inline credentials and others may read it (chmod 600 it).
Example:
  {"accounts": [
    {"name": "eu-cloud", "provider": "onapp", "url": "https://cp.eu.example.com",
     "user": "admin", "password": {"env": "EU_ONAPP_PASSWORD"}},
    {"name": "nyc-ueb", "provider": "unitrends", "url": "https://ueb.nyc.example.com",
     "user": "root", "password": {"file": "/etc/backupctl/nyc-ueb.pw"},
     "ca_file": "nyc-ueb.pem", "time_zone": "America/New_York"},
    {"name": "cbr-sg", "provider": "cloudbackup",
     "endpoint": "https://cbr.ap-southeast-1.myhuaweicloud.com",
     "project_id": "0605767b5780d5762fc5c0118072a564",
     "access_key": {"env": "SG_AK"}, "secret_key": {"env": "SG_SK"}}
  ]}`

// configFields are the fields an account may have, by provider; "name",
// "provider", "url" and "endpoint" are allowed for all.
var configFields = map[string][]string{
	providerOnApp:       {"user", "password", "api_key"},
	providerErigones:    {"api_key", "user", "password", "dc"},
	providerUnitrends:   {"user", "password", "ca_file", "insecure", "time_zone"},
	providerCloudBackup: {"project_id", "token", "access_key", "secret_key", "iam_endpoint", "user", "password", "domain"},
}

// commonFields are the fields of every account.
var commonFields = []string{"name", "provider", "url", "endpoint"}

// accountJSON is one account as the file writes it.
type accountJSON struct {
	Name        string      `json:"name"`
	Provider    string      `json:"provider"`
	URL         string      `json:"url"`
	Endpoint    string      `json:"endpoint"`
	User        string      `json:"user"`
	Password    *secretSpec `json:"password"`
	APIKey      *secretSpec `json:"api_key"`
	DC          string      `json:"dc"`
	CAFile      string      `json:"ca_file"`
	Insecure    bool        `json:"insecure"`
	TimeZone    string      `json:"time_zone"`
	ProjectID   string      `json:"project_id"`
	Token       *secretSpec `json:"token"`
	AccessKey   *secretSpec `json:"access_key"`
	SecretKey   *secretSpec `json:"secret_key"`
	IAMEndpoint string      `json:"iam_endpoint"`
	Domain      string      `json:"domain"`
}

// secretSpec is a credential in the file: inline text, or where to read it.
type secretSpec struct {
	inline string
	env    string
	file   string
}

// UnmarshalJSON reads "text", {"env": "VAR"} or {"file": "PATH"}.
func (s *secretSpec) UnmarshalJSON(data []byte) error {
	v := jsontext.Value(data)
	switch v.Kind() {
	case '"':
		return json.Unmarshal(data, &s.inline)
	case '{':
		var src struct {
			Env  *string `json:"env"`
			File *string `json:"file"`
		}
		if err := json.Unmarshal(data, &src, json.RejectUnknownMembers(true)); err != nil {
			return errors.New(`want a string, {"env": "VAR"} or {"file": "PATH"}`)
		}
		switch {
		case src.Env != nil && src.File != nil:
			return errors.New(`give {"env": "VAR"} or {"file": "PATH"}, not both`)
		case src.Env != nil:
			if strings.TrimSpace(*src.Env) == "" {
				return errors.New(`{"env": …} names no variable`)
			}
			s.env = *src.Env
		case src.File != nil:
			if strings.TrimSpace(*src.File) == "" {
				return errors.New(`{"file": …} names no file`)
			}
			s.file = *src.File
		default:
			return errors.New(`want {"env": "VAR"} or {"file": "PATH"}`)
		}
		return nil
	}
	return errors.New(`want a string, {"env": "VAR"} or {"file": "PATH"}`)
}

// loadFleet reads the -config file at path: the accounts, validated, with
// their credentials resolved (variables read with getenv, files read now).
// warn receives the permission warnings. Every problem is a configError.
func loadFleet(path string, getenv func(string) string, warn func(format string, args ...any)) (*fleet, error) {
	fail := func(format string, args ...any) error {
		return configError{"config " + path + ": " + fmt.Sprintf(format, args...)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		var perr *fs.PathError
		if errors.As(err, &perr) {
			err = perr.Err
		}
		return nil, fail("cannot read it: %v", err)
	}
	var file struct {
		Accounts []jsontext.Value `json:"accounts"`
	}
	if err := json.Unmarshal(data, &file, json.RejectUnknownMembers(true)); err != nil {
		return nil, fail("%s", jsonProblem(data, err))
	}
	if len(file.Accounts) == 0 {
		return nil, fail(`no accounts: want {"accounts": [{"name": …, "provider": …, "url": …, credentials …}, …]}`)
	}
	dir := filepath.Dir(path)
	f := &fleet{path: path}
	seen := map[string]int{}
	var inline []string
	for i, raw := range file.Accounts {
		where := fmt.Sprintf("accounts[%d]", i)
		a, hasInline, err := parseAccount(raw, where, dir, getenv, warn)
		if err != nil {
			return nil, fail("%v", err)
		}
		if j, dup := seen[a.Name]; dup {
			return nil, fail("account %q (%s): the name is already used by accounts[%d]; names must be unique", a.Name, where, j)
		}
		seen[a.Name] = i
		a.configPath = path
		f.accounts = append(f.accounts, a)
		if hasInline {
			inline = append(inline, a.Name)
		}
	}
	if len(inline) > 0 {
		if mode, open := readableByOthers(path); open {
			warn("warning: %s holds inline credentials (accounts %s) and others may read it (mode %04o): chmod 600 %s, or give them as {\"env\": \"VAR\"} or {\"file\": \"PATH\"}",
				path, strings.Join(inline, ", "), mode, path)
		}
	}
	return f, nil
}

// jsonProblem renders an error reading the file's JSON: where (line and
// member) and what went wrong.
func jsonProblem(data []byte, err error) string {
	line := func(offset int64) int {
		offset = min(max(offset, 0), int64(len(data)))
		return 1 + bytes.Count(data[:offset], []byte("\n"))
	}
	var (
		serr   *json.SemanticError
		synErr *jsontext.SyntacticError
	)
	switch {
	case errors.As(err, &synErr):
		msg := fmt.Sprintf("line %d: not valid JSON: %v", line(synErr.ByteOffset), synErr.Err)
		if synErr.JSONPointer != "" {
			msg += " (at " + string(synErr.JSONPointer) + ")"
		}
		return msg
	case errors.As(err, &serr) && errors.Is(serr.Err, json.ErrUnknownName):
		return fmt.Sprintf(`line %d: unknown field %q: the file is {"accounts": [...]}`, line(serr.ByteOffset), serr.JSONPointer.LastToken())
	case errors.As(err, &serr):
		return fmt.Sprintf("line %d: %s: a JSON %s does not belong there", line(serr.ByteOffset), cmp.Or(string(serr.JSONPointer), "the file"), kindName(serr.JSONKind))
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// kindName names a kind of JSON value in messages.
func kindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "value"
}

// readableByOthers reports whether users other than the owner may read the
// file, and its permission bits. Windows files have no such bits.
func readableByOthers(path string) (fs.FileMode, bool) {
	if runtime.GOOS == "windows" {
		return 0, false
	}
	fi, err := os.Stat(path)
	if err != nil {
		return 0, false
	}
	return fi.Mode().Perm(), fi.Mode().Perm()&0o044 != 0
}

// parseAccount reads and checks one account of the file. where locates it
// ("accounts[2]") until its name is known; dir resolves relative paths. It
// reports whether the account holds credentials inline.
func parseAccount(raw jsontext.Value, where, dir string, getenv func(string) string, warn func(string, ...any)) (*account, bool, error) {
	var members map[string]jsontext.Value
	if err := json.Unmarshal(raw, &members); err != nil {
		return nil, false, fmt.Errorf("%s: want an object with name, provider, url and credentials", where)
	}
	// Name and provider first, so that later messages can use them.
	var head struct {
		Name     *string `json:"name"`
		Provider *string `json:"provider"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, false, fmt.Errorf("%s: name and provider must be strings", where)
	}
	if head.Name == nil || strings.TrimSpace(*head.Name) == "" {
		return nil, false, fmt.Errorf("%s: no name: give each account a unique name", where)
	}
	name := *head.Name
	if strings.ContainsRune(name, ',') || strings.IndexFunc(name, unicode.IsControl) >= 0 || strings.TrimSpace(name) != name {
		return nil, false, fmt.Errorf("%s: name %q: no commas, control characters or surrounding spaces", where, name)
	}
	label := fmt.Sprintf("account %q", name)
	if head.Provider == nil || *head.Provider == "" {
		return nil, false, fmt.Errorf("%s: no provider: want one of %s", label, strings.Join(providers[:], ", "))
	}
	provider := *head.Provider
	allowed, ok := configFields[provider]
	if !ok {
		return nil, false, fmt.Errorf("%s: unknown provider %q: want one of %s", label, provider, strings.Join(providers[:], ", "))
	}
	label += " (" + provider + ")"
	keys := make([]string, 0, len(members))
	for k := range members {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if slices.Contains(commonFields, k) || slices.Contains(allowed, k) {
			continue
		}
		for p, fields := range configFields {
			if slices.Contains(fields, k) {
				return nil, false, fmt.Errorf("%s: field %q does not apply to %s accounts (it is for %s); the fields are %s", label, k, provider, p, fieldList(provider))
			}
		}
		return nil, false, fmt.Errorf("%s: unknown field %q; the fields are %s", label, k, fieldList(provider))
	}
	var j accountJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		var serr *json.SemanticError
		if errors.As(err, &serr) && serr.JSONPointer != "" {
			field := strings.TrimPrefix(string(serr.JSONPointer), "/")
			switch {
			case serr.Err != nil:
				return nil, false, fmt.Errorf("%s: %s: %v", label, field, serr.Err)
			case serr.GoType != nil && serr.GoType.Kind() == reflect.Bool:
				return nil, false, fmt.Errorf("%s: %s: want true or false, not a JSON %s", label, field, kindName(serr.JSONKind))
			default:
				return nil, false, fmt.Errorf("%s: %s: want a string, not a JSON %s", label, field, kindName(serr.JSONKind))
			}
		}
		return nil, false, fmt.Errorf("%s: %v", label, err)
	}

	a := &account{Name: name, Provider: provider, User: strings.TrimSpace(j.User), DC: strings.TrimSpace(j.DC),
		Insecure: j.Insecure, TimeZone: strings.TrimSpace(j.TimeZone), ProjectID: strings.TrimSpace(j.ProjectID),
		IAMEndpoint: strings.TrimSpace(j.IAMEndpoint), Domain: strings.TrimSpace(j.Domain)}
	switch u, e := strings.TrimSpace(j.URL), strings.TrimSpace(j.Endpoint); {
	case u != "" && e != "":
		return nil, false, fmt.Errorf("%s: give url or endpoint, not both", label)
	case u == "" && e == "":
		return nil, false, fmt.Errorf("%s: no url: give the %s", label, urlWhat(provider))
	default:
		a.URL = u + e
	}
	if err := checkURL(a.URL); err != nil {
		return nil, false, fmt.Errorf("%s: url: %v", label, err)
	}
	if a.IAMEndpoint != "" {
		if err := checkURL(a.IAMEndpoint); err != nil {
			return nil, false, fmt.Errorf("%s: iam_endpoint: %v", label, err)
		}
	}
	if j.CAFile != "" {
		a.CAFile = resolvePath(dir, j.CAFile)
	}

	// Credentials: read each from where the file says.
	inline := false
	var accessKey secret
	for _, sc := range []struct {
		field string
		spec  *secretSpec
		dst   *secret
	}{
		{"password", j.Password, &a.Password},
		{"api_key", j.APIKey, &a.APIKey},
		{"token", j.Token, &a.Token},
		{"access_key", j.AccessKey, &accessKey},
		{"secret_key", j.SecretKey, &a.SecretKey},
	} {
		if sc.spec == nil {
			continue
		}
		v, isInline, err := sc.spec.resolve(dir, getenv)
		if err != nil {
			return nil, false, fmt.Errorf("%s: %s: %v", label, sc.field, err)
		}
		if sc.spec.file != "" {
			p := resolvePath(dir, sc.spec.file)
			if mode, open := readableByOthers(p); open {
				warn("warning: %s: the %s file %s may be read by others (mode %04o): chmod 600 it", label, sc.field, p, mode)
			}
		}
		// An access key names the key pair; the secret key is the secret.
		if isInline && sc.field != "access_key" {
			inline = true
		}
		*sc.dst = v
	}
	a.AccessKey = accessKey.reveal()

	if err := checkCredentials(a, label); err != nil {
		return nil, false, err
	}
	return a, inline, nil
}

// resolve returns the credential: the inline text, the variable's value or
// the file's content without its final line break. isInline reports the
// first case.
func (s *secretSpec) resolve(dir string, getenv func(string) string) (v secret, isInline bool, err error) {
	switch {
	case s.env != "":
		val := getenv(s.env)
		if val == "" {
			return "", false, fmt.Errorf("the environment variable %s is not set (or empty)", s.env)
		}
		return secret(val), false, nil
	case s.file != "":
		p := resolvePath(dir, s.file)
		data, err := os.ReadFile(p)
		if err != nil {
			var perr *fs.PathError
			if errors.As(err, &perr) {
				err = perr.Err
			}
			return "", false, fmt.Errorf("cannot read %s: %v", p, err)
		}
		val := strings.TrimRight(string(data), "\r\n")
		if val == "" {
			return "", false, fmt.Errorf("%s is empty", p)
		}
		return secret(val), false, nil
	}
	if s.inline == "" {
		return "", false, errors.New(`empty: give the credential, {"env": "VAR"} or {"file": "PATH"}`)
	}
	return secret(s.inline), true, nil
}

// checkCredentials checks that an account from the file has the one kind of
// credentials its provider needs, and the settings that go with them.
func checkCredentials(a *account, label string) error {
	switch a.Provider {
	case providerOnApp:
		switch {
		case a.User == "":
			return fmt.Errorf("%s: no user: give user, and password or api_key", label)
		case a.Password == "" && a.APIKey == "":
			return fmt.Errorf("%s: no credential: give password or api_key", label)
		case a.Password != "" && a.APIKey != "":
			return fmt.Errorf("%s: give password or api_key, not both", label)
		}
	case providerErigones:
		switch {
		case a.APIKey != "" && (a.User != "" || a.Password != ""):
			return fmt.Errorf("%s: give api_key, or user and password, not both", label)
		case a.APIKey == "" && a.User == "" && a.Password == "":
			return fmt.Errorf("%s: no credential: give api_key, or user and password", label)
		case a.APIKey == "" && a.Password == "":
			return fmt.Errorf("%s: no password: give password with user (or api_key instead)", label)
		case a.APIKey == "" && a.User == "":
			return fmt.Errorf("%s: no user: give user with password (or api_key instead)", label)
		}
	case providerUnitrends:
		switch {
		case a.User == "":
			return fmt.Errorf("%s: no user: give user and password", label)
		case a.Password == "":
			return fmt.Errorf("%s: no password: give user and password", label)
		case a.CAFile != "" && a.Insecure:
			return fmt.Errorf("%s: give ca_file or insecure, not both", label)
		}
		if a.TimeZone != "" {
			if _, err := time.LoadLocation(a.TimeZone); err != nil {
				return fmt.Errorf("%s: time_zone %q: not a time zone (want an IANA name such as America/New_York)", label, a.TimeZone)
			}
		}
	case providerCloudBackup:
		if a.ProjectID == "" {
			return fmt.Errorf("%s: no project_id: give the project the endpoint serves", label)
		}
		kinds := 0
		if a.Token != "" {
			kinds++
		}
		if a.AccessKey != "" || a.SecretKey != "" {
			kinds++
			if a.AccessKey == "" || a.SecretKey == "" {
				return fmt.Errorf("%s: access_key and secret_key go together: give both", label)
			}
		}
		if a.IAMEndpoint != "" || a.User != "" || a.Password != "" || a.Domain != "" {
			kinds++
			if a.IAMEndpoint == "" || a.User == "" || a.Password == "" || a.Domain == "" {
				return fmt.Errorf("%s: an IAM login needs all of iam_endpoint, user, password and domain", label)
			}
		}
		switch kinds {
		case 0:
			return fmt.Errorf("%s: no credential: give token; access_key and secret_key; or iam_endpoint, user, password and domain", label)
		case 1:
		default:
			return fmt.Errorf("%s: give one kind of credentials (token; access_key and secret_key; or an IAM login), not several", label)
		}
	}
	return nil
}

// fieldList lists the fields of a provider's accounts, for messages.
func fieldList(provider string) string {
	return strings.Join(append(slices.Clone(commonFields), configFields[provider]...), ", ")
}

// urlWhat says what the url of a provider's account is.
func urlWhat(provider string) string {
	switch provider {
	case providerOnApp:
		return "control panel's URL, such as https://cp.example.com"
	case providerErigones:
		return "server's root URL, such as https://my.erigones.com"
	case providerUnitrends:
		return "appliance's URL, such as https://ueb.example.com"
	}
	return "CBR endpoint, such as https://cbr.ap-southeast-1.myhuaweicloud.com"
}

// checkURL rejects what cannot be an API root: no http(s) scheme, no host,
// credentials in it.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	// A URL with an @ may hold a password, its query or fragment an API
	// key: such a URL is named by its scheme and host only, or not at all.
	show := strconv.Quote(raw)
	if strings.ContainsAny(raw, "@?#") {
		show = "the URL"
		if err == nil && u.Host != "" {
			show = strconv.Quote(u.Scheme + "://" + u.Host)
		}
	}
	switch {
	case err != nil:
		return fmt.Errorf("%s is not a URL", show)
	case u.User != nil:
		return errors.New("holds credentials: give them in their own fields")
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%s: want an http:// or https:// URL", show)
	case u.Host == "":
		return fmt.Errorf("%s: no host", show)
	}
	return nil
}

// resolvePath makes a path of the file relative to the file's directory.
func resolvePath(dir, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// selectAccounts returns the accounts named in names (comma-separated, "" for
// all), in the file's order. An unknown name is a usage error.
func (f *fleet) selectAccounts(names string) ([]*account, error) {
	if names == "" {
		return f.accounts, nil
	}
	want := map[string]bool{}
	for _, n := range strings.Split(names, ",") {
		if n = strings.TrimSpace(n); n != "" {
			if f.byName(n) == nil {
				return nil, usagef("-account %q: %s lists no such account (it has %s)", n, f.path, f.names(""))
			}
			want[n] = true
		}
	}
	var out []*account
	for _, a := range f.accounts {
		if want[a.Name] {
			out = append(out, a)
		}
	}
	return out, nil
}

// pick returns the account a provider command works on: the one named by
// -account, else the file's only account of that provider.
func (f *fleet) pick(provider, name string) (*account, error) {
	if name != "" {
		if strings.Contains(name, ",") {
			return nil, usagef("-account %q: a %s command works on one account", name, provider)
		}
		a := f.byName(name)
		switch {
		case a == nil:
			return nil, usagef("-account %q: %s lists no such account (it has %s)", name, f.path, f.names(""))
		case a.Provider != provider:
			return nil, usagef("-account %q is a %s account, not %s", name, a.Provider, provider)
		}
		return a, nil
	}
	var found []*account
	for _, a := range f.accounts {
		if a.Provider == provider {
			found = append(found, a)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, usagef("%s lists no %s account", f.path, provider)
	}
	return nil, usagef("%s lists %d %s accounts (%s): pick one with -account NAME", f.path, len(found), provider, f.names(provider))
}

// byName returns the account called name, or nil.
func (f *fleet) byName(name string) *account {
	for _, a := range f.accounts {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// names lists the names of the accounts (of provider, or all for "").
func (f *fleet) names(provider string) string {
	var n []string
	for _, a := range f.accounts {
		if provider == "" || a.Provider == provider {
			n = append(n, a.Name)
		}
	}
	return strings.Join(n, ", ")
}
