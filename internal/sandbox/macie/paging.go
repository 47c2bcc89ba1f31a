package macie

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// maxPage is the largest maxResults of the model's MaxResults shape (ListMembers,
// ListOrganizationAdminAccounts).
const maxPage = 25

// tokenPrefix marks the sandbox's opaque nextToken values.
const tokenPrefix = "macie-page:"

// page returns the page of items that starts at token, of at most max items (0: no request
// limit) and never more than limit, and the token of the next page ("" when this is the last).
func page[T any](items []T, token string, max, limit int) ([]T, string, error) {
	start, err := parseToken(token)
	if err != nil {
		return nil, "", err
	}
	if start > len(items) {
		return nil, "", validation("nextToken is past the end of the results")
	}
	size := limit
	if max > 0 && max < size {
		size = max
	}
	end := min(start+size, len(items))
	next := ""
	if end < len(items) {
		next = base64.RawURLEncoding.EncodeToString([]byte(tokenPrefix + strconv.Itoa(end)))
	}
	return items[start:end], next, nil
}

// parseToken decodes a nextToken into an offset; "" is offset 0.
func parseToken(token string) (int, error) {
	if token == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || !strings.HasPrefix(string(raw), tokenPrefix) {
		return 0, validation("nextToken %q is not valid", token)
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(raw), tokenPrefix))
	if err != nil || n < 0 {
		return 0, validation("nextToken %q is not valid", token)
	}
	return n, nil
}

// queryMaxResults reads the maxResults query parameter (1-25 when present).
func queryMaxResults(c *call) (int, error) {
	v := c.r.URL.Query().Get("maxResults")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxPage {
		return 0, validation("maxResults must be an integer from 1 to %d, not %q", maxPage, v)
	}
	return n, nil
}

// bodyMaxResults checks a maxResults member of a JSON body (0 when absent).
func bodyMaxResults(n int) (int, error) {
	if n < 0 {
		return 0, validation("maxResults must not be negative, not %d", n)
	}
	return n, nil
}

// nonNil turns a nil slice into an empty one, so that lists encode as [] rather than null.
func nonNil[T any](items []T) []T {
	if items == nil {
		return []T{}
	}
	return items
}

// optional returns nil for "", so that an absent nextToken is omitted from a map response.
func optional(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// limit is the page size of an operation whose API maximum is awsMax: that, unless the sandbox
// was given a smaller page size.
func (s *Service) limit(awsMax int) int {
	if s.pageSize < maxPage {
		return s.pageSize
	}
	return awsMax
}
