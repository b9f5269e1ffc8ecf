package journal

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

// Format is an export format.
type Format string

const (
	FormatCSV   Format = "csv"
	FormatJSONL Format = "jsonl"
)

// ParseFormat accepts "csv" or "jsonl".
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case FormatCSV, FormatJSONL:
		return f, nil
	}
	return "", fmt.Errorf("format must be csv or jsonl, not %q", s)
}

// CSVHeader is the export's column list. It is a contract: columns are only
// ever added at the end. A cell is empty when the record's type lacks it.
var CSVHeader = []string{"session", "type", "at_s", "person", "score", "breathing", "vocalisation", "face",
	"body", "consolability", "pspi", "band", "confidence", "cues", "present", "from", "to", "reason", "intent",
	"text", "lang", "tone", "id", "pending", "joints", "level", "message", "component", "annotator", "scale",
	"rating", "note", "source", "by", "alert_level", "says", "looks", "question", "outcome", "answer_by", "attempt",
	"heard", "answer", "places", "error", "key", "value"}

var column = func() map[string]int {
	m := make(map[string]int, len(CSVHeader))
	for i, c := range CSVHeader {
		m[c] = i
	}
	return m
}()

// Export writes a session's records: JSONL is one stream event per line
// (the console's shape); CSV has the CSVHeader columns.
func (j *Journal) Export(ctx context.Context, session string, f Format, w io.Writer) error {
	recs, err := j.Records(ctx, session)
	if err != nil {
		return err
	}
	switch f {
	case FormatJSONL:
		return WriteJSONL(w, recs)
	case FormatCSV:
		return WriteCSV(w, session, recs)
	}
	return fmt.Errorf("journal: export: unknown format %q", f)
}

// WriteJSONL writes one JSON event per line.
func WriteJSONL(w io.Writer, recs []Record) error {
	bw := bufio.NewWriter(w)
	for _, r := range recs {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("journal: export jsonl: %w", err)
	}
	return nil
}

// ReadJSONL reads what WriteJSONL wrote.
func ReadJSONL(r io.Reader) ([]Record, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	var out []Record
	for line := 1; sc.Scan(); line++ {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		rec, err := Decode(sc.Bytes())
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("journal: read jsonl: %w", err)
	}
	return out, nil
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func boolCell(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func jsonCell(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func setItems(row []string, it Items) {
	row[column["breathing"]] = num(it.Breathing)
	row[column["vocalisation"]] = num(it.Vocalisation)
	row[column["face"]] = num(it.Face)
	row[column["body"]] = num(it.Body)
	row[column["consolability"]] = num(it.Consolability)
}

// formattedColumns hold what this package formats: numbers (which may be
// negative and must stay numbers), 0/1, and JSON (which starts with [ or {).
// Every other column may hold text from outside: names, reasons, notes,
// speech, fault messages.
var formattedColumns = map[string]bool{"at_s": true, "score": true, "breathing": true, "vocalisation": true,
	"face": true, "body": true, "consolability": true, "pspi": true, "confidence": true, "present": true,
	"pending": true, "rating": true, "cues": true, "joints": true}

// formulaTriggers are the first characters that make a spreadsheet read a
// cell as a formula (OWASP, "CSV Injection":
// https://owasp.org/www-community/attacks/CSV_Injection).
const formulaTriggers = "=+-@\t\r"

// neutralise keeps a text cell from being read as a formula by prefixing a
// single quote, which spreadsheets show as text. To stay reversible it also
// prefixes a text that already starts with quotes followed by a trigger
// (the text '=1 gets a second quote), so the reader can drop exactly one
// quote from any cell of the form quotes-then-trigger and get the text
// back; a text like 'tis is written as it is.
func neutralise(s string) string {
	if quotedTrigger(s, 0) {
		return "'" + s
	}
	return s
}

// unneutralise undoes neutralise.
func unneutralise(s string) string {
	if quotedTrigger(s, 1) {
		return s[1:]
	}
	return s
}

// quotedTrigger reports whether s is at least minQuotes single quotes
// followed by a formula trigger.
func quotedTrigger(s string, minQuotes int) bool {
	rest := strings.TrimLeft(s, "'")
	return len(s)-len(rest) >= minQuotes && rest != "" && strings.IndexByte(formulaTriggers, rest[0]) >= 0
}

// CSVRow flattens one record into CSVHeader columns. Text cells that a
// spreadsheet would run as a formula are neutralised with a leading quote
// (see neutralise); ReadCSV removes it again.
func CSVRow(session string, r Record) []string {
	row := csvRow(session, r)
	for i, col := range CSVHeader {
		if !formattedColumns[col] {
			row[i] = neutralise(row[i])
		}
	}
	return row
}

func csvRow(session string, r Record) []string {
	row := make([]string, len(CSVHeader))
	set := func(col, v string) { row[column[col]] = v }
	set("session", session)
	set("type", string(r.Kind()))
	set("at_s", num(r.Time().Seconds()))
	switch v := r.(type) {
	case Assessment:
		set("person", v.Person)
		set("score", num(v.Score))
		setItems(row, v.Items)
		set("pspi", num(v.PSPI))
		set("band", string(v.Band))
		set("confidence", num(v.Confidence))
		set("cues", jsonCell(nonNil(v.Cues)))
		set("present", boolCell(v.Present))
		if v.Says != nil && v.Looks != nil {
			set("says", strconv.Itoa(*v.Says))
			set("looks", num(*v.Looks))
		}
	case Transition:
		set("from", v.From)
		set("to", v.To)
		set("reason", v.Reason)
		set("person", v.Person)
		set("source", v.Source)
	case Utterance:
		set("person", v.Person)
		set("intent", v.Intent)
		set("text", v.Text)
		set("lang", v.Lang)
		set("tone", v.Tone)
		set("id", v.ID)
		set("pending", boolCell(v.Pending))
		set("source", v.Source)
	case PoseSample:
		set("joints", jsonCell(v.Joints))
	case Fault:
		set("component", v.Component)
		set("message", v.Message)
	case Annotation:
		set("person", v.Person)
		set("annotator", v.Annotator)
		set("scale", string(v.Scale))
		if v.Items != nil {
			setItems(row, *v.Items)
		}
		set("rating", num(v.Rating))
		set("note", v.Note)
	case Alert:
		set("person", v.Person)
		set("level", string(v.Level))
		set("score", num(v.Score))
		set("reason", v.Reason)
	case Acknowledgement:
		set("person", v.Person)
		set("level", string(LevelAcknowledged))
		set("score", num(v.Score))
		set("reason", v.Reason)
		set("by", v.By)
		set("alert_level", string(v.AlertLevel))
		set("source", v.Source)
	case Identification:
		set("person", v.Person)
		set("source", v.Source)
	case Setting:
		set("key", v.Key)
		set("value", v.Value)
		set("source", v.Source)
	case SelfReport:
		set("person", v.Person)
		set("question", v.Question)
		set("outcome", v.Outcome)
		set("answer_by", v.AnswerBy)
		set("attempt", strconv.Itoa(v.Attempt))
		set("heard", v.Heard)
		if v.Rating != nil {
			set("rating", strconv.Itoa(*v.Rating))
		}
		set("answer", v.Answer)
		if len(v.Places) > 0 {
			set("places", jsonCell(v.Places))
		}
		set("confidence", num(v.Confidence))
		set("error", v.Error)
	}
	return row
}

// WriteCSV writes the header and one row per record.
func WriteCSV(w io.Writer, session string, recs []Record) error {
	cw := csv.NewWriter(w)
	cw.Write(CSVHeader)
	for _, r := range recs {
		cw.Write(CSVRow(session, r))
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("journal: export csv: %w", err)
	}
	return nil
}

// ReadCSV reads what WriteCSV wrote (any session), for re-import and tests.
func ReadCSV(r io.Reader) ([]Record, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("journal: read csv: header: %w", err)
	}
	if len(head) < len(CSVHeader) || strings.Join(head[:len(CSVHeader)], ",") != strings.Join(CSVHeader, ",") {
		return nil, fmt.Errorf("journal: read csv: header is not the export header")
	}
	var out []Record
	for line := 2; ; line++ {
		row, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("journal: read csv: %w", err)
		}
		if len(row) < len(CSVHeader) {
			return nil, fmt.Errorf("journal: read csv: line %d: %d columns, want %d", line, len(row), len(CSVHeader))
		}
		rec, err := parseRow(row)
		if err != nil {
			return nil, fmt.Errorf("journal: read csv: line %d: %w", line, err)
		}
		out = append(out, rec)
	}
}

// rowParser collects the first error while reading cells.
type rowParser struct {
	row []string
	err error
}

// s reads a text cell, undoing the writer's formula neutralisation.
func (p *rowParser) s(col string) string { return unneutralise(p.row[column[col]]) }

// raw reads a formatted cell (a number, 0/1 or JSON), never neutralised.
func (p *rowParser) raw(col string) string { return p.row[column[col]] }

func (p *rowParser) f(col string) float64 {
	v, err := strconv.ParseFloat(p.raw(col), 64)
	if err != nil && p.err == nil {
		p.err = fmt.Errorf("%s: %w", col, err)
	}
	return v
}

func (p *rowParser) b(col string) bool {
	switch p.raw(col) {
	case "1":
		return true
	case "0":
		return false
	}
	if p.err == nil {
		p.err = fmt.Errorf("%s: want 0 or 1", col)
	}
	return false
}

func (p *rowParser) json(col string, v any) {
	if err := json.Unmarshal([]byte(p.raw(col)), v); err != nil && p.err == nil {
		p.err = fmt.Errorf("%s: %w", col, err)
	}
}

func (p *rowParser) items() Items {
	return Items{p.f("breathing"), p.f("vocalisation"), p.f("face"), p.f("body"), p.f("consolability")}
}

func parseRow(row []string) (Record, error) {
	p := &rowParser{row: row}
	at, err := seconds(p.f("at_s"))
	if p.err != nil {
		return nil, p.err
	}
	if err != nil {
		return nil, err
	}
	var r Record
	switch Kind(p.s("type")) {
	case KindAssessment:
		a := Assessment{At: at, Person: p.s("person"), Score: p.f("score"), Items: p.items(), PSPI: p.f("pspi"),
			Band: perception.Band(p.s("band")), Confidence: p.f("confidence"), Present: p.b("present")}
		p.json("cues", &a.Cues)
		if p.raw("says") != "" {
			says, looks := int(p.f("says")), p.f("looks")
			a.Says, a.Looks = &says, &looks
		}
		r = a
	case KindTransition:
		r = Transition{At: at, From: p.s("from"), To: p.s("to"), Reason: p.s("reason"), Person: p.s("person"), Source: p.s("source")}
	case KindUtterance:
		r = Utterance{At: at, Person: p.s("person"), Intent: p.s("intent"), Text: p.s("text"), Lang: p.s("lang"),
			Tone: p.s("tone"), ID: p.s("id"), Pending: p.b("pending"), Source: p.s("source")}
	case KindPose:
		var j robot.Pose
		p.json("joints", &j)
		r = PoseSample{At: at, Joints: j}
	case KindFault:
		r = Fault{At: at, Component: p.s("component"), Message: p.s("message")}
	case KindAnnotation:
		a := Annotation{At: at, Person: p.s("person"), Annotator: p.s("annotator"), Scale: Scale(p.s("scale")),
			Rating: p.f("rating"), Note: p.s("note")}
		if p.raw("breathing") != "" {
			it := p.items()
			a.Items = &it
		}
		r = a
	case KindAlert:
		r = Alert{At: at, Person: p.s("person"), Level: Level(p.s("level")), Score: p.f("score"), Reason: p.s("reason")}
	case KindAcknowledgement:
		r = Acknowledgement{At: at, By: p.s("by"), Person: p.s("person"), AlertLevel: Level(p.s("alert_level")),
			Score: p.f("score"), Reason: p.s("reason"), Source: p.s("source")}
	case KindIdentification:
		r = Identification{At: at, Person: p.s("person"), Source: p.s("source")}
	case KindSetting:
		r = Setting{At: at, Key: p.s("key"), Value: p.s("value"), Source: p.s("source")}
	case KindSelfReport:
		s := SelfReport{At: at, Person: p.s("person"), Question: p.s("question"), Outcome: p.s("outcome"),
			AnswerBy: p.s("answer_by"), Attempt: int(p.f("attempt")), Heard: p.s("heard"), Answer: p.s("answer"),
			Confidence: p.f("confidence"), Error: p.s("error")}
		if p.raw("rating") != "" {
			v := int(p.f("rating"))
			s.Rating = &v
		}
		if p.raw("places") != "" {
			p.json("places", &s.Places)
		}
		r = s
	default:
		return nil, fmt.Errorf("type: unknown %q", p.s("type"))
	}
	return r, p.err
}
