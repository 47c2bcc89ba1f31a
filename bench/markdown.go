package bench

import (
	"fmt"
	"strings"
)

// Splice replaces the text between the markers <!-- begin:NAME --> and <!-- end:NAME --> of a
// Markdown document with content, so that generated tables sit among hand-written prose.
func Splice(doc, name, content string) (string, error) {
	begin, end := "<!-- begin:"+name+" -->", "<!-- end:"+name+" -->"
	i := strings.Index(doc, begin)
	j := strings.Index(doc, end)
	if i < 0 || j < i {
		return "", fmt.Errorf("the document has no %s ... %s block", begin, end)
	}
	return doc[:i+len(begin)] + "\n" + strings.TrimSpace(content) + "\n" + doc[j:], nil
}
