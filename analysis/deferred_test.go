package analysis

import (
	"errors"
	"slices"
	"testing"

	"github.com/kindred-hri/kindred/perception/keywords"
)

// recordingVerifier records the calls made to it.
type recordingVerifier struct {
	calls *[]string
	ok    bool
}

func (r recordingVerifier) Verify(x []float32, at int) (bool, error) {
	*r.calls = append(*r.calls, "verify")
	return r.ok, nil
}

func (r recordingVerifier) Close() error {
	*r.calls = append(*r.calls, "close")
	return nil
}

// The "help" verifier of analyze is loaded at its first verification, and
// only then: a recording without a spot never loads it.
func TestDeferredVerifier(t *testing.T) {
	errLoad := errors.New("model gone")
	cases := []struct {
		name     string
		verifies int
		openErr  error
		want     []string
	}{
		{"no spot: never opened", 0, nil, []string{"new", "close"}},
		{"one spot: opened then", 1, nil, []string{"new", "open", "verify", "close", "close"}},
		{"two spots: opened once", 2, nil, []string{"new", "open", "verify", "verify", "close", "close"}},
		{"a failed open fails the verification", 1, errLoad, []string{"new", "open", "close"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var calls []string
			open := func() (keywords.Verifier, error) {
				calls = append(calls, "open")
				if c.openErr != nil {
					return nil, c.openErr
				}
				return recordingVerifier{&calls, true}, nil
			}
			v, err := deferredVerifier(open)()
			if err != nil {
				t.Fatal(err)
			}
			calls = append(calls, "new")
			for range c.verifies {
				ok, err := v.Verify(make([]float32, 16), 8)
				if !errors.Is(err, c.openErr) || ok != (c.openErr == nil) {
					t.Errorf("Verify = %v, %v", ok, err)
				}
			}
			if err := v.Close(); err != nil {
				t.Fatal(err)
			}
			calls = append(calls, "close")
			if !slices.Equal(calls, c.want) {
				t.Errorf("calls %q, want %q", calls, c.want)
			}
		})
	}
}
