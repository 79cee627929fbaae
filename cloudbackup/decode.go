package cloudbackup

// The backup list is the one answer that can be large (1000 backups a
// page, pages by the hundred), so its types decode themselves without
// reflection, intermediate maps or a second decoding of an envelope:
// encoding/json/v2 hands them its decoder, jsontext checks the syntax of
// the value in one fast scan (Decoder.ReadValue), and a scanner that only
// has to find where names and values end reads the checked bytes into the
// fields. Enumerations are matched against their constants without
// allocating, ids repeated across a page (project, vault, resource, zone)
// are interned per page, and CBR's time layout is parsed without
// time.Parse's error allocations. Every other shape goes through the
// tolerant codec types, so the results are theirs.

import (
	"bytes"
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
)

const (
	// maxInterned bounds the per-page intern table.
	maxInterned = 4096
	// maxInternLen is the longest string worth interning.
	maxInternLen = 64
)

// decoder reads the backup types from the raw bytes of one JSON value that
// jsontext has already validated (Decoder.ReadValue checks the syntax in a
// fast scan), so it never meets a syntax error: it only has to find the
// boundaries of names and values, which it does with bytes.IndexByte.
type decoder struct {
	data   []byte
	pos    int
	intern map[string]string // nil: no interning
	nbuf   []byte            // unquoted member names
	lbuf   []byte            // lower-cased member names
	sbuf   []byte            // unquoted string values

	// listMax bounds the items of a page's list (0: none).
	listMax int
}

// newDecoder reads the next value of dec (checking its syntax) for a decoder.
func newDecoder(dec *jsontext.Decoder, intern bool) (*decoder, error) {
	raw, err := dec.ReadValue()
	if err != nil {
		return nil, err
	}
	d := &decoder{data: raw}
	if intern {
		d.intern = make(map[string]string, 64)
	}
	return d, nil
}

// UnmarshalJSONFrom decodes a list answer, {"backups": [...], "count": n},
// in one pass (encoding/json/v2 calls it).
func (p *BackupPage) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	d, err := newDecoder(dec, p.intern == nil)
	if err != nil {
		return err
	}
	if p.intern != nil {
		d.intern = p.intern // a walk shares one table across its pages
	}
	return d.page(p)
}

// UnmarshalJSONFrom decodes one backup tolerantly (encoding/json/v2 calls it).
func (b *Backup) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	d, err := newDecoder(dec, false)
	if err != nil {
		return err
	}
	*b = Backup{}
	ok, err := d.openObject(true, "backup")
	if err != nil || !ok {
		return err
	}
	return d.backupMembers(b)
}

// UnmarshalJSONFrom decodes extend_info tolerantly (encoding/json/v2 calls it).
func (e *BackupExtendInfo) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	d, err := newDecoder(dec, false)
	if err != nil {
		return err
	}
	*e = BackupExtendInfo{}
	return d.extendInfo(e)
}

// UnmarshalJSONFrom decodes a replication record tolerantly (encoding/json/v2 calls it).
func (r *ReplicationRecord) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	d, err := newDecoder(dec, false)
	if err != nil {
		return err
	}
	*r = ReplicationRecord{}
	return d.replication(r)
}

// UnmarshalJSONFrom decodes app_consistency tolerantly (encoding/json/v2 calls it).
func (a *AppConsistency) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	d, err := newDecoder(dec, false)
	if err != nil {
		return err
	}
	*a = AppConsistency{}
	return d.appConsistency(a)
}

// UnmarshalJSONFrom decodes an image entry, given as an object or as a
// bare id string (encoding/json/v2 calls it).
func (i *ImageData) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	d, err := newDecoder(dec, false)
	if err != nil {
		return err
	}
	*i = ImageData{}
	return d.imageData(i)
}

// pathError locates a value that could not be read, as a JSON pointer.
type pathError struct {
	path string
	err  error
}

// Error reads like "at /backups/3/resource_size: cannot read ...".
func (e *pathError) Error() string { return "at " + e.path + ": " + e.err.Error() }

// Unwrap returns the error of the value.
func (e *pathError) Unwrap() error { return e.err }

// at prefixes the location of err with one more JSON pointer segment.
func at(segment string, err error) error {
	if le, ok := err.(*codec.LimitError); ok {
		le.Path = "/" + segment + le.Path
		return le
	}
	if pe, ok := err.(*pathError); ok {
		pe.path = "/" + segment + pe.path
		return pe
	}
	return &pathError{path: "/" + segment, err: err}
}

// next returns the first byte of the next token, 0 at the end. Outside
// strings, the only bytes up to ' ' in valid JSON are whitespace.
func (d *decoder) next() byte {
	for d.pos < len(d.data) {
		if c := d.data[d.pos]; c > ' ' {
			return c
		}
		d.pos++
	}
	return 0
}

// value returns the raw bytes of the next value and moves past them.
func (d *decoder) value() []byte {
	c := d.next()
	start := d.pos
	switch c {
	case 0:
		return nil
	case '"':
		d.pos = endOfString(d.data, d.pos)
	case '{', '[':
		d.pos = endOfComposite(d.data, d.pos)
	default:
		d.pos = endOfScalar(d.data, d.pos)
	}
	return d.data[start:d.pos]
}

// endOfString returns the index after the string starting at b[i] == '"'.
func endOfString(b []byte, i int) int {
	i++
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return len(b)
		}
		i += j
		n := 0
		for k := i - 1; b[k] == '\\'; k-- {
			n++
		}
		i++
		if n%2 == 0 {
			return i
		}
	}
}

// endOfComposite returns the index after the object or array at b[i].
func endOfComposite(b []byte, i int) int {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			i = endOfString(b, i)
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				return i + 1
			}
		}
		i++
	}
	return len(b)
}

// endOfScalar returns the index after the number or literal at b[i].
func endOfScalar(b []byte, i int) int {
	for ; i < len(b); i++ {
		if c := b[i]; c <= ' ' || c == ',' || c == '}' || c == ']' {
			return i
		}
	}
	return i
}

// openObject consumes the start of an object and reports true. For null it
// reports false. Any other value is an error when strict, and is skipped
// (false) when not: a nested member of an unexpected shape is ignored
// rather than failing a whole page.
func (d *decoder) openObject(strict bool, what string) (bool, error) {
	switch c := d.next(); c {
	case '{':
		d.pos++
		return true, nil
	case 'n':
		d.value()
		return false, nil
	default:
		if strict {
			return false, fmt.Errorf("%s is %s, want an object", what, kindName(c))
		}
		d.value()
		return false, nil
	}
}

// openArray consumes the start of an array and reports true. null and (as
// in openObject when not strict) values of another kind give false.
func (d *decoder) openArray() bool {
	if d.next() == '[' {
		d.pos++
		return true
	}
	d.value()
	return false
}

// more moves to the next item of an array and reports whether there is
// one; at the end it consumes "]".
func (d *decoder) more() bool {
	switch d.next() {
	case ',':
		d.pos++
		return true
	case ']', 0:
		d.pos++
		return false
	}
	return true // the first item
}

func kindName(c byte) string {
	switch c {
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case '[':
		return "an array"
	case '{':
		return "an object"
	case 0:
		return "missing"
	}
	return "a number"
}

// name reads the next member name of an object and its colon, or
// consumes "}" and reports false. The bytes are valid until the next name.
func (d *decoder) name() ([]byte, bool) {
	c := d.next()
	if c == ',' {
		d.pos++
		c = d.next()
	}
	if c != '"' {
		d.pos++ // "}"
		return nil, false
	}
	start := d.pos
	d.pos = endOfString(d.data, start)
	raw := d.data[start+1 : d.pos-1]
	if bytes.IndexByte(raw, '\\') >= 0 {
		d.nbuf, _ = jsontext.AppendUnquote(d.nbuf[:0], d.data[start:d.pos])
		raw = d.nbuf
	}
	if d.next() == ':' {
		d.pos++
	}
	return raw, true
}

// lower returns name in ASCII lower case when that differs from name, for
// the case-insensitive second try at matching a member.
func (d *decoder) lower(name []byte) ([]byte, bool) {
	i := bytes.IndexFunc(name, func(r rune) bool { return 'A' <= r && r <= 'Z' })
	if i < 0 {
		return nil, false
	}
	d.lbuf = append(d.lbuf[:0], name...)
	for j := i; j < len(d.lbuf); j++ {
		if c := d.lbuf[j]; 'A' <= c && c <= 'Z' {
			d.lbuf[j] = c + 'a' - 'A'
		}
	}
	return d.lbuf, true
}

// field matches name with lookup, exactly first, then ignoring case.
func (d *decoder) field(name []byte, lookup func([]byte) int) int {
	if f := lookup(name); f != 0 {
		return f
	}
	if l, ok := d.lower(name); ok {
		return lookup(l)
	}
	return 0
}

// text turns a raw value into text: a string's contents (invalid UTF-8
// replaced), "" for null, and the JSON text of anything else.
func (d *decoder) text(v []byte, intern bool) string {
	if len(v) == 0 {
		return ""
	}
	switch v[0] {
	case '"':
		raw := v[1 : len(v)-1]
		if bytes.IndexByte(raw, '\\') >= 0 {
			d.sbuf, _ = jsontext.AppendUnquote(d.sbuf[:0], v) // invalid UTF-8 comes back replaced
			raw = d.sbuf
		} else if !utf8.Valid(raw) {
			return strings.ToValidUTF8(string(raw), "\uFFFD")
		}
		if len(raw) == 0 {
			return ""
		}
		if intern && d.intern != nil && len(raw) <= maxInternLen {
			if s, ok := d.intern[string(raw)]; ok {
				return s
			}
			s := string(raw)
			if len(d.intern) < maxInterned {
				d.intern[s] = s
			}
			return s
		}
		return string(raw)
	case 'n':
		return ""
	}
	if !utf8.Valid(v) { // an object or array as text
		return strings.ToValidUTF8(string(v), "\uFFFD")
	}
	return string(v)
}

// str reads a text field (see text).
func (d *decoder) str(intern bool) string {
	return d.text(d.value(), intern)
}

// enum reads a text field whose usual values are in table, returning the
// table's string (no allocation) when it matches.
func (d *decoder) enum(table []string) string {
	v := d.value()
	if len(v) >= 2 && v[0] == '"' {
		raw := v[1 : len(v)-1]
		for _, s := range table {
			if string(raw) == s {
				return s
			}
		}
	}
	return d.text(v, true)
}

// integer reads a tolerant Int.
func (d *decoder) integer(dst *Int) error {
	v := d.value()
	if n, ok := parseInt(v); ok {
		*dst = codec.NewInt(n)
		return nil
	}
	*dst = Int{}
	return dst.UnmarshalJSON(v)
}

// boolean reads a tolerant Bool.
func (d *decoder) boolean(dst *Bool) error {
	v := d.value()
	if len(v) > 0 {
		switch v[0] {
		case 't':
			*dst = codec.NewBool(true)
			return nil
		case 'f':
			*dst = codec.NewBool(false)
			return nil
		}
	}
	*dst = Bool{}
	return dst.UnmarshalJSON(v)
}

// timestamp reads a tolerant Time, parsing CBR's own layouts directly.
func (d *decoder) timestamp(dst *Time) error {
	v := d.value()
	if len(v) >= 2 && v[0] == '"' {
		if t, ok := parseCBRTime(v[1 : len(v)-1]); ok {
			*dst = codec.NewTime(t)
			return nil
		}
	}
	*dst = Time{}
	return dst.UnmarshalJSON(v)
}

// optString reads a tolerant String: a string's text, or a number's or a
// boolean's JSON text; null is absent.
func (d *decoder) optString(dst *String, intern bool) error {
	v := d.value()
	if len(v) > 0 {
		switch v[0] {
		case '"':
			*dst = codec.NewString(d.text(v, intern))
			return nil
		case 'n':
			*dst = String{}
			return nil
		}
	}
	*dst = String{}
	return dst.UnmarshalJSON(v)
}

// unknown keeps a member the type does not know.
func (d *decoder) unknown(m *map[string]RawJSON, name []byte) {
	key := strings.ToValidUTF8(string(name), "\uFFFD")
	v := d.value()
	if *m == nil {
		*m = make(map[string]RawJSON, 2)
	}
	(*m)[key] = keep(v)
}

// keep copies a raw value so that it can be written out again: one with
// duplicate member names or invalid UTF-8 (which reading tolerates) is
// normalized, the last duplicate winning.
func keep(v []byte) RawJSON {
	c := bytes.Clone(v)
	if jsontext.Value(c).IsValid() {
		return c
	}
	var x any
	if codec.UnmarshalJSON(v, &x) == nil {
		if b, err := codec.MarshalJSON(x); err == nil {
			return b
		}
	}
	return RawJSON("null")
}

// page reads {"backups": [...], "count": n}.
func (d *decoder) page(p *BackupPage) error {
	items := p.Backups[:0]
	p.Count, p.Offset, p.Limit = Int{}, Int{}, Int{}
	p.hasList, p.hasCount = false, false
	ok, err := d.openObject(true, "backup list")
	if err != nil {
		return err
	}
	for ok {
		name, more := d.name()
		if !more {
			break
		}
		switch d.field(name, pageField) {
		case pfBackups:
			// A page may not hold more than it asked for (the API's
			// largest page when it asked for none): checked before each
			// item is made, so that a page of a million "{}" costs no
			// more than a full page.
			p.hasList = true
			d.listMax = cmp.Or(p.capHint, maxPageSize)
			if c := d.next(); c != '[' && c != 'n' {
				return at("backups", fmt.Errorf("the list is %s, want an array", kindName(c)))
			}
			// Size the page once: by the total when it came first (CBR
			// sends it first), else by the limit the caller asked for.
			if n := sizeHint(int(p.Count.Int64), p.capHint); cap(items) == 0 && n > 0 {
				items = make([]Backup, 0, n)
			}
			if items, err = d.backupList(items[:0], true); err != nil {
				return at("backups", err)
			}
		case pfCount:
			var n Int
			if err := d.integer(&n); err != nil {
				return at("count", err)
			}
			p.Count = Int{Int64: max(min(n.Int64, 1<<31-1), 0), Valid: n.Valid}
			p.hasCount = n.Valid
		case pfOffset:
			if err := d.integer(&p.Offset); err != nil {
				return at("offset", err)
			}
		case pfLimit:
			if err := d.integer(&p.Limit); err != nil {
				return at("limit", err)
			}
		default:
			d.value()
		}
	}
	if items == nil {
		items = []Backup{}
	}
	p.Backups = items
	return nil
}

// sizeHint is the capacity for a page: the total seen so far, capped by
// the requested limit and the largest page.
func sizeHint(count, limit int) int {
	switch {
	case count > 0 && limit > 0:
		return min(count, limit, maxPageSize)
	case count > 0:
		return min(count, maxPageSize)
	}
	return min(limit, maxPageSize)
}

const (
	pfBackups = iota + 1
	pfCount
	pfOffset
	pfLimit
)

func pageField(name []byte) int {
	switch string(name) {
	case "backups":
		return pfBackups
	case "count":
		return pfCount
	case "offset":
		return pfOffset
	case "limit":
		return pfLimit
	}
	return 0
}

// backupList appends the backups of an array to dst, reusing its capacity.
// null items are skipped; in a top-level list (strict) an item of another
// kind is an error, in a nested one it is skipped.
func (d *decoder) backupList(dst []Backup, strict bool) ([]Backup, error) {
	if !d.openArray() {
		return dst, nil
	}
	for i := 0; d.more(); i++ {
		ok, err := d.openObject(strict, "backup")
		if err != nil {
			return dst, at(strconv.Itoa(i), err)
		}
		if !ok {
			continue
		}
		if strict && d.listMax > 0 && len(dst) >= d.listMax {
			return dst, &codec.LimitError{Bound: "list", Max: d.listMax}
		}
		n := len(dst)
		if n < cap(dst) {
			dst = dst[:n+1]
			dst[n] = Backup{}
		} else {
			dst = append(dst, Backup{})
		}
		if err := d.backupMembers(&dst[n]); err != nil {
			return dst, at(strconv.Itoa(i), err)
		}
	}
	return dst, nil
}

const (
	bfID = iota + 1
	bfName
	bfDescription
	bfStatus
	bfImageType
	bfCheckpointID
	bfParentID
	bfProjectID
	bfVaultID
	bfProviderID
	bfEnterpriseProjectID
	bfResourceID
	bfResourceName
	bfResourceType
	bfResourceAZ
	bfResourceSize
	bfCreatedAt
	bfUpdatedAt
	bfProtectedAt
	bfExpiredAt
	bfIncremental
	bfExtendInfo
	bfChildren
	bfReplicationRecords
)

func backupField(name []byte) int {
	switch string(name) {
	case "id":
		return bfID
	case "name":
		return bfName
	case "description":
		return bfDescription
	case "status":
		return bfStatus
	case "image_type":
		return bfImageType
	case "checkpoint_id":
		return bfCheckpointID
	case "parent_id":
		return bfParentID
	case "project_id":
		return bfProjectID
	case "vault_id":
		return bfVaultID
	case "provider_id":
		return bfProviderID
	case "enterprise_project_id":
		return bfEnterpriseProjectID
	case "resource_id":
		return bfResourceID
	case "resource_name":
		return bfResourceName
	case "resource_type":
		return bfResourceType
	case "resource_az":
		return bfResourceAZ
	case "resource_size":
		return bfResourceSize
	case "created_at":
		return bfCreatedAt
	case "updated_at":
		return bfUpdatedAt
	case "protected_at":
		return bfProtectedAt
	case "expired_at":
		return bfExpiredAt
	case "incremental":
		return bfIncremental
	case "extend_info":
		return bfExtendInfo
	case "children":
		return bfChildren
	case "replication_records":
		return bfReplicationRecords
	}
	return 0
}

// backupMembers reads the members of a backup object whose "{" has been
// consumed, up to and including its "}". b must be zero.
func (d *decoder) backupMembers(b *Backup) error {
	for {
		name, more := d.name()
		if !more {
			return nil
		}
		var err error
		switch d.field(name, backupField) {
		case bfID:
			b.ID = d.str(false)
		case bfName:
			b.Name = d.str(false)
		case bfDescription:
			b.Description = d.str(true)
		case bfStatus:
			b.Status = BackupStatus(d.enum(backupStatuses))
		case bfImageType:
			b.ImageType = ImageType(d.enum(imageTypes))
		case bfCheckpointID:
			b.CheckpointID = d.str(false)
		case bfParentID:
			b.ParentID = d.str(true)
		case bfProjectID:
			b.ProjectID = d.str(true)
		case bfVaultID:
			b.VaultID = d.str(true)
		case bfProviderID:
			b.ProviderID = d.str(true)
		case bfEnterpriseProjectID:
			err = d.optString(&b.EnterpriseProjectID, true)
		case bfResourceID:
			b.ResourceID = d.str(true)
		case bfResourceName:
			b.ResourceName = d.str(true)
		case bfResourceType:
			b.ResourceType = ResourceType(d.enum(resourceTypes))
		case bfResourceAZ:
			b.ResourceAZ = d.str(true)
		case bfResourceSize:
			err = d.integer(&b.ResourceSize)
		case bfCreatedAt:
			err = d.timestamp(&b.CreatedAt)
		case bfUpdatedAt:
			err = d.timestamp(&b.UpdatedAt)
		case bfProtectedAt:
			err = d.timestamp(&b.ProtectedAt)
		case bfExpiredAt:
			err = d.timestamp(&b.ExpiredAt)
		case bfIncremental:
			err = d.boolean(&b.Incremental)
		case bfExtendInfo:
			b.ExtendInfo = BackupExtendInfo{}
			err = d.extendInfo(&b.ExtendInfo)
		case bfChildren:
			b.Children, err = d.backupList(b.Children[:0], false)
		case bfReplicationRecords:
			b.ReplicationRecords, err = d.replicationList(b.ReplicationRecords[:0])
		default:
			d.unknown(&b.Extra, name)
		}
		if err != nil {
			return at(string(name), err)
		}
	}
}

const (
	efAutoTrigger = iota + 1
	efBootable
	efIncremental
	efSnapshotID
	efSupportLLD
	efSupportedRestoreMode
	efOSImagesData
	efContainSystemDisk
	efEncrypted
	efSystemDisk
	efIsMultiAZ
	efArchitecture
	efAppConsistency
	efProgress
)

func extendField(name []byte) int {
	switch string(name) {
	case "auto_trigger":
		return efAutoTrigger
	case "bootable":
		return efBootable
	case "incremental":
		return efIncremental
	case "snapshot_id":
		return efSnapshotID
	case "support_lld":
		return efSupportLLD
	case "supported_restore_mode":
		return efSupportedRestoreMode
	case "os_images_data":
		return efOSImagesData
	case "contain_system_disk":
		return efContainSystemDisk
	case "encrypted":
		return efEncrypted
	case "system_disk":
		return efSystemDisk
	case "is_multi_az":
		return efIsMultiAZ
	case "architecture":
		return efArchitecture
	case "app_consistency":
		return efAppConsistency
	case "progress":
		return efProgress
	}
	return 0
}

// extendInfo reads extend_info; a value that is not an object is ignored.
func (d *decoder) extendInfo(e *BackupExtendInfo) error {
	if ok, _ := d.openObject(false, "extend_info"); !ok {
		return nil
	}
	for {
		name, more := d.name()
		if !more {
			return nil
		}
		var err error
		switch d.field(name, extendField) {
		case efAutoTrigger:
			err = d.boolean(&e.AutoTrigger)
		case efBootable:
			err = d.boolean(&e.Bootable)
		case efIncremental:
			err = d.boolean(&e.Incremental)
		case efSnapshotID:
			e.SnapshotID = d.str(false)
		case efSupportLLD:
			err = d.boolean(&e.SupportLLD)
		case efSupportedRestoreMode:
			e.SupportedRestoreMode = RestoreMode(d.enum(restoreModes))
		case efOSImagesData:
			e.OSImagesData = d.imageList(e.OSImagesData[:0])
		case efContainSystemDisk:
			err = d.boolean(&e.ContainSystemDisk)
		case efEncrypted:
			err = d.boolean(&e.Encrypted)
		case efSystemDisk:
			err = d.boolean(&e.SystemDisk)
		case efIsMultiAZ:
			err = d.boolean(&e.IsMultiAZ)
		case efArchitecture:
			e.Architecture = d.str(true)
		case efAppConsistency:
			e.AppConsistency = AppConsistency{}
			err = d.appConsistency(&e.AppConsistency)
		case efProgress:
			err = d.integer(&e.Progress)
		default:
			d.unknown(&e.Extra, name)
		}
		if err != nil {
			return at(string(name), err)
		}
	}
}

const (
	afAppConsistency = iota + 1
	afStatus
	afErrorCode
	afErrorMessage
)

func appField(name []byte) int {
	switch string(name) {
	case "app_consistency":
		return afAppConsistency
	case "app_consistency_status":
		return afStatus
	case "app_consistency_error_code":
		return afErrorCode
	case "app_consistency_error_message":
		return afErrorMessage
	}
	return 0
}

// appConsistency reads app_consistency; other members are skipped.
func (d *decoder) appConsistency(a *AppConsistency) error {
	if ok, _ := d.openObject(false, "app_consistency"); !ok {
		return nil
	}
	for {
		name, more := d.name()
		if !more {
			return nil
		}
		switch d.field(name, appField) {
		case afAppConsistency:
			a.AppConsistency = d.str(true)
		case afStatus:
			a.AppConsistencyStatus = d.str(true)
		case afErrorCode:
			a.AppConsistencyErrorCode = d.str(true)
		case afErrorMessage:
			a.AppConsistencyErrorMessage = d.str(true)
		default:
			d.value()
		}
	}
}

// imageList reads os_images_data: objects {"image_id": ...} or bare ids.
func (d *decoder) imageList(dst []ImageData) []ImageData {
	if !d.openArray() {
		return dst
	}
	for d.more() {
		var img ImageData
		if d.imageData(&img); img.ImageID != "" {
			dst = append(dst, img)
		}
	}
	return dst
}

func (d *decoder) imageData(img *ImageData) error {
	if c := d.next(); c == '"' || c == '-' || (c >= '0' && c <= '9') {
		img.ImageID = d.str(false)
		return nil
	}
	if ok, _ := d.openObject(false, "image"); !ok {
		return nil
	}
	for {
		name, more := d.name()
		if !more {
			return nil
		}
		if bytes.EqualFold(name, []byte("image_id")) {
			img.ImageID = d.str(false)
		} else {
			d.value()
		}
	}
}

// replicationList reads replication_records.
func (d *decoder) replicationList(dst []ReplicationRecord) ([]ReplicationRecord, error) {
	if !d.openArray() {
		return dst, nil
	}
	for i := 0; d.more(); i++ {
		if d.next() != '{' {
			d.value() // null or junk: ignored
			continue
		}
		var r ReplicationRecord
		if err := d.replication(&r); err != nil {
			return dst, at(strconv.Itoa(i), err)
		}
		dst = append(dst, r)
	}
	return dst, nil
}

const (
	rfID = iota + 1
	rfStatus
	rfCreatedAt
	rfSourceRegion
	rfSourceProjectID
	rfSourceBackupID
	rfSourceCheckpointID
	rfDestinationRegion
	rfDestinationProjectID
	rfDestinationBackupID
	rfDestinationCheckpointID
	rfDestinationVaultID
	rfVaultID
	rfExtraInfo
)

func replicationField(name []byte) int {
	switch string(name) {
	case "id":
		return rfID
	case "status":
		return rfStatus
	case "created_at":
		return rfCreatedAt
	case "source_region":
		return rfSourceRegion
	case "source_project_id":
		return rfSourceProjectID
	case "source_backup_id":
		return rfSourceBackupID
	case "source_checkpoint_id":
		return rfSourceCheckpointID
	case "destination_region":
		return rfDestinationRegion
	case "destination_project_id":
		return rfDestinationProjectID
	case "destination_backup_id":
		return rfDestinationBackupID
	case "destination_checkpoint_id":
		return rfDestinationCheckpointID
	case "destination_vault_id":
		return rfDestinationVaultID
	case "vault_id":
		return rfVaultID
	case "extra_info":
		return rfExtraInfo
	}
	return 0
}

// replication reads one replication record; a value that is not an
// object is ignored.
func (d *decoder) replication(r *ReplicationRecord) error {
	if ok, _ := d.openObject(false, "replication record"); !ok {
		return nil
	}
	for {
		name, more := d.name()
		if !more {
			return nil
		}
		var err error
		switch d.field(name, replicationField) {
		case rfID:
			r.ID = d.str(false)
		case rfStatus:
			r.Status = ReplicationStatus(d.enum(replicationStatuses))
		case rfCreatedAt:
			err = d.timestamp(&r.CreatedAt)
		case rfSourceRegion:
			r.SourceRegion = d.str(true)
		case rfSourceProjectID:
			r.SourceProjectID = d.str(true)
		case rfSourceBackupID:
			r.SourceBackupID = d.str(false)
		case rfSourceCheckpointID:
			r.SourceCheckpointID = d.str(false)
		case rfDestinationRegion:
			r.DestinationRegion = d.str(true)
		case rfDestinationProjectID:
			r.DestinationProjectID = d.str(true)
		case rfDestinationBackupID:
			r.DestinationBackupID = d.str(false)
		case rfDestinationCheckpointID:
			r.DestinationCheckpointID = d.str(false)
		case rfDestinationVaultID:
			r.DestinationVaultID = d.str(true)
		case rfVaultID:
			r.VaultID = d.str(true)
		case rfExtraInfo:
			err = d.replicationExtra(&r.ExtraInfo)
		default:
			d.unknown(&r.Extra, name)
		}
		if err != nil {
			return at(string(name), err)
		}
	}
}

// replicationExtra reads extra_info: an object (Huawei's SDK), or a string
// (the API page), whose text is kept and, when it holds a JSON object, read
// as that object; null is absent, and the JSON text of any other value is
// kept as Text.
func (d *decoder) replicationExtra(x *ReplicationExtraInfo) error {
	switch d.next() {
	case '{':
		return d.replicationExtraMembers(x)
	case 'n':
		d.value()
		return nil
	case '"':
		x.Text = d.str(false)
		inner := []byte(strings.TrimSpace(x.Text))
		if len(inner) == 0 || inner[0] != '{' || !jsontext.Value(inner).IsValid() {
			return nil
		}
		// The page promises text: an object in it that does not read is
		// kept as that text rather than failing the page.
		text := x.Text
		sub := &decoder{data: inner}
		if err := sub.replicationExtraMembers(x); err != nil {
			*x = ReplicationExtraInfo{Text: text}
		}
		return nil
	}
	x.Text = d.str(false)
	return nil
}

func (d *decoder) replicationExtraMembers(x *ReplicationExtraInfo) error {
	if ok, _ := d.openObject(false, "extra_info"); !ok {
		return nil
	}
	for {
		name, more := d.name()
		if !more {
			return nil
		}
		var err error
		switch {
		case bytes.EqualFold(name, []byte("progress")):
			err = d.integer(&x.Progress)
		case bytes.EqualFold(name, []byte("fail_code")):
			x.FailCode = d.str(false)
		case bytes.EqualFold(name, []byte("fail_reason")):
			x.FailReason = d.str(false)
		case bytes.EqualFold(name, []byte("auto_trigger")):
			err = d.boolean(&x.AutoTrigger)
		case bytes.EqualFold(name, []byte("destination_vault_id")):
			x.DestinationVaultID = d.str(true)
		default:
			d.unknown(&x.Extra, name)
		}
		if err != nil {
			return at(string(name), err)
		}
	}
}

// UnmarshalJSONFrom decodes extra_info, an object or a string
// (encoding/json/v2 calls it).
func (x *ReplicationExtraInfo) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	d, err := newDecoder(dec, false)
	if err != nil {
		return err
	}
	*x = ReplicationExtraInfo{}
	return d.replicationExtra(x)
}

// MarshalJSONTo writes extra_info as the object Huawei's SDK models, or as
// the string it came as when that string held no object.
func (x ReplicationExtraInfo) MarshalJSONTo(enc *jsontext.Encoder) error {
	if x.fromText() {
		return enc.WriteToken(jsontext.String(x.Text))
	}
	type plain ReplicationExtraInfo // without these methods
	b, err := codec.MarshalJSON(plain(x))
	if err != nil {
		return err
	}
	return enc.WriteValue(b)
}

// parseInt reads a plain JSON integer of up to 18 digits.
func parseInt(v []byte) (int64, bool) {
	neg := false
	if len(v) > 0 && v[0] == '-' {
		neg, v = true, v[1:]
	}
	if len(v) == 0 || len(v) > 18 || (v[0] == '0' && len(v) > 1) {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// parseCBRTime reads the layouts CBR uses, "2006-01-02T15:04:05" with an
// optional fraction of up to 9 digits and an optional "Z" ("T" may be a
// space), as UTC, without allocating. It reports false for anything else,
// which then goes through codec.ParseTime.
func parseCBRTime(b []byte) (time.Time, bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != ' ') || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := digits(b[0:4])
	month, ok2 := digits(b[5:7])
	day, ok3 := digits(b[8:10])
	hour, ok4 := digits(b[11:13])
	minute, ok5 := digits(b[14:16])
	sec, ok6 := digits(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return time.Time{}, false
	}
	rest := b[19:]
	nsec := 0
	if len(rest) > 0 && rest[0] == '.' {
		i, scale := 1, 100_000_000
		for ; i < len(rest) && rest[i] >= '0' && rest[i] <= '9'; i++ {
			if i > 9 {
				return time.Time{}, false
			}
			nsec += int(rest[i]-'0') * scale
			scale /= 10
		}
		if i == 1 {
			return time.Time{}, false
		}
		rest = rest[i:]
	}
	if len(rest) == 1 && rest[0] == 'Z' {
		rest = rest[1:]
	}
	if len(rest) != 0 || month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC), true
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
