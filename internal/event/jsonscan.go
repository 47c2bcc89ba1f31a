package event

import "fmt"

// checkDepth fails when data nests arrays and objects deeper than limit. It only counts brackets
// outside strings and does not validate the rest, so that deep input is refused before any
// decoder recurses into it.
func checkDepth(data []byte, limit int) error {
	depth, inString, escaped := 0, false, false
	for i, b := range data {
		switch {
		case escaped:
			escaped = false
		case inString:
			escaped = b == '\\'
			inString = b != '"'
		case b == '"':
			inString = true
		case b == '[' || b == '{':
			depth++
			if depth > limit {
				return fmt.Errorf("%w: more than %d levels at byte %d", ErrTooDeep, limit, i)
			}
		case b == ']' || b == '}':
			depth--
		}
	}
	return nil
}

// firstByte returns the first byte of v that is not JSON white space, or 0.
func firstByte(v []byte) byte {
	for _, b := range v {
		switch b {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return b
	}
	return 0
}

// jsonKind names the kind of JSON value that starts with b.
func jsonKind(b byte) string {
	switch {
	case b == '{':
		return "object"
	case b == '[':
		return "array"
	case b == '"':
		return "string"
	case b == 't' || b == 'f':
		return "boolean"
	case b == 'n':
		return "null"
	case b == '-' || (b >= '0' && b <= '9'):
		return "number"
	}
	return "nothing"
}
