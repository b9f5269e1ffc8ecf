package perception

import (
	"fmt"
	"image"
	"strings"
	"time"
)

// Point is an image position in pixels.
type Point struct{ X, Y float64 }

// HeadPose is the head's orientation, camera frame:
// yaw positive to the person's left as the camera sees it (turning to image right),
// pitch positive looking up, roll positive tilting clockwise in the image.
type HeadPose struct{ Yaw, Pitch, Roll Angle }

// AUs holds facial action unit intensities on the FACS 0..5 scale
// (0 absent, 1..5 for A..E). AU43 (eyes closed) is 0 or 1.
type AUs struct {
	AU01, AU02, AU04, AU06, AU07, AU09, AU10, AU12, AU15, AU25, AU26, AU43 float64
}

// PSPI is the Prkachin–Solomon Pain Intensity, computed faithfully from the
// action units: AU4 + max(AU6, AU7) + max(AU9, AU10) + AU43, range 0..16.
func (a AUs) PSPI() float64 {
	return a.AU04 + max(a.AU06, a.AU07) + max(a.AU09, a.AU10) + a.AU43
}

// Expression is the face's expression label; it, not PSPI, separates pain
// from laughter.
type Expression string

const (
	ExprUnknown  Expression = ""
	ExprNeutral  Expression = "neutral"
	ExprPain     Expression = "pain"
	ExprHappy    Expression = "happy"
	ExprSad      Expression = "sad"
	ExprSurprise Expression = "surprise"
)

// FaceObs is one face in one frame.
type FaceObs struct {
	At           time.Duration
	Track        int             // stable while the face stays in view
	Box          image.Rectangle // pixels
	Confidence   float64         // 0..1; lowered when landmarks are guesses (occlusion)
	Landmarks    [68]Point       // iBUG 68-point scheme; zero when HasLandmarks is false
	HasLandmarks bool
	Pose         HeadPose
	AU           AUs
	PSPI         float64 // 0..16
	Expression   Expression
	Wall         time.Time // when the frame entered the pipeline (latency accounting)
	// Blendshapes are the face mesh's 52 blendshape scores (0..1, in
	// BlendshapeNames order); zero when HasBlendshapes is false (the dlib
	// backend gives none).
	Blendshapes    Blendshapes
	HasBlendshapes bool
	// Carried is set when no landmark fit ran on this frame (the face
	// pipeline's mesh schedule, face.Opts.MeshEvery and MeshRate): the
	// face is still tracked and present, but its landmarks, AUs, PSPI and
	// expression are those of its last fitted frame (or, offline,
	// interpolated between the fitted frames around it). They are no new
	// evidence: fusion counts the face as present and nothing more.
	Carried bool
}

// Blendshapes are MediaPipe's 52 ARKit-style blendshape coefficients, each
// 0..1, indexed as BlendshapeNames (index 0 is "_neutral").
type Blendshapes [52]float32

// BlendshapeNames names the blendshape scores in model order (the
// MediaPipe Face Landmarker v2 blendshape model's output order).
var BlendshapeNames = [52]string{
	"_neutral", "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft", "browOuterUpRight",
	"cheekPuff", "cheekSquintLeft", "cheekSquintRight", "eyeBlinkLeft", "eyeBlinkRight",
	"eyeLookDownLeft", "eyeLookDownRight", "eyeLookInLeft", "eyeLookInRight", "eyeLookOutLeft",
	"eyeLookOutRight", "eyeLookUpLeft", "eyeLookUpRight", "eyeSquintLeft", "eyeSquintRight",
	"eyeWideLeft", "eyeWideRight", "jawForward", "jawLeft", "jawOpen", "jawRight", "mouthClose",
	"mouthDimpleLeft", "mouthDimpleRight", "mouthFrownLeft", "mouthFrownRight", "mouthFunnel",
	"mouthLeft", "mouthLowerDownLeft", "mouthLowerDownRight", "mouthPressLeft", "mouthPressRight",
	"mouthPucker", "mouthRight", "mouthRollLower", "mouthRollUpper", "mouthShrugLower",
	"mouthShrugUpper", "mouthSmileLeft", "mouthSmileRight", "mouthStretchLeft", "mouthStretchRight",
	"mouthUpperUpLeft", "mouthUpperUpRight", "noseSneerLeft", "noseSneerRight",
}

// VocalClass names a kind of vocalisation.
type VocalClass string

const (
	VocalSilence VocalClass = "silence"
	VocalSpeech  VocalClass = "speech"
	VocalLaugh   VocalClass = "laugh"
	VocalCough   VocalClass = "cough"
	VocalMoan    VocalClass = "moan"
	VocalCry     VocalClass = "cry"
	VocalScream  VocalClass = "scream"
	VocalSigh    VocalClass = "sigh"
	VocalPant    VocalClass = "pant"
	VocalOther   VocalClass = "other"
)

// Vocalisation is the class of the last analysis window and how distressed it sounds.
type Vocalisation struct {
	Class    VocalClass
	Distress float64 // 0..1
}

// VoiceObs is one analysis hop (10 ms) of the voice stream.
type VoiceObs struct {
	At           time.Duration
	Voiced       bool
	F0           float64 // Hz, 0 when unvoiced
	IntensityDB  float64 // dB
	HNR          float64 // dB
	Vocalisation Vocalisation
	Keyword      string    // "ouch", "stop", ... when spotted on this hop
	Wall         time.Time // when the audio entered the pipeline
}

// PostureObs describes movement qualities over the last window, each 0..1
// unless noted.
type PostureObs struct {
	At            time.Duration
	Amplitude     float64
	Speed         float64
	Jerk          float64 // the opposite of fluidity
	Rocking       float64
	Restlessness  float64
	Guarding      float64   // unusually still, braced
	BreathingRate float64   // breaths per minute, 0 when not visible
	Wall          time.Time // when the frame entered the pipeline
}

// Modality names a sensing channel.
type Modality string

const (
	ModFace    Modality = "face"
	ModVoice   Modality = "voice"
	ModPosture Modality = "posture"
	ModSensors Modality = "sensors"
)

// EventKind names a discrete perception event.
type EventKind string

const (
	EventArrived      EventKind = "arrived"       // a person came into view; Person set
	EventLeft         EventKind = "left"          // the person left
	EventKeyword      EventKind = "keyword"       // a spoken keyword; Text set
	EventTouch        EventKind = "touch"         // a touch sensor fired; Text names the sensor
	EventModalityLost EventKind = "modality_lost" // Modality set; Text says why
	EventModalityBack EventKind = "modality_back" // Modality set
	EventComforted    EventKind = "comforted"     // the robot comforted (scenario or behaviour)
	// EventForgotten: the person Person was deleted while the run went on;
	// whoever was taken to be them is known as Text from now on (a
	// pseudonym). Not a departure: they may be in view, and in pain.
	EventForgotten EventKind = "forgotten"
)

// Event is a discrete observation that must never be dropped.
type Event struct {
	At       time.Duration
	Kind     EventKind
	Person   string
	Text     string
	Modality Modality
}

// Band is a pain band on the PAINAD-aligned 0..10 score.
type Band string

const (
	BandNone     Band = "none"
	BandMild     Band = "mild"
	BandModerate Band = "moderate"
	BandSevere   Band = "severe"
)

// BandOf maps a 0..10 score to its band: 0–<1 none, 1–3 mild, 4–6 moderate, 7–10 severe
// (scores between the integer cut-offs go to the lower band).
func BandOf(score float64) Band {
	switch {
	case score >= 7:
		return BandSevere
	case score >= 4:
		return BandModerate
	case score >= 1:
		return BandMild
	default:
		return BandNone
	}
}

// PainItems are the five PAINAD-aligned items, each 0..2.
type PainItems struct {
	Breathing, Vocalisation, Face, Body, Consolability float64
}

// Total is the sum of the items, 0..10.
func (p PainItems) Total() float64 {
	return p.Breathing + p.Vocalisation + p.Face + p.Body + p.Consolability
}

// PainAssessment is what fusion emits, about 10 times a second.
type PainAssessment struct {
	At         time.Duration
	Person     string
	Score      float64 // 0..10, PAINAD-aligned
	Items      PainItems
	PSPI       float64
	Band       Band
	Confidence float64  // 0..1
	Cues       []string // why, in plain words
	Present    bool     // a person is there at all
	// Observed is the wall-clock instant the newest observation behind this
	// assessment entered the pipeline; the run summary's latency starts here.
	Observed time.Time
	// Looks is the score observed (the PAINAD items); Score is the higher
	// of it and what the person said (Says), never an average of the two.
	Looks float64
	// Says is the person's own latest 0–10 rating while it still counts
	// (nil when none), with how much it still weighs.
	Says *SelfReport
	// Stale is how much of Score (0..10) only the memory of what was seen
	// before the face was last acquired holds up: the smoothed items still
	// falling from a grimace the person showed before turning away, which
	// the face that came back does not show. Score − Stale is what the
	// evidence since then shows. 0 when all of it is fresh (and from a
	// source that does not tell). A score that is only memory is no reason
	// to begin an episode; an episode under way goes by Score.
	Stale float64
}

// SelfReport is a 0–10 rating the person gave when asked (the numeric
// rating scale), as evidence: Weight is 1 when it was given and halves
// every half-life after, so what it still says is Rating × Weight.
type SelfReport struct {
	At     time.Duration // when it was said
	Rating int           // 0..10
	Heard  string        // the words recognised
	Weight float64       // 0..1, set by fusion
	// Places is where it hurts, when the person said so after the rating
	// ("Where does it hurt?"): selfreport place names such as "back".
	Places []string
}

// Score is what the rating still says, 0..10.
func (s SelfReport) Score() float64 { return float64(s.Rating) * s.Weight }

// Shown is the assessment as a carer reads it: the score, or, when the
// person gave a rating that still counts, both sides and where it hurts,
// e.g. "says 2, looks 6" or "says 7, looks 5 · back".
func (a PainAssessment) Shown() string {
	if a.Says == nil {
		return fmt.Sprintf("looks %.0f", a.Looks)
	}
	s := fmt.Sprintf("says %d, looks %.0f", a.Says.Rating, a.Looks)
	if len(a.Says.Places) > 0 {
		s += " · " + strings.Join(a.Says.Places, ", ")
	}
	return s
}

// Frame is one camera or video frame as a plain Go value: the device leaf
// converts and closes its native image before handing this on.
type Frame struct {
	At   time.Duration // media or session time
	Seq  int           // frame number from the start
	Gray *image.Gray
	// Color is the same frame in colour when the source has it (nil: gray
	// only); learned face models read colour, everything else reads Gray.
	Color *BGR
	Wall  time.Time // when it entered the pipeline
}

// BGR is an 8-bit colour image in OpenCV's byte order: three bytes (blue,
// green, red) a pixel, rows packed (3*W bytes a row), origin at 0,0.
type BGR struct {
	Pix  []byte
	W, H int
}

// Valid reports whether Pix holds W*H pixels.
func (b *BGR) Valid() bool {
	return b != nil && b.W > 0 && b.H > 0 && len(b.Pix) == 3*b.W*b.H
}
