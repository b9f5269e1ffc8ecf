package analysis

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/kindred-hri/kindred/internal/staged"
)

// reportPage is the interactive report: one self-contained HTML file whose
// small hand-written script draws the series as SVG, with zoom (drag or
// wheel) and hover read-outs. It fetches nothing: a report is opened on
// machines without a network, and a page about a person's pain should not
// call out to anyone.
//
//go:embed report.html
var reportPage string

// reportPanel is one plot of the page, sharing the time axis with the others.
type reportPanel struct {
	ID    string  `json:"id"`
	Title string  `json:"title"`
	Max   float64 `json:"max"`  // top of the value axis (the bottom is 0)
	Kind  string  `json:"kind"` // "line" or "strip" (expression labels)
}

var reportPanels = []reportPanel{
	{"pspi", "PSPI, Prkachin–Solomon Pain Intensity (0–16)", 16, "line"},
	{"pain", "Fused pain score, PAINAD-aligned (0–10; mild from 1, moderate from 4, severe from 7)", 10, "line"},
	{"au", "Action units, FACS intensity (0–5; AU43 eyes closed 0 or 1)", 5, "line"},
	{"expr", "Expression", 1, "strip"},
}

// exprColors are the expression strip's colours, one per label.
var exprColors = map[string]string{
	"neutral": "#b8b8b8", "pain": "#c81e1e", "happy": "#28a028", "sad": "#3c64c8", "surprise": "#e69614",
}

type reportSeriesData struct {
	ID     string     `json:"id"`
	Panel  string     `json:"panel"`
	Name   string     `json:"name"`
	Color  string     `json:"color"`
	Values []*float64 `json:"v"` // null where the series has no value (no face)
}

type reportData struct {
	T          []float64          `json:"t"`     // seconds
	Frame      []int              `json:"frame"` // the CSV's frame column
	Panels     []reportPanel      `json:"panels"`
	Series     []reportSeriesData `json:"series"`
	Expr       []string           `json:"expr"` // "" where no face
	ExprColors map[string]string  `json:"expr_colors"`
}

// newReportData lays out the analysis for the page's script, leaving out
// the panels that would be empty (an audio-only run has no face).
func newReportData(res *analysis) *reportData {
	d := &reportData{T: make([]float64, len(res.series)), Frame: make([]int, len(res.series)),
		Expr: make([]string, len(res.series)), ExprColors: exprColors}
	used := map[string]bool{}
	for i := range res.series {
		r := &res.series[i]
		d.T[i] = roundMilli(r.At.Seconds())
		d.Frame[i] = r.Frame
		if r.Face != nil && r.Face.Expression != "" {
			d.Expr[i] = string(r.Face.Expression)
			used["expr"] = true
		}
	}
	for _, s := range reportSeries {
		sd := reportSeriesData{ID: s.id, Panel: s.panel, Name: s.name, Values: make([]*float64, len(res.series)),
			Color: fmt.Sprintf("#%02x%02x%02x", s.color.R, s.color.G, s.color.B)}
		any := false
		for i := range res.series {
			if v, ok := s.value(&res.series[i]); ok {
				v = math.Round(v*1000) / 1000
				sd.Values[i] = &v
				any = true
			}
		}
		if any {
			d.Series = append(d.Series, sd)
			used[s.panel] = true
		}
	}
	for _, p := range reportPanels {
		if used[p.ID] {
			d.Panels = append(d.Panels, p)
		}
	}
	return d
}

// writeHTMLReport writes the interactive page with the analysis's series
// and its summary.
func writeHTMLReport(outs *staged.Outputs, path string, res *analysis) error {
	// encoding/json escapes <, > and &, so the data cannot close its script
	// element.
	data, err := json.Marshal(newReportData(res))
	if err != nil {
		return err
	}
	sum, err := json.MarshalIndent(res.summary(), "", "  ")
	if err != nil {
		return err
	}
	page := strings.NewReplacer(
		"{{TITLE}}", htmlEscape(reportTitle(res)),
		"{{SUMMARY}}", htmlEscape(string(sum)),
		"{{DATA}}", string(data),
	).Replace(reportPage)
	return outs.WriteFile(path, []byte(page))
}
