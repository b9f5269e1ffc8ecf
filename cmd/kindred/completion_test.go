package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The completion script, run in a real bash, completes commands, actions
// and each command's flags wherever they stand (flags may follow the text).
func TestCompletionInBash(t *testing.T) {
	code, script, stderr := runKindred(t, "completion", "bash")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	path := filepath.Join(t.TempDir(), "kindred.bash")
	if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		words []string
		want  string
	}{
		{[]string{"kindred", "an"}, "analyze"},
		{[]string{"kindred", "--ver"}, "--version"},
		{[]string{"kindred", "say", "--l"}, "--lang"},
		{[]string{"kindred", "say", "Hello", "--o"}, "--out"},
		{[]string{"kindred", "sessions", "ex"}, "export"},
		{[]string{"kindred", "sessions", "export", "--f"}, "--format"},
		{[]string{"kindred", "calibrate", "person", "--na"}, "--name"},
		{[]string{"kindred", "run", "--mqtt-c"}, "--mqtt-control"},
		{[]string{"kindred", "completion", "z"}, "zsh"},
		{[]string{"kindred", "fleet", "s"}, "sign"}, // fleet's help did not begin "usage: kindred"
		{[]string{"kindred", "fleet", "sign", "--r"}, "--robot"},
	} {
		quoted := make([]string, len(tc.words))
		for i, w := range tc.words {
			quoted[i] = "'" + w + "'"
		}
		cmd := exec.Command("bash", "-c", `source "$1"; COMP_WORDS=(`+strings.Join(quoted, " ")+`); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _kindred; echo "${COMPREPLY[*]}"`, "bash", path)
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != tc.want {
			t.Errorf("%v: completed %q (%v), want %q", tc.words, out, err, tc.want)
		}
	}
	if code, _, _ := runKindred(t, "completion", "fish"); code != 2 {
		t.Errorf("completion fish: exit %d, want 2", code)
	}
}
