package sandbox

import (
	"encoding/base64"
	"errors"
	"strings"
)

// errBadToken is returned for a pagination token the sandbox did not issue.
var errBadToken = errors.New("invalid pagination token")

const tokenPrefix = "sbx1:"

// paginate returns at most n items (sorted by key) that come after the token's position,
// and the token of the next page ("" on the last page). Tokens carry the last key served,
// so pages stay consistent while items are added or removed between calls.
func paginate[T any](items []T, key func(T) string, token string, n int) ([]T, string, error) {
	start := 0
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		last, ok := strings.CutPrefix(string(raw), tokenPrefix)
		if err != nil || !ok {
			return nil, "", errBadToken
		}
		for start < len(items) && key(items[start]) <= last {
			start++
		}
	}
	if n <= 0 {
		n = 1
	}
	end := min(start+n, len(items))
	out := items[start:end]
	if end == len(items) {
		return out, "", nil
	}
	next := base64.RawURLEncoding.EncodeToString([]byte(tokenPrefix + key(items[end-1])))
	return out, next, nil
}
