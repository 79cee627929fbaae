package cloudbackup

// The reference decoder of the differential fuzz test
// (FuzzDecodeAgainstOracle): the hand-written byte scanner that decoded
// CBR's answers before they were described as schemas on the shared engine
// (types.go). Plain json/v2 does not read what CBR sends the way the SDK
// documents (text fields given as numbers, nested objects and list items
// of the wrong kind skipped, null items dropped), so the oracle is the
// previous code path itself, run on a value jsontext has checked, as
// codec.UnmarshalJSON ran it. It is changed only where the engine's
// json/v2 conventions now decide, and those changes are the documented
// behaviour:
//
//   - member names match exactly, else ignoring case, '_' and '-' (as
//     json/v2 folds them, oracleFold), not only after ASCII lower-casing;
//   - a member name with invalid UTF-8 is unquoted as jsontext unquotes,
//     each invalid byte one U+FFFD;
//   - an object inside extra_info's string that passes the codec's shape
//     bounds is read; one beyond them stays text.

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
)

// parseCBRTime is the fast time reader the engine's CBR members use
// (FuzzParseCBRTime holds it to codec.ParseTime).
func parseCBRTime(b []byte) (time.Time, bool) { return codec.ParseCBRTime(b) }

// oracleValue checks data as codec.UnmarshalJSON did before decoding: its
// shape bounds, its syntax (duplicate names and invalid UTF-8 allowed),
// nothing after the value.
func oracleValue(data []byte) ([]byte, error) {
	if err := codec.CheckJSON(data, codec.Limits{}); err != nil {
		return nil, err
	}
	dec := jsontext.NewDecoder(bytes.NewReader(data), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	raw, err := dec.ReadValue()
	if err != nil {
		return nil, err
	}
	raw = bytes.Clone(raw) // the next read may reuse its buffer
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, fmt.Errorf("data after the value: %v", err)
	}
	return raw, nil
}

// oraclePage decodes a list answer.
func oraclePage(data []byte, p *BackupPage) error {
	raw, err := oracleValue(data)
	if err != nil {
		return err
	}
	d := &oracleDecoder{data: raw, intern: make(map[string]string)}
	return d.page(p)
}

// oracleBackup decodes one backup (Get's {"backup": …} holds it).
func oracleBackup(data []byte) (Backup, error) {
	var b Backup
	raw, err := oracleValue(data)
	if err != nil {
		return b, err
	}
	d := &oracleDecoder{data: raw}
	ok, err := d.openObject(true, "backup")
	if err != nil || !ok {
		return b, err
	}
	return b, d.backupMembers(&b)
}

// oracleFold folds a member name as json/v2 (and the engine) do: without
// '_' and '-', each rune mapped to the smallest of its case-fold orbit.
func oracleFold(name []byte) string {
	var sb strings.Builder
	for _, r := range string(name) {
		if r == '_' || r == '-' {
			continue
		}
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			m = min(m, f)
		}
		sb.WriteRune(m)
	}
	return sb.String()
}

func oracleFoldEq(name []byte, want string) bool {
	return string(name) == want || oracleFold(name) == oracleFold([]byte(want))
}

// oracleLookup finds name among fields, exactly first, else folded.
func oracleLookup(fields map[string]int, name []byte) int {
	if f, ok := fields[string(name)]; ok {
		return f
	}
	folded := oracleFold(name)
	for n, f := range fields {
		if oracleFold([]byte(n)) == folded {
			return f
		}
	}
	return 0
}

const (
	// oracleMaxInterned bounds the per-page intern table.
	oracleMaxInterned = 4096
	// oracleMaxInternLen is the longest string worth interning.
	oracleMaxInternLen = 64
)

// oracleDecoder reads the backup types from the raw bytes of one JSON value that
// jsontext has already validated (Decoder.ReadValue checks the syntax in a
// fast scan), so it never meets a syntax error: it only has to find the
// boundaries of names and values, which it does with bytes.IndexByte.
type oracleDecoder struct {
	data   []byte
	pos    int
	intern map[string]string // nil: no interning
	nbuf   []byte            // unquoted member names
	lbuf   []byte            // lower-cased member names
	sbuf   []byte            // unquoted string values

	// listMax bounds the items of a page's list (0: none).
	listMax int
}

// next returns the first byte of the next token, 0 at the end. Outside
// strings, the only bytes up to ' ' in valid JSON are whitespace.
func (d *oracleDecoder) next() byte {
	for d.pos < len(d.data) {
		if c := d.data[d.pos]; c > ' ' {
			return c
		}
		d.pos++
	}
	return 0
}

// value returns the raw bytes of the next value and moves past them.
func (d *oracleDecoder) value() []byte {
	c := d.next()
	start := d.pos
	switch c {
	case 0:
		return nil
	case '"':
		d.pos = oracleEndOfString(d.data, d.pos)
	case '{', '[':
		d.pos = oracleEndOfComposite(d.data, d.pos)
	default:
		d.pos = oracleEndOfScalar(d.data, d.pos)
	}
	return d.data[start:d.pos]
}

// oracleEndOfString returns the index after the string starting at b[i] == '"'.
func oracleEndOfString(b []byte, i int) int {
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

// oracleEndOfComposite returns the index after the object or array at b[i].
func oracleEndOfComposite(b []byte, i int) int {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			i = oracleEndOfString(b, i)
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

// oracleEndOfScalar returns the index after the number or literal at b[i].
func oracleEndOfScalar(b []byte, i int) int {
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
func (d *oracleDecoder) openObject(strict bool, what string) (bool, error) {
	switch c := d.next(); c {
	case '{':
		d.pos++
		return true, nil
	case 'n':
		d.value()
		return false, nil
	default:
		if strict {
			return false, fmt.Errorf("%s is %s, want an object", what, oracleKindName(c))
		}
		d.value()
		return false, nil
	}
}

// openArray consumes the start of an array and reports true. null and (as
// in openObject when not strict) values of another kind give false.
func (d *oracleDecoder) openArray() bool {
	if d.next() == '[' {
		d.pos++
		return true
	}
	d.value()
	return false
}

// more moves to the next item of an array and reports whether there is
// one; at the end it consumes "]".
func (d *oracleDecoder) more() bool {
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

func oracleKindName(c byte) string {
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
func (d *oracleDecoder) name() ([]byte, bool) {
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
	d.pos = oracleEndOfString(d.data, start)
	raw := d.data[start+1 : d.pos-1]
	if bytes.IndexByte(raw, '\\') >= 0 || !utf8.Valid(raw) {
		d.nbuf, _ = jsontext.AppendUnquote(d.nbuf[:0], d.data[start:d.pos])
		raw = d.nbuf
	}
	if d.next() == ':' {
		d.pos++
	}
	return raw, true
}

// field matches name with lookup (exactly, else as the engine folds names).
func (d *oracleDecoder) field(name []byte, lookup func([]byte) int) int { return lookup(name) }

// text turns a raw value into text: a string's contents (invalid UTF-8
// replaced), "" for null, and the JSON text of anything else.
func (d *oracleDecoder) text(v []byte, intern bool) string {
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
		if intern && d.intern != nil && len(raw) <= oracleMaxInternLen {
			if s, ok := d.intern[string(raw)]; ok {
				return s
			}
			s := string(raw)
			if len(d.intern) < oracleMaxInterned {
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
func (d *oracleDecoder) str(intern bool) string {
	return d.text(d.value(), intern)
}

// enum reads a text field whose usual values are in table, returning the
// table's string (no allocation) when it matches.
func (d *oracleDecoder) enum(table []string) string {
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
func (d *oracleDecoder) integer(dst *Int) error {
	v := d.value()
	if n, ok := parseInt(v); ok {
		*dst = codec.NewInt(n)
		return nil
	}
	*dst = Int{}
	return dst.UnmarshalJSON(v)
}

// boolean reads a tolerant Bool.
func (d *oracleDecoder) boolean(dst *Bool) error {
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
func (d *oracleDecoder) timestamp(dst *Time) error {
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
func (d *oracleDecoder) optString(dst *String, intern bool) error {
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
func (d *oracleDecoder) unknown(m *map[string]RawJSON, name []byte) {
	key := strings.ToValidUTF8(string(name), "\uFFFD")
	v := d.value()
	if *m == nil {
		*m = make(map[string]RawJSON, 2)
	}
	(*m)[key] = oracleKeep(v)
}

// oracleKeep copies a raw value so that it can be written out again: one with
// duplicate member names or invalid UTF-8 (which reading tolerates) is
// normalized, the last duplicate winning.
func oracleKeep(v []byte) RawJSON {
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
func (d *oracleDecoder) page(p *BackupPage) error {
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
		switch d.field(name, oraclePageField) {
		case pfBackups:
			// A page may not hold more than it asked for (the API's
			// largest page when it asked for none): checked before each
			// item is made, so that a page of a million "{}" costs no
			// more than a full page.
			p.hasList = true
			d.listMax = cmp.Or(p.capHint, maxPageSize)
			if c := d.next(); c != '[' && c != 'n' {
				return codec.AtPath("backups", fmt.Errorf("the list is %s, want an array", oracleKindName(c)))
			}
			// Size the page once: by the total when it came first (CBR
			// sends it first), else by the limit the caller asked for.
			if n := oracleSizeHint(int(p.Count.Int64), p.capHint); cap(items) == 0 && n > 0 {
				items = make([]Backup, 0, n)
			}
			if items, err = d.backupList(items[:0], true); err != nil {
				return codec.AtPath("backups", err)
			}
		case pfCount:
			var n Int
			if err := d.integer(&n); err != nil {
				return codec.AtPath("count", err)
			}
			p.Count = Int{Int64: max(min(n.Int64, 1<<31-1), 0), Valid: n.Valid}
			p.hasCount = n.Valid
		case pfOffset:
			if err := d.integer(&p.Offset); err != nil {
				return codec.AtPath("offset", err)
			}
		case pfLimit:
			if err := d.integer(&p.Limit); err != nil {
				return codec.AtPath("limit", err)
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

// oracleSizeHint is the capacity for a page: the total seen so far, capped by
// the requested limit and the largest page.
func oracleSizeHint(count, limit int) int {
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

var oraclePageFields = map[string]int{
	"backups": pfBackups,
	"count":   pfCount,
	"offset":  pfOffset,
	"limit":   pfLimit,
}

func oraclePageField(name []byte) int { return oracleLookup(oraclePageFields, name) }

// backupList appends the backups of an array to dst, reusing its capacity.
// null items are skipped; in a top-level list (strict) an item of another
// kind is an error, in a nested one it is skipped.
func (d *oracleDecoder) backupList(dst []Backup, strict bool) ([]Backup, error) {
	if !d.openArray() {
		return dst, nil
	}
	for i := 0; d.more(); i++ {
		ok, err := d.openObject(strict, "backup")
		if err != nil {
			return dst, codec.AtPath(strconv.Itoa(i), err)
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
			return dst, codec.AtPath(strconv.Itoa(i), err)
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

var oracleBackupFields = map[string]int{
	"id":                    bfID,
	"name":                  bfName,
	"description":           bfDescription,
	"status":                bfStatus,
	"image_type":            bfImageType,
	"checkpoint_id":         bfCheckpointID,
	"parent_id":             bfParentID,
	"project_id":            bfProjectID,
	"vault_id":              bfVaultID,
	"provider_id":           bfProviderID,
	"enterprise_project_id": bfEnterpriseProjectID,
	"resource_id":           bfResourceID,
	"resource_name":         bfResourceName,
	"resource_type":         bfResourceType,
	"resource_az":           bfResourceAZ,
	"resource_size":         bfResourceSize,
	"created_at":            bfCreatedAt,
	"updated_at":            bfUpdatedAt,
	"protected_at":          bfProtectedAt,
	"expired_at":            bfExpiredAt,
	"incremental":           bfIncremental,
	"extend_info":           bfExtendInfo,
	"children":              bfChildren,
	"replication_records":   bfReplicationRecords,
}

func oracleBackupField(name []byte) int { return oracleLookup(oracleBackupFields, name) }

// backupMembers reads the members of a backup object whose "{" has been
// consumed, up to and including its "}". b must be zero.
func (d *oracleDecoder) backupMembers(b *Backup) error {
	for {
		name, more := d.name()
		if !more {
			return nil
		}
		var err error
		switch d.field(name, oracleBackupField) {
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
			return codec.AtPath(string(name), err)
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

var oracleExtendFields = map[string]int{
	"auto_trigger":           efAutoTrigger,
	"bootable":               efBootable,
	"incremental":            efIncremental,
	"snapshot_id":            efSnapshotID,
	"support_lld":            efSupportLLD,
	"supported_restore_mode": efSupportedRestoreMode,
	"os_images_data":         efOSImagesData,
	"contain_system_disk":    efContainSystemDisk,
	"encrypted":              efEncrypted,
	"system_disk":            efSystemDisk,
	"is_multi_az":            efIsMultiAZ,
	"architecture":           efArchitecture,
	"app_consistency":        efAppConsistency,
	"progress":               efProgress,
}

func oracleExtendField(name []byte) int { return oracleLookup(oracleExtendFields, name) }

// extendInfo reads extend_info; a value that is not an object is ignored.
func (d *oracleDecoder) extendInfo(e *BackupExtendInfo) error {
	if ok, _ := d.openObject(false, "extend_info"); !ok {
		return nil
	}
	for {
		name, more := d.name()
		if !more {
			return nil
		}
		var err error
		switch d.field(name, oracleExtendField) {
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
			return codec.AtPath(string(name), err)
		}
	}
}

const (
	afAppConsistency = iota + 1
	afStatus
	afErrorCode
	afErrorMessage
)

var oracleAppFields = map[string]int{
	"app_consistency":               afAppConsistency,
	"app_consistency_status":        afStatus,
	"app_consistency_error_code":    afErrorCode,
	"app_consistency_error_message": afErrorMessage,
}

func oracleAppField(name []byte) int { return oracleLookup(oracleAppFields, name) }

// appConsistency reads app_consistency; other members are skipped.
func (d *oracleDecoder) appConsistency(a *AppConsistency) error {
	if ok, _ := d.openObject(false, "app_consistency"); !ok {
		return nil
	}
	for {
		name, more := d.name()
		if !more {
			return nil
		}
		switch d.field(name, oracleAppField) {
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
func (d *oracleDecoder) imageList(dst []ImageData) []ImageData {
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

func (d *oracleDecoder) imageData(img *ImageData) error {
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
		if oracleFoldEq(name, "image_id") {
			img.ImageID = d.str(false)
		} else {
			d.value()
		}
	}
}

// replicationList reads replication_records.
func (d *oracleDecoder) replicationList(dst []ReplicationRecord) ([]ReplicationRecord, error) {
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
			return dst, codec.AtPath(strconv.Itoa(i), err)
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

var oracleReplicationFields = map[string]int{
	"id":                        rfID,
	"status":                    rfStatus,
	"created_at":                rfCreatedAt,
	"source_region":             rfSourceRegion,
	"source_project_id":         rfSourceProjectID,
	"source_backup_id":          rfSourceBackupID,
	"source_checkpoint_id":      rfSourceCheckpointID,
	"destination_region":        rfDestinationRegion,
	"destination_project_id":    rfDestinationProjectID,
	"destination_backup_id":     rfDestinationBackupID,
	"destination_checkpoint_id": rfDestinationCheckpointID,
	"destination_vault_id":      rfDestinationVaultID,
	"vault_id":                  rfVaultID,
	"extra_info":                rfExtraInfo,
}

func oracleReplicationField(name []byte) int { return oracleLookup(oracleReplicationFields, name) }

// replication reads one replication record; a value that is not an
// object is ignored.
func (d *oracleDecoder) replication(r *ReplicationRecord) error {
	if ok, _ := d.openObject(false, "replication record"); !ok {
		return nil
	}
	for {
		name, more := d.name()
		if !more {
			return nil
		}
		var err error
		switch d.field(name, oracleReplicationField) {
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
			return codec.AtPath(string(name), err)
		}
	}
}

// replicationExtra reads extra_info: an object (Huawei's SDK), or a string
// (the API page), whose text is kept and, when it holds a JSON object, read
// as that object; null is absent, and the JSON text of any other value is
// kept as Text.
func (d *oracleDecoder) replicationExtra(x *ReplicationExtraInfo) error {
	switch d.next() {
	case '{':
		return d.replicationExtraMembers(x)
	case 'n':
		d.value()
		return nil
	case '"':
		x.Text = d.str(false)
		inner := []byte(strings.TrimSpace(x.Text))
		if len(inner) == 0 || inner[0] != '{' || !jsontext.Value(inner).IsValid() || codec.CheckJSON(inner, codec.Limits{}) != nil {
			return nil
		}
		// The page promises text: an object in it that does not read is
		// kept as that text rather than failing the page.
		text := x.Text
		sub := &oracleDecoder{data: inner}
		if err := sub.replicationExtraMembers(x); err != nil {
			*x = ReplicationExtraInfo{Text: text}
		}
		return nil
	}
	x.Text = d.str(false)
	return nil
}

func (d *oracleDecoder) replicationExtraMembers(x *ReplicationExtraInfo) error {
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
		case oracleFoldEq(name, "progress"):
			err = d.integer(&x.Progress)
		case oracleFoldEq(name, "fail_code"):
			x.FailCode = d.str(false)
		case oracleFoldEq(name, "fail_reason"):
			x.FailReason = d.str(false)
		case oracleFoldEq(name, "auto_trigger"):
			err = d.boolean(&x.AutoTrigger)
		case oracleFoldEq(name, "destination_vault_id"):
			x.DestinationVaultID = d.str(true)
		default:
			d.unknown(&x.Extra, name)
		}
		if err != nil {
			return codec.AtPath(string(name), err)
		}
	}
}

// parseInt reads a plain JSON integer of up to 18 digits (the oracle's
// fast path for integers).
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
