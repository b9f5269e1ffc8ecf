package journal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

// Kind names a record type; it is the "type" field of every JSON event.
type Kind string

const (
	KindAssessment Kind = "assessment"
	KindTransition Kind = "transition"
	KindUtterance  Kind = "utterance"
	KindPose       Kind = "pose"
	KindFault      Kind = "fault"
	KindAnnotation Kind = "annotation"
	KindAlert      Kind = "alert"
	// KindAcknowledgement is a carer saying they have seen an alert.
	KindAcknowledgement Kind = "acknowledgement"
	// KindIdentification is a carer saying who the face the robot sees is.
	KindIdentification Kind = "identification"
	// KindSelfReport is a question the robot asked the person, or their
	// answer (issue 16).
	KindSelfReport Kind = "self_report"
	// KindSetting is a value that shaped the run: the seed, the condition,
	// a config key, the build, an input or model file's hash, or a
	// supervisor's change of the mirror's settings mid-run.
	KindSetting Kind = "setting"
)

// Kinds lists every record kind in export order. Settings come first, so
// the values a run started with head its export, before its first record.
var Kinds = []Kind{KindSetting, KindAssessment, KindTransition, KindUtterance, KindPose, KindFault, KindAnnotation, KindAlert,
	KindAcknowledgement, KindIdentification, KindSelfReport}

// Record is one timestamped thing that happened in a session. At is session
// (observation) time, never the wall clock.
type Record interface {
	Kind() Kind
	Time() time.Duration
}

// Items are the five PAINAD-aligned items, 0..2 each.
type Items struct {
	Breathing     float64 `json:"breathing"`
	Vocalisation  float64 `json:"vocalisation"`
	Face          float64 `json:"face"`
	Body          float64 `json:"body"`
	Consolability float64 `json:"consolability"`
}

// ItemsOf converts perception's items.
func ItemsOf(p perception.PainItems) Items {
	return Items{p.Breathing, p.Vocalisation, p.Face, p.Body, p.Consolability}
}

// Vector returns the items in a fixed order: breathing, vocalisation, face,
// body, consolability.
func (i Items) Vector() [5]float64 {
	return [5]float64{i.Breathing, i.Vocalisation, i.Face, i.Body, i.Consolability}
}

// Total is the sum of the items, 0..10.
func (i Items) Total() float64 {
	return i.Breathing + i.Vocalisation + i.Face + i.Body + i.Consolability
}

// Assessment is a fused pain assessment.
type Assessment struct {
	At         time.Duration   `json:"-"`
	Person     string          `json:"person"`
	Score      float64         `json:"score"`
	Items      Items           `json:"items"`
	PSPI       float64         `json:"pspi"`
	Band       perception.Band `json:"band"`
	Confidence float64         `json:"confidence"`
	Cues       []string        `json:"cues"`
	Present    bool            `json:"present"`
	// Says is the person's own rating while it still counts, and Looks
	// the observed score beside it ("says 2, looks 6"); both nil when the
	// person gave none. Score is the higher of the two.
	Says  *int     `json:"says,omitempty"`
	Looks *float64 `json:"looks,omitempty"`
	// Places is where it hurts, as the person said after the rating
	// ("Where does it hurt?"), while the rating counts. It goes to the
	// console and the fleet; the journal file keeps it in the self_report
	// record that answered the question, not on each assessment.
	Places []string `json:"places,omitempty"`
}

// AssessmentOf converts what fusion emits.
func AssessmentOf(a perception.PainAssessment) Assessment {
	r := Assessment{At: a.At, Person: a.Person, Score: a.Score, Items: ItemsOf(a.Items), PSPI: a.PSPI,
		Band: a.Band, Confidence: a.Confidence, Cues: append([]string(nil), a.Cues...), Present: a.Present}
	if a.Says != nil {
		says, looks := a.Says.Rating, a.Looks
		r.Says, r.Looks = &says, &looks
		r.Places = append([]string(nil), a.Says.Places...)
	}
	return r
}

// Shown is the score as a carer reads it beside the gauge: "says 2, looks
// 6", or "says 7, looks 5 · back" with where it hurts, while the person's
// rating counts, else "".
func (a Assessment) Shown() string {
	if a.Says == nil || a.Looks == nil {
		return ""
	}
	s := fmt.Sprintf("says %d, looks %.0f", *a.Says, *a.Looks)
	if len(a.Places) > 0 {
		s += " · " + strings.Join(a.Places, ", ")
	}
	return s
}

// Transition is a change of the behaviour engine's state.
type Transition struct {
	At     time.Duration `json:"-"`
	From   string        `json:"from"`
	To     string        `json:"to"`
	Reason string        `json:"reason"`
	Person string        `json:"person,omitempty"`
	// Source is who caused it: console, mqtt, voice, touch, scenario or sensing.
	Source string `json:"source,omitempty"`
}

// Utterance is something the robot said, or proposes to say when a
// Wizard-of-Oz supervisor must approve it first (Pending with an ID).
type Utterance struct {
	At      time.Duration `json:"-"`
	Person  string        `json:"person,omitempty"`
	Intent  string        `json:"intent"` // a behavior.IntentKind
	Text    string        `json:"text"`
	Lang    string        `json:"lang,omitempty"`
	Tone    string        `json:"tone,omitempty"` // a behavior.Tone
	ID      string        `json:"id,omitempty"`
	Pending bool          `json:"pending,omitempty"`
	// Source is who had it said: empty for the robot's own choice, or the
	// route (console, mqtt, scenario) of a supervisor's say, intent,
	// approval or replacement.
	Source string `json:"source,omitempty"`
}

// PoseSample is where the body's joints were asked to be.
type PoseSample struct {
	At     time.Duration `json:"-"`
	Joints robot.Pose    `json:"joints"`
}

// Level is an alert's urgency.
type Level string

const (
	LevelInfo     Level = "info"
	LevelWarning  Level = "warning"
	LevelUrgent   Level = "urgent"
	LevelResolved Level = "resolved" // the pain behind an earlier alert eased
	// LevelAcknowledged is the "level" of an acknowledgement's JSON: on the
	// fleet's alerts topic it tells a carers' station someone is on the way.
	LevelAcknowledged Level = "acknowledged"
)

// Alert asks a carer to look.
type Alert struct {
	At     time.Duration `json:"-"`
	Person string        `json:"person,omitempty"`
	Level  Level         `json:"level"`
	Score  float64       `json:"score"`
	Reason string        `json:"reason"`
	// Sense is set on a technical alert, the robot telling a carer it
	// cannot see ("camera"), hear ("microphone") or move ("body"), and on
	// its resolution (behavior.Alert.Sense); live only, to the console and the fleet: the
	// journal keeps the reason, which names the device.
	Sense string `json:"sense,omitempty"`
}

// Acknowledgement records that a carer has seen an alert and is dealing
// with it: who, when, and the alert (its person, level, score and reason;
// empty when no alert was open). Its JSON carries "level":"acknowledged".
type Acknowledgement struct {
	At         time.Duration `json:"-"`
	By         string        `json:"by"`
	Person     string        `json:"person,omitempty"`
	AlertLevel Level         `json:"alert_level,omitempty"`
	Score      float64       `json:"score"`
	Reason     string        `json:"reason,omitempty"`
	// Source is the route it came by: console or mqtt.
	Source string `json:"source,omitempty"`
}

// Identification records who the face the robot sees was said to be from
// then on, and by which route (console, mqtt): Person is a resident's id or
// the new pseudonym of someone unknown. Only the new id is kept, so the
// record never links a pseudonym to a named person.
type Identification struct {
	At     time.Duration `json:"-"`
	Person string        `json:"person"`
	Source string        `json:"source"`
}

// SelfReport is one step of the self-report dialogue: a question the robot
// put (Outcome "asked") or what became of it (answered, unclear,
// no_answer, let_be, late), with what was heard and understood.
type SelfReport struct {
	At       time.Duration `json:"-"`
	Person   string        `json:"person,omitempty"`
	Question string        `json:"question"`  // rating, place, call, breathe, opt_out
	Outcome  string        `json:"outcome"`   // a behavior.Outcome
	AnswerBy string        `json:"answer_by"` // voice, nod
	Attempt  int           `json:"attempt"`   // 1, or 2 for the repeat
	Heard    string        `json:"heard,omitempty"`
	Rating   *int          `json:"rating,omitempty"` // 0..10 when one was understood
	Answer   string        `json:"answer,omitempty"` // yes, no
	Places   []string      `json:"places,omitempty"`
	// Confidence is the recogniser's, 0..1, or -1 when it gives none.
	Confidence float64 `json:"confidence"`
	Error      string  `json:"error,omitempty"` // the recogniser failed
}

// Setting is one value that shaped the run, so a lab can reconstruct and
// report it from the record alone: written at the start (Source "config",
// "build", "input" or "model") for the seed, the condition, every config
// key, the version, and the input and model files with their SHA-256, and
// again when a supervisor changes one mid-run (Source "console", "mqtt").
// Value is text: numbers and flags as YAML writes them, durations as Go
// writes them ("1.5s").
type Setting struct {
	At     time.Duration `json:"-"`
	Key    string        `json:"key"`
	Value  string        `json:"value"`
	Source string        `json:"source"`
}

// Fault is a component failing or degrading.
type Fault struct {
	At        time.Duration `json:"-"`
	Component string        `json:"component"`
	Message   string        `json:"message"`
}

// Scale says what an annotation rates.
type Scale string

const (
	ScalePAINAD Scale = "painad" // the five items, 0..2 each; Rating is their total
	ScaleNRS    Scale = "nrs"    // a single 0..10 rating
)

// Annotation is a carer's or experimenter's rating at a moment.
type Annotation struct {
	At        time.Duration `json:"-"`
	Person    string        `json:"person,omitempty"`
	Annotator string        `json:"annotator,omitempty"`
	Scale     Scale         `json:"scale"`
	Items     *Items        `json:"items,omitempty"` // ScalePAINAD only
	Rating    float64       `json:"rating"`          // 0..10
	Note      string        `json:"note,omitempty"`
}

// Validate checks ranges: a bad annotation must not teach replay anything.
func (a Annotation) Validate() error {
	switch a.Scale {
	case ScalePAINAD:
		if a.Items == nil {
			return fmt.Errorf("annotation: painad needs items")
		}
		for _, v := range a.Items.Vector() {
			if math.IsNaN(v) || v < 0 || v > 2 {
				return fmt.Errorf("annotation: painad items must be 0..2")
			}
		}
		if math.Abs(a.Items.Total()-a.Rating) > 1e-9 {
			return fmt.Errorf("annotation: painad rating must equal the item total")
		}
	case ScaleNRS:
		if a.Items != nil {
			return fmt.Errorf("annotation: nrs takes no items")
		}
	default:
		return fmt.Errorf("annotation: scale must be painad or nrs, not %q", a.Scale)
	}
	if math.IsNaN(a.Rating) || a.Rating < 0 || a.Rating > 10 {
		return fmt.Errorf("annotation: rating must be 0..10")
	}
	if a.At < 0 {
		return fmt.Errorf("annotation: at must not be negative")
	}
	return nil
}

func (Assessment) Kind() Kind      { return KindAssessment }
func (Transition) Kind() Kind      { return KindTransition }
func (Utterance) Kind() Kind       { return KindUtterance }
func (PoseSample) Kind() Kind      { return KindPose }
func (Alert) Kind() Kind           { return KindAlert }
func (Fault) Kind() Kind           { return KindFault }
func (Annotation) Kind() Kind      { return KindAnnotation }
func (Acknowledgement) Kind() Kind { return KindAcknowledgement }
func (Identification) Kind() Kind  { return KindIdentification }
func (SelfReport) Kind() Kind      { return KindSelfReport }
func (Setting) Kind() Kind         { return KindSetting }

func (r Assessment) Time() time.Duration      { return r.At }
func (r Transition) Time() time.Duration      { return r.At }
func (r Utterance) Time() time.Duration       { return r.At }
func (r PoseSample) Time() time.Duration      { return r.At }
func (r Alert) Time() time.Duration           { return r.At }
func (r Fault) Time() time.Duration           { return r.At }
func (r Annotation) Time() time.Duration      { return r.At }
func (r Acknowledgement) Time() time.Duration { return r.At }
func (r Identification) Time() time.Duration  { return r.At }
func (r SelfReport) Time() time.Duration      { return r.At }
func (r Setting) Time() time.Duration         { return r.At }

// envelope marshals plain (a record's own fields) behind "type", "at" and
// any extra members.
func envelope(k Kind, at time.Duration, plain any, extra ...string) ([]byte, error) {
	body, err := json.Marshal(plain)
	if err != nil {
		return nil, fmt.Errorf("journal: %s: %w", k, err)
	}
	var b bytes.Buffer
	b.WriteString(`{"type":"`)
	b.WriteString(string(k))
	b.WriteString(`","at":`)
	b.WriteString(strconv.FormatFloat(at.Seconds(), 'f', -1, 64))
	for _, m := range extra {
		b.WriteByte(',')
		b.WriteString(m)
	}
	if len(body) > 2 {
		b.WriteByte(',')
		b.Write(body[1:])
	} else {
		b.WriteByte('}')
	}
	return b.Bytes(), nil
}

// stamp is the part of every event that carries time.
type stamp struct {
	Type Kind    `json:"type"`
	At   float64 `json:"at"`
}

func seconds(s float64) (time.Duration, error) {
	if math.IsNaN(s) || math.IsInf(s, 0) || s < 0 || s > 1e9 {
		return 0, fmt.Errorf("journal: at %v out of range", s)
	}
	return time.Duration(math.Round(s * 1e9)), nil
}

func unenvelope(data []byte, want Kind, plain any) (time.Duration, error) {
	var st stamp
	if err := json.Unmarshal(data, &st); err != nil {
		return 0, fmt.Errorf("journal: %s: %w", want, err)
	}
	if st.Type != "" && st.Type != want {
		return 0, fmt.Errorf("journal: type %q is not %q", st.Type, want)
	}
	if err := json.Unmarshal(data, plain); err != nil {
		return 0, fmt.Errorf("journal: %s: %w", want, err)
	}
	return seconds(st.At)
}

// Every record marshals through the one generic pair below; the methods
// only let encoding/json find it.

func (r Assessment) MarshalJSON() ([]byte, error)     { return marshalRecord(r) }
func (r Transition) MarshalJSON() ([]byte, error)     { return marshalRecord(r) }
func (r Utterance) MarshalJSON() ([]byte, error)      { return marshalRecord(r) }
func (r PoseSample) MarshalJSON() ([]byte, error)     { return marshalRecord(r) }
func (r Alert) MarshalJSON() ([]byte, error)          { return marshalRecord(r) }
func (r Fault) MarshalJSON() ([]byte, error)          { return marshalRecord(r) }
func (r Annotation) MarshalJSON() ([]byte, error)     { return marshalRecord(r) }
func (r Identification) MarshalJSON() ([]byte, error) { return marshalRecord(r) }
func (r SelfReport) MarshalJSON() ([]byte, error)     { return marshalRecord(r) }
func (r Setting) MarshalJSON() ([]byte, error)        { return marshalRecord(r) }

// MarshalJSON adds "level":"acknowledged": on the fleet's alerts topic it
// tells a carers' station someone is on the way.
func (r Acknowledgement) MarshalJSON() ([]byte, error) {
	return marshalRecord(r, `"level":"`+string(LevelAcknowledged)+`"`)
}

func (r *Assessment) UnmarshalJSON(b []byte) error      { return unmarshalRecord(b, r) }
func (r *Transition) UnmarshalJSON(b []byte) error      { return unmarshalRecord(b, r) }
func (r *Utterance) UnmarshalJSON(b []byte) error       { return unmarshalRecord(b, r) }
func (r *PoseSample) UnmarshalJSON(b []byte) error      { return unmarshalRecord(b, r) }
func (r *Alert) UnmarshalJSON(b []byte) error           { return unmarshalRecord(b, r) }
func (r *Fault) UnmarshalJSON(b []byte) error           { return unmarshalRecord(b, r) }
func (r *Annotation) UnmarshalJSON(b []byte) error      { return unmarshalRecord(b, r) }
func (r *Acknowledgement) UnmarshalJSON(b []byte) error { return unmarshalRecord(b, r) }
func (r *Identification) UnmarshalJSON(b []byte) error  { return unmarshalRecord(b, r) }
func (r *SelfReport) UnmarshalJSON(b []byte) error      { return unmarshalRecord(b, r) }
func (r *Setting) UnmarshalJSON(b []byte) error         { return unmarshalRecord(b, r) }

// plainTypes maps each record type to a struct type with the same fields
// and tags and no methods, so encoding/json handles a record's fields
// instead of calling its MarshalJSON or UnmarshalJSON again. Built once at
// start-up and only read after.
var plainTypes = func() map[reflect.Type]reflect.Type {
	m := map[reflect.Type]reflect.Type{}
	for _, r := range []Record{Assessment{}, Transition{}, Utterance{}, PoseSample{}, Alert{}, Fault{},
		Annotation{}, Acknowledgement{}, Identification{}, SelfReport{}, Setting{}} {
		t := reflect.TypeOf(r)
		fields := make([]reflect.StructField, t.NumField())
		for i := range fields {
			f := t.Field(i)
			fields[i] = reflect.StructField{Name: f.Name, Type: f.Type, Tag: f.Tag, Anonymous: f.Anonymous}
		}
		m[t] = reflect.StructOf(fields)
	}
	return m
}()

func plainType(t reflect.Type) reflect.Type {
	p, ok := plainTypes[t]
	if !ok {
		panic("journal: " + t.String() + " is not in plainTypes") // a new record kind must be listed there
	}
	return p
}

// marshalRecord marshals a record's own fields behind "type" and "at"
// (and any extra members, each a `"name":value`).
func marshalRecord[R Record](r R, extra ...string) ([]byte, error) {
	v := reflect.ValueOf(r)
	return envelope(r.Kind(), r.Time(), v.Convert(plainType(v.Type())).Interface(), extra...)
}

// unmarshalRecord decodes a record's JSON event into r, checking its
// "type" and taking At from "at". Fields the event lacks keep their value.
func unmarshalRecord[R Record, P interface {
	*R
	Record
}](data []byte, r P) error {
	v := reflect.ValueOf(r).Elem()
	plain := reflect.New(plainType(v.Type()))
	plain.Elem().Set(v.Convert(plain.Elem().Type()))
	at, err := unenvelope(data, r.Kind(), plain.Interface())
	v.Set(plain.Elem().Convert(v.Type()))
	v.FieldByName("At").SetInt(int64(at))
	return err
}

// Decode reads one JSON event of any kind.
func Decode(data []byte) (Record, error) {
	var st stamp
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("journal: decode: %w", err)
	}
	decode, ok := decoders[st.Type]
	if !ok {
		return nil, fmt.Errorf("journal: decode: unknown type %q", st.Type)
	}
	return decode(data)
}

// decoders reads each kind of record from its JSON event.
var decoders = map[Kind]func([]byte) (Record, error){
	KindAssessment:      decodeAs[Assessment],
	KindTransition:      decodeAs[Transition],
	KindUtterance:       decodeAs[Utterance],
	KindPose:            decodeAs[PoseSample],
	KindAlert:           decodeAs[Alert],
	KindFault:           decodeAs[Fault],
	KindAnnotation:      decodeAs[Annotation],
	KindAcknowledgement: decodeAs[Acknowledgement],
	KindIdentification:  decodeAs[Identification],
	KindSelfReport:      decodeAs[SelfReport],
	KindSetting:         decodeAs[Setting],
}

// decodeAs reads one R through its pointer's UnmarshalJSON and returns the
// value, as records are passed.
func decodeAs[R Record, P interface {
	*R
	Record
}](data []byte) (Record, error) {
	var v R
	if err := json.Unmarshal(data, P(&v)); err != nil {
		return nil, err
	}
	return v, nil
}

// deref turns the pointer Decode filled into the value type callers switch on.
