package onapp

import (
	"bytes"
	"fmt"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
)

// The oracle of the engine's decoding of OnApp's JSON records: json/v2
// with the codec's options into the same shapes, as the package decoded
// them before the engine (the list split into its items, each item into a
// map of members to find the root name or an error member, then the
// record into its struct through reflection). FuzzDecodeJSONAgainstOracle
// holds jsonItems and jsonOne to it.

// oracleItems is jsonItems as json/v2 reads it.
func oracleItems[W, T any](data []byte, plural, singular string, conv func(*W) T) ([]T, error) {
	items, err := oracleList(data, plural)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(items))
	for i, raw := range items {
		v, err := oracleOne(raw, singular, conv)
		if err != nil {
			return nil, fmt.Errorf("%s %d: %w", singular, i, err)
		}
		out = append(out, *v)
	}
	return out, nil
}

// oracleOne is jsonOne as json/v2 reads it.
func oracleOne[W, T any](data []byte, root string, conv func(*W) T) (*T, error) {
	raw, err := jsonObject(data, root)
	if err != nil {
		return nil, err
	}
	var w W
	if err := codec.UnmarshalJSON(raw, &w); err != nil {
		return nil, err
	}
	v := conv(&w)
	return &v, nil
}

// oracleList splits a JSON list into its items: a top-level array, null,
// or an object holding the array under plural.
func oracleList(data []byte, plural string) ([]jsontext.Value, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, nil
	}
	switch data[0] {
	case '[', 'n':
		var items []jsontext.Value
		if err := codec.UnmarshalJSON(data, &items); err != nil {
			return nil, err
		}
		return items, nil
	case '{':
		members, err := jsonMembers(data)
		if err != nil {
			return nil, err
		}
		v, ok, err := member(members, plural)
		if err != nil {
			return nil, err
		}
		if ok {
			var items []jsontext.Value
			if err := codec.UnmarshalJSON(v, &items); err != nil {
				return nil, fmt.Errorf("%s: %w", plural, err)
			}
			return items, nil
		}
		if isErrorObject(members) {
			return nil, errErrorDocument
		}
		return nil, fmt.Errorf("want a JSON array of %s, got an object", plural)
	}
	return nil, fmt.Errorf("want a JSON array of %s, got %s", plural, kindOf(data))
}
