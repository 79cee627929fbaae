// Package codec is the one place where backupsdk turns bytes into values and
// back: JSON goes through github.com/go-json-experiment/json (encoding/json/v2)
// with options that keep real servers working; XML is read by the engine's
// one-pass reader of Rails' XML (XMLSchema) and written through encoding/xml.
//
// Every document is checked against Limits (CheckJSON, CheckXML) before it
// is decoded, so that what a body decodes into stays within a small
// multiple of its size plus a constant: a body beyond a bound is a
// *LimitError naming it.
//
// UnmarshalJSONLenient decodes the answers to writes: a member that does
// not fit its field is left out and reported (FieldErrors) rather than
// failing the document, so that a result's identifying fields survive an
// odd field beside them.
//
// It also holds the tolerant scalar types the providers share (Int, Float,
// Bool, Time, String). Each keeps "absent" (missing, null, "" or a placeholder
// such as "n/a") apart from a zero value, accepts the odd shapes real servers
// send (numbers as strings and the reverse, Rails XML nil="true" elements,
// times in several layouts), and marshals the same through encoding/json v1
// and v2.
package codec
