// Package staged writes the files a command produces about a person (their
// face, voice and pain): each is staged beside its destination, mode 0600,
// and takes its name only when the whole run has succeeded.
package staged
