package soundevents

import (
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/models"
)

func TestParseClassMapResolvesGroups(t *testing.T) {
	m, err := ParseClassMap(models.YAMNetClassMap)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		g     Group
		first string
		n     int
	}{
		{GroupSpeech, "Speech", 5},
		{GroupMoan, "Groan", 3},
		{GroupScream, "Screaming", 4},
		{GroupLaugh, "Laughter", 6},
		{GroupAnimal, "Animal", 65},
	} {
		mem := m.Members(tc.g)
		if len(mem) != tc.n || m.Name(mem[0]) != tc.first {
			t.Errorf("group %s: %d members starting %q; want %d starting %q", tc.g, len(mem), m.Name(mem[0]), tc.n, tc.first)
		}
	}
	for _, g := range Groups {
		if len(m.Members(g)) == 0 {
			t.Errorf("group %s is empty", g)
		}
	}
}

func TestParseClassMapRejects(t *testing.T) {
	real := string(models.YAMNetClassMap)
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "header"},
		{"too few", "index,mid,display_name\n0,/m/x,Speech\n", "want 521"},
		{"out of order", "index,mid,display_name\n1,/m/x,Speech\n", "in order"},
		{"renamed member", strings.Replace(real, "Wail, moan", "Wail", 1), `no "Wail, moan"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseClassMap([]byte(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestClipScores(t *testing.T) {
	m, err := ParseClassMap(models.YAMNetClassMap)
	if err != nil {
		t.Fatal(err)
	}
	groan, wail := m.Members(GroupMoan)[0], m.Members(GroupMoan)[1]
	var a, b Scores
	a[groan], a[wail] = 0.2, 0.6 // group takes the larger member
	b[groan] = 0.4
	c := m.Clip([]Window{{At: 0, Scores: &a}, {At: 480 * time.Millisecond, Scores: &b}})
	if c.Max[GroupMoan] < 0.6-1e-6 || c.Max[GroupMoan] > 0.6+1e-6 {
		t.Errorf("max moan = %v, want 0.6", c.Max[GroupMoan])
	}
	if c.Mean[GroupMoan] < 0.5-1e-6 || c.Mean[GroupMoan] > 0.5+1e-6 {
		t.Errorf("mean moan = %v, want 0.5", c.Mean[GroupMoan])
	}
	if c.Max[GroupCry] != 0 {
		t.Errorf("cry = %v, want 0", c.Max[GroupCry])
	}
}
