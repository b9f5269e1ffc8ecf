package cmudict

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// Entries returns the lines of the dictionary r that pronounce one of
// words, alternative pronunciations ("word(2)") included, in the
// dictionary's order. It fails naming a word the dictionary lacks.
//
// A pocketsphinx dictionary has about 135 000 lines and a decoder needs a
// handful, on every start-up: each line is looked at in the reader's
// buffer, a line whose first letter starts none of the words is passed
// over at once, and only the lines kept become strings.
func Entries(r io.Reader, words []string) ([]string, error) {
	need := map[string]bool{}
	var first [256]bool
	for _, w := range words {
		need[w] = false
		if w != "" {
			first[w[0]] = true
		}
	}
	var lines []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 || !first[line[0]] {
			continue
		}
		i := bytes.IndexAny(line, " \t")
		if i <= 0 {
			continue
		}
		word := line[:i]
		if j := bytes.IndexByte(word, '('); j >= 0 {
			word = word[:j]
		}
		// A map indexed with string(word) does not allocate.
		if _, ok := need[string(word)]; ok {
			need[string(word)] = true
			lines = append(lines, string(line))
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
