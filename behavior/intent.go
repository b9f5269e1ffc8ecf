package behavior

import "time"

// IntentKind is what the robot means to do next; voices picks a phrase for
// it and mimicry a way of moving.
type IntentKind string

const (
	IntentGreet          IntentKind = "greet"
	IntentCheckIn        IntentKind = "check_in"
	IntentOfferCall      IntentKind = "offer_call"      // "Shall I call someone?" after a lone call for help
	IntentOfferCallNod   IntentKind = "offer_call_nod"  // the same, to be answered with a nod or a head-shake
	IntentAskRating      IntentKind = "ask_rating"      // "How much does it hurt, from zero to ten?"
	IntentAskPainNod     IntentKind = "ask_pain_nod"    // "Does it hurt? Nod or shake your head." (no answer model)
	IntentAskPlace       IntentKind = "ask_place"       // "Where does it hurt?" after a rating of pain (by voice only)
	IntentOfferBreathing IntentKind = "offer_breathing" // "Would you like to breathe with me?" before guided breathing
	// IntentOfferBreathingNod is the same, to be answered with a nod or a head-shake.
	IntentOfferBreathingNod IntentKind = "offer_breathing_nod"
	// IntentAskOptOut is "Shall I stop watching over you for now?", asked
	// when an opt-out word comes twice (OptOutPolicy.Ask).
	IntentAskOptOut IntentKind = "ask_opt_out"
	// IntentAskOptOutNod is the same, to be answered with a nod or a head-shake.
	IntentAskOptOutNod IntentKind = "ask_opt_out_nod"
	// IntentConfirmOptOutNod asks again, to be sure, after a nodded yes to
	// the opt-out question, and says what a yes will do: "To be sure: I
	// will stop watching over you, and no one will be alerted. Nod again
	// for yes."
	IntentConfirmOptOutNod IntentKind = "confirm_opt_out_nod"
	// IntentConfirmOptOut is the same by voice, after a spoken yes to the
	// opt-out question: "To be sure: I will stop watching over you, and no
	// one will be alerted if you need help. Say yes to stop, or no to keep
	// me watching."
	IntentConfirmOptOut IntentKind = "confirm_opt_out"
	// The questions asked once more by nod because the spoken answer was
	// heard but not understood (SelfReportPolicy.NodAfterUnclear): the
	// words say why ("Sorry, I couldn't hear you. Does it hurt? You can
	// nod or shake your head.").
	IntentAskPainNodUnclear        IntentKind = "ask_pain_nod_unclear"
	IntentOfferCallNodUnclear      IntentKind = "offer_call_nod_unclear"
	IntentOfferBreathingNodUnclear IntentKind = "offer_breathing_nod_unclear"

	IntentComfort        IntentKind = "comfort"
	IntentBreathingGuide IntentKind = "breathing_guide"
	IntentReassure       IntentKind = "reassure"
	IntentAlertNotice    IntentKind = "alert_notice"
	IntentOptOutAck      IntentKind = "opt_out_ack"
	IntentOptInAck       IntentKind = "opt_in_ack"
	IntentGoodbye        IntentKind = "goodbye"
	IntentSay            IntentKind = "say"   // a supervisor's own words
	IntentStill          IntentKind = "still" // stop moving (paused, opted out)
)

// IntentKinds lists every kind that has a phrase bank.
var IntentKinds = []IntentKind{IntentGreet, IntentCheckIn, IntentComfort, IntentBreathingGuide,
	IntentReassure, IntentAlertNotice, IntentOptOutAck, IntentOptInAck, IntentGoodbye, IntentOfferCall,
	IntentOfferCallNod, IntentAskRating, IntentAskPainNod, IntentAskPlace, IntentOfferBreathing, IntentOfferBreathingNod,
	IntentAskOptOut, IntentAskOptOutNod, IntentConfirmOptOut, IntentConfirmOptOutNod, IntentAskPainNodUnclear, IntentOfferCallNodUnclear,
	IntentOfferBreathingNodUnclear}

// Tone shapes how something is said and how the body moves while saying it.
type Tone string

const (
	ToneGentle   Tone = "gentle"
	ToneNeutral  Tone = "neutral"
	ToneCheerful Tone = "cheerful"
)

// Utterance is something to say.
type Utterance struct {
	Text string // when empty, voices chooses a phrase for the intent
	Lang string // BCP-47-ish: en, de, fr, es, zh; empty means the persona's
}

// MirrorSettings tell mimicry how to mirror; they come from the experiment
// condition and the supervisor.
type MirrorSettings struct {
	Enabled bool
	Gain    float64       // 0..1 attenuation of the person's movement
	Delay   time.Duration // human-like lag, 0 for none
	Concern float64       // 0..1 how much concern to show (the empathic transform)
}

// Intent is what behaviour asks of the body and voice.
type Intent struct {
	At     time.Duration // session time of the decision
	Kind   IntentKind
	Say    *Utterance // nil when nothing is to be said
	Tone   Tone
	Mirror MirrorSettings
	Person string // display name when known, for phrases
	// Observed carries the wall-clock instant of the observation that led here.
	Observed time.Time
	// Source is the route of a supervisor's say, intent, approval or
	// replacement that asked for it (console, mqtt, scenario); empty for
	// the engine's own choice, so the record tells the two apart.
	Source Source
}
