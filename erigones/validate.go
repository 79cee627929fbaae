package erigones

import (
	"strconv"
	"unicode/utf8"
)

// Limits every server version enforces on names.
const (
	// MaxDefinitionNameLength is the longest backup definition name.
	MaxDefinitionNameLength = 8
	// MaxBackupNameLength is the longest backup name.
	MaxBackupNameLength = 24
)

// validName reports whether s matches ^[A-Za-z0-9][A-Za-z0-9._-]*$.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		alnum := ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9'
		if i == 0 && !alnum {
			return false
		}
		if !alnum && ch != '.' && ch != '_' && ch != '-' {
			return false
		}
	}
	return true
}

func checkName(field, s string, maxLen int) error {
	switch {
	case s == "":
		return &ValidationError{Field: field, Value: s, Reason: "must not be empty"}
	case !validName(s):
		return &ValidationError{Field: field, Value: s, Reason: "must match ^[A-Za-z0-9][A-Za-z0-9._-]*$"}
	case utf8.RuneCountInString(s) > maxLen:
		return &ValidationError{Field: field, Value: s, Reason: "longer than " + strconv.Itoa(maxLen) + " characters"}
	}
	return nil
}

// ValidateDefinitionName reports a backup definition name no server accepts:
// it must match ^[A-Za-z0-9][A-Za-z0-9._-]*$ and be 1 to 8 characters. The
// error is a *ValidationError.
func ValidateDefinitionName(name string) error {
	return checkName("bkpdef", name, MaxDefinitionNameLength)
}

// ValidateBackupName reports a backup name no backup can have: it must match
// ^[A-Za-z0-9][A-Za-z0-9._-]*$ and be 1 to 24 characters. The error is a
// *ValidationError.
func ValidateBackupName(name string) error {
	return checkName("bkpname", name, MaxBackupNameLength)
}
