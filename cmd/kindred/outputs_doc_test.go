package main

import (
	"github.com/kindred-hri/kindred/analysis"

	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/companion"
)

// docs/OUTPUTS.md describes every column and summary field; these tests keep
// its tables and what the code writes in step, so a column added without a
// row (or a row left for a column that went) fails here.

const outputsDoc = "../../docs/OUTPUTS.md"

// docTables reads a Markdown document's tables: for each heading (## or
// ###), the names in backticks that open the first cell of its rows.
func docTables(md string) map[string][]string {
	tables := map[string][]string{}
	heading := ""
	for line := range strings.SplitSeq(md, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "#"):
			heading = strings.TrimSpace(strings.TrimLeft(line, "#"))
		case strings.HasPrefix(line, "| `"):
			cell, _, _ := strings.Cut(strings.TrimPrefix(line, "| `"), "`")
			tables[heading] = append(tables[heading], cell)
		}
	}
	return tables
}

// docSection is the table under the one heading that starts with prefix.
func docSection(t *testing.T, tables map[string][]string, prefix string) []string {
	t.Helper()
	var found []string
	n := 0
	for h, names := range tables {
		if strings.HasPrefix(h, prefix) {
			found = names
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%s: %d tables under a heading starting %q, want 1", outputsDoc, n, prefix)
	}
	return found
}

// sameColumns says how documented differs from written, in order: a CSV's
// columns are positional.
func sameColumns(documented, written []string) error {
	if slices.Equal(documented, written) {
		return nil
	}
	for i := range max(len(documented), len(written)) {
		var d, w string
		if i < len(documented) {
			d = documented[i]
		}
		if i < len(written) {
			w = written[i]
		}
		if d != w {
			return fmt.Errorf("column %d: documented %q, written %q", i+1, d, w)
		}
	}
	return nil
}

// sameFields says which fields are written but undocumented, or documented
// but not written; order does not matter in JSON.
func sameFields(documented, written []string) error {
	var missing, extra []string
	for _, w := range written {
		if !slices.Contains(documented, w) {
			missing = append(missing, w)
		}
	}
	for _, d := range documented {
		if !slices.Contains(written, d) {
			extra = append(extra, d)
		}
	}
	if len(missing)+len(extra) == 0 {
		return nil
	}
	return fmt.Errorf("written but undocumented %v; documented but not written %v", missing, extra)
}

// jsonFields lists the JSON paths of t's fields ("video.pspi.mean"): nested
// structs are followed, maps, slices and scalars are leaves.
func jsonFields(t reflect.Type, prefix string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Tag.Get("json") == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type, prefix)...) // promoted, as encoding/json does
			continue
		}
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			out = append(out, jsonFields(ft, prefix+name+".")...)
			continue
		}
		out = append(out, prefix+name)
	}
	return out
}

func readOutputsDoc(t *testing.T) map[string][]string {
	t.Helper()
	md, err := os.ReadFile(outputsDoc)
	if err != nil {
		t.Fatal(err)
	}
	return docTables(string(md))
}

func TestOutputsDocMatchesCSVHeaders(t *testing.T) {
	tables := readOutputsDoc(t)
	for _, c := range []struct{ section, header string }{
		{"Per-frame CSV", analysis.FrameCSVHeader},
		{"Voice CSV", analysis.VoiceCSVHeader},
	} {
		if err := sameColumns(docSection(t, tables, c.section), strings.Split(c.header, ",")); err != nil {
			t.Errorf("%s, %q table: %v", outputsDoc, c.section, err)
		}
	}
}

func TestOutputsDocMatchesSummaryFields(t *testing.T) {
	tables := readOutputsDoc(t)
	analyzeFields := jsonFields(reflect.TypeFor[analysis.Summary](), "")
	for _, c := range []struct {
		section string
		written []string
	}{
		{"`kindred analyze --summary`", analyzeFields},
		{"`kindred run --summary", jsonFields(reflect.TypeFor[companion.Summary](), "")},
	} {
		if err := sameFields(docSection(t, tables, c.section), c.written); err != nil {
			t.Errorf("%s, %q table: %v", outputsDoc, c.section, err)
		}
	}
}

// The comparisons above must catch a column or field added without a row,
// one documented out of place, and a row left behind.
func TestOutputsDocCheckCatchesDrift(t *testing.T) {
	doc := strings.Split(analysis.FrameCSVHeader, ",")
	type withExtra struct {
		companion.Summary
		Extra int `json:"new_field"`
	}
	swapped := slices.Clone(doc)
	swapped[0], swapped[1] = swapped[1], swapped[0]
	cases := []struct {
		name string
		err  error
		want string // named in the error
	}{
		{"csv column added", sameColumns(doc, append(slices.Clone(doc), "new_col")), "new_col"},
		{"csv column order", sameColumns(swapped, doc), "face_id"},
		{"csv column removed", sameColumns(append(slices.Clone(doc), "old_col"), doc), "old_col"},
		{"summary field added", sameFields(jsonFields(reflect.TypeFor[companion.Summary](), ""), jsonFields(reflect.TypeFor[withExtra](), "")), "new_field"},
		{"summary field removed", sameFields([]string{"a", "gone"}, []string{"a"}), "gone"},
	}
	for _, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v, want one naming %s", c.name, c.err, c.want)
		}
	}
	if err := sameColumns(doc, doc); err != nil {
		t.Errorf("identical columns: %v", err)
	}
}
