package yamlerr

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var (
	lineRE    = regexp.MustCompile(`line (\d+): ([^\n;]*)`)
	unknownRE = regexp.MustCompile("^field (\\S+) not found in type")
	typeRE    = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: (`[^`]*`))? into (.+)$")
)

// Describe rewrites a YAML decoding error as "line N: field: problem", with
// the field taken from the file's own line; data is the file's content
// (nil when it is not at hand). Several problems are joined with "; ". An
// error that names no line is returned as it is, less Go's "yaml: " prefix.
func Describe(err error, data []byte) string {
	msg := err.Error()
	found := lineRE.FindAllStringSubmatch(msg, -1)
	if len(found) == 0 {
		return strings.TrimPrefix(msg, "yaml: ")
	}
	lines := strings.Split(string(data), "\n")
	var out []string
	for _, m := range found {
		n, _ := strconv.Atoi(m[1])
		key := keyAt(lines, n)
		problem := plain(strings.TrimSpace(m[2]))
		if u := unknownRE.FindStringSubmatch(m[2]); u != nil {
			key, problem = u[1], "unknown field"
		}
		if key != "" {
			out = append(out, fmt.Sprintf("line %d: %s: %s", n, key, problem))
		} else {
			out = append(out, fmt.Sprintf("line %d: %s", n, problem))
		}
	}
	return strings.Join(out, "; ")
}

// keyAt is the mapping key written on line n (1-based), or "".
func keyAt(lines []string, n int) string {
	if n < 1 || n > len(lines) {
		return ""
	}
	l := strings.TrimSpace(lines[n-1])
	l = strings.TrimPrefix(l, "- ")
	k, _, ok := strings.Cut(l, ":")
	if !ok || strings.ContainsAny(k, " {[\"'") {
		return ""
	}
	return k
}

// plain says in words what a "cannot unmarshal" wanted.
func plain(msg string) string {
	m := typeRE.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	got := strings.Trim(m[2], "`")
	if m[1] == "map" || m[1] == "seq" {
		got = map[string]string{"map": "a section", "seq": "a list"}[m[1]]
	} else {
		got = strconv.Quote(got)
	}
	want := m[3]
	switch {
	case want == "time.Duration":
		want = "a duration such as 30s, 2m or 1h30m"
	case want == "bool":
		want = "true or false"
	case strings.HasPrefix(want, "float"):
		want = "a number"
	case strings.HasPrefix(want, "int") || strings.HasPrefix(want, "uint"):
		want = "a whole number"
	case strings.HasPrefix(want, "[]"):
		want = "a list"
	case want == "string" || strings.HasSuffix(want, "string"):
		want = "text"
	case strings.HasPrefix(want, "map[") || strings.HasPrefix(want, "struct") || strings.Contains(want, "."):
		want = "a section"
	}
	return fmt.Sprintf("%s is not %s", got, want)
}
