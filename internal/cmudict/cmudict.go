package cmudict

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Entries returns the lines of the dictionary r that pronounce one of
// words, alternative pronunciations ("word(2)") included, in the
// dictionary's order. It fails naming a word the dictionary lacks.
func Entries(r io.Reader, words []string) ([]string, error) {
	need := map[string]bool{}
	for _, w := range words {
		need[w] = false
	}
	var lines []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		i := strings.IndexAny(line, " \t")
		if i <= 0 {
			continue
		}
		word, _, _ := strings.Cut(line[:i], "(")
		if _, ok := need[word]; ok {
			need[word] = true
			lines = append(lines, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for _, w := range words {
		if !need[w] {
			return nil, fmt.Errorf("%q is not in the dictionary", w)
		}
	}
	return lines, nil
}
