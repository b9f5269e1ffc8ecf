package behavior

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/internal/goldenfile"
)

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), []byte(got))
}

func TestMermaidGolden(t *testing.T) {
	golden(t, "fsm.mmd", Mermaid(DefaultConfig()))
}

// The diagram and the fsm come from one table: every drawn edge must be a
// transition the running machine takes, and every state must appear.
func TestMermaidMatchesMachine(t *testing.T) {
	diagram := Mermaid(DefaultConfig())
	for _, e := range transitions() {
		for _, from := range e.from {
			m := newMachine(from)
			if !m.can(e.on) {
				t.Errorf("machine cannot %s from %s", e.on, from)
				continue
			}
			if _, to, ok, err := m.fire(e.on); !ok || err != nil || to != e.to {
				t.Errorf("%s from %s: to %s ok=%v err=%v, want %s", e.on, from, to, ok, err, e.to)
			}
			line := "    " + string(from) + " --> " + string(e.to) + ": " + string(e.on) + " ["
			if !strings.Contains(diagram, line) {
				t.Errorf("diagram lacks %q", line)
			}
		}
	}
	for _, s := range States {
		if !strings.Contains(diagram, " "+string(s)+" ") && !strings.Contains(diagram, " "+string(s)+":") {
			t.Errorf("state %s missing from the diagram", s)
		}
	}
	if !strings.HasPrefix(diagram, "stateDiagram-v2\n    [*] --> idle\n") {
		t.Errorf("diagram header: %q", diagram[:min(len(diagram), 60)])
	}
}

// A trigger that does not apply leaves the machine where it was.
func TestMachineRefusesInapplicableTriggers(t *testing.T) {
	m := newMachine(StateAsleep)
	if _, to, ok, err := m.fire(trPainEased); ok || err != nil || to != StateAsleep {
		t.Fatalf("pain_eased from asleep: to %s ok=%v err=%v", to, ok, err)
	}
	if m.current() != StateAsleep {
		t.Fatalf("state %s, want asleep", m.current())
	}
}
