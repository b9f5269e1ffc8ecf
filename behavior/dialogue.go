package behavior

import (
	"fmt"
	"strings"
	"time"

	"github.com/kindred-hri/kindred/perception/selfreport"
)

// The self-report dialogue. Self-report is the reference standard of pain
// assessment, and clinicians ask for a number from 0 to 10 (Hjermstad et
// al., J Pain Symptom Manage 2011); so when concern rises, or the care
// plan's check-in is due, the robot asks "How much does it hurt, from zero
// to ten?" and listens. After a lone call for help it asks "Shall I call
// someone?" and acts on the answer. A rating of SelfReportPolicy.PlaceFrom
// or more is followed by "Where does it hurt?", and before guided
// breathing the robot asks "Would you like to breathe with me?"
// (breathing.go). When an opt-out word comes twice it asks "Shall I stop
// watching over you for now?" (optout.go). A question that gets no answer,
// or an unclear one, is asked once more and then let be: the robot never
// nags. An unclear spoken answer, the face in view, is asked again by nod
// (nodAfterUnclear).
//
// The engine does not hear: it emits a Listen output, the wiring feeds the
// microphone (or the head-gesture detector) to a recogniser for the window,
// and the answer comes back as an Answered input. Without wiring the
// question times out (SelfReportPolicy.Wait) and is let be all the same.

// Question is what the robot asked.
type Question string

const (
	// QuestionRating asks for a 0–10 rating ("How much does it hurt?").
	QuestionRating Question = "rating"
	// QuestionCall asks "Shall I call someone?" after a lone call for help.
	QuestionCall Question = "call"
	// QuestionPlace asks "Where does it hurt?" after a spoken rating of
	// SelfReportPolicy.PlaceFrom or more. It is never asked by nod.
	QuestionPlace Question = "place"
	// QuestionBreathe asks "Would you like to breathe with me?" before
	// guided breathing (ComfortPolicy.Breathing offer).
	QuestionBreathe Question = "breathe"
	// QuestionOptOut asks "Shall I stop watching over you for now?" when an
	// opt-out word comes twice within OptOutPolicy.Confirm (optout.go).
	QuestionOptOut Question = "opt_out"
	// QuestionOptOutConfirm asks once more, to be sure, after a yes to the
	// opt-out question, in the way the yes was given: "To be sure: I will
	// stop watching over you, and no one will be alerted. Say yes to stop"
	// (or "Nod again for yes"). Only a second yes opts out, by voice a
	// plain one (optout.go). It is never repeated, and never asked again
	// by nod.
	QuestionOptOutConfirm Question = "opt_out_confirm"
)

// optingOut says whether q is the opt-out question or its confirmation.
func (q Question) optingOut() bool { return q == QuestionOptOut || q == QuestionOptOutConfirm }

// AnswerMode is how an answer is given.
type AnswerMode string

const (
	ByVoice AnswerMode = "voice" // spoken, heard by a grammar recogniser
	ByNod   AnswerMode = "nod"   // a nod for yes, a head-shake for no
)

// callQuestion is the question's words in the alert's reason.
const callQuestion = "Shall I call someone?"

// Listen tells the wiring to listen for the answer to a question: from the
// end of the question's speech, for Window, by voice (a recogniser listening
// for Kind) or by nod. The wiring answers with exactly one Answered input,
// unclear when nothing was understood.
type Listen struct {
	At       time.Duration
	Question Question
	Kind     selfreport.Kind
	By       AnswerMode
	Window   time.Duration
	Attempt  int        // 1 for the first asking, 2 for the repeat
	Intent   IntentKind // the question's intent: its speech ending opens the window
	// FromStill asks that a nodded yes count only from a head that was
	// still before it (mimicry.HeadAnswers.Asked): the nod begins after
	// the question's words end, with no nod-like swing in the moments
	// before. It is set for the opt-out question and its confirmation,
	// whose yes switches care off, so that a head nodding along, rocking
	// or bobbing with laughter through both does not opt out. Other
	// questions go without it: their yes raises an alert or offers
	// comfort, and a person whose head cannot keep still, rocking in pain
	// or with a tremor, must still be able to nod yes to "Shall I call
	// someone?".
	FromStill bool
}

// Answered is the answer to a question, as an input: the Reply the wiring's
// recogniser understood (Reply.Clear false when nothing was), or for a nod
// a Reply whose Answer is yes (nod) or no (head-shake).
type Answered struct {
	At       time.Duration // when the answer was given (its end), not when it was understood
	Question Question
	By       AnswerMode
	Reply    selfreport.Reply
	// Err says why the recogniser failed, if it did; the answer then
	// counts as unclear.
	Err string
	// Face says the person's face was seen as they answered (the wiring
	// had their head poses, which a nod is read from): an unclear spoken
	// answer is then asked again by nod (SelfReportPolicy.NodAfterUnclear).
	Face bool
}

func (*Answered) input() {}

// AnswerInput wraps an answer.
func AnswerInput(a Answered) Input { return &a }

// Outcome is what became of one question or answer.
type Outcome string

const (
	OutcomeAsked    Outcome = "asked"     // the question was put
	OutcomeAnswered Outcome = "answered"  // a clear answer, acted on
	OutcomeUnclear  Outcome = "unclear"   // something heard, not understood
	OutcomeNone     Outcome = "no_answer" // nothing heard within the wait
	OutcomeLetBe    Outcome = "let_be"    // asked twice, no clear answer: the robot stops asking
	OutcomeLate     Outcome = "late"      // an answer when no question was open
)

// Reported is the record of one step of the dialogue: a question put, or an
// answer (clear or not), for the journal, the console and fusion (a clear
// rating is the strongest pain cue).
type Reported struct {
	At       time.Duration
	Question Question
	By       AnswerMode
	Attempt  int
	Outcome  Outcome
	Person   string
	// Reply is what was understood (Heard, Rating, Answer, Places,
	// Confidence); for OutcomeAsked it is empty with Rating NoRating.
	Reply selfreport.Reply
	Err   string
}

// Rating returns the 0–10 rating the person gave, if this is one.
func (r Reported) Rating() (selfreport.Rating, bool) {
	if r.Outcome == OutcomeAnswered && r.Question == QuestionRating && r.Reply.Rating.Valid() {
		return r.Reply.Rating, true
	}
	return selfreport.NoRating, false
}

// Places returns where it hurts, if this is the answer to "Where does it
// hurt?".
func (r Reported) Places() []selfreport.Place {
	if r.Outcome == OutcomeAnswered && r.Question == QuestionPlace {
		return r.Reply.Places
	}
	return nil
}

// dialogue is the engine's one open question, and when ratings were asked.
// The engine owns it; only its step goroutine touches it.
type dialogue struct {
	open     bool
	q        Question
	by       AnswerMode
	attempt  int
	askedAt  time.Duration
	deadline time.Duration // the wiring's answer is overdue after this

	rated     bool          // a rating question was ever put
	lastRated time.Duration // when the last rating question was first put

	// The question last let be, and until when its answer was awaited: a
	// recogniser that finishes after the wait (a slow machine, a run
	// faster than real time) still delivers an answer given in time.
	lapsed      Question
	lapsedUntil time.Duration

	// call is the call question last put, whose answer stands whatever
	// became of the dialogue since (callAsked).
	call callAsked

	// A rating of PlaceFrom or more: "Where does it hurt?" is put once the
	// robot's speech allows, until placeUntil, then let go.
	placeDue   bool
	placeUntil time.Duration

	// said is what the person told in this episode, for the alert's reason;
	// alertBase is the reason of the open alert without it.
	said      said
	alertBase string

	breath breathOffer // the breathing offer (breathing.go)

	// optOutYes is the yes to the opt-out question while its confirmation
	// is open, as the opt-out's reason names it (optout.go).
	optOutYes string
}

// callAsked is "Shall I call someone?" as last put, awaiting its answer.
// A yes to it asks for help, so the answer stands when it was given by
// until, whatever became of the dialogue meanwhile: the person who said
// yes and then left the camera's view (who may have fallen), or was
// paused, hushed or seen by a faulty robot before the recogniser was done,
// gets the urgent call they asked for, as if they had stayed. Only the
// call question is kept so: a late yes to the others means nothing once
// the robot has moved on, and a late yes to the opt-out question must
// never switch care off.
type callAsked struct {
	awaited bool
	by      AnswerMode
	attempt int
	until   time.Duration
	person  string // who was asked, for the answer's record once they left
}

// stands says whether a is the awaited answer to the call question, given
// within its wait and understood.
func (c callAsked) stands(a *Answered) bool {
	return c.awaited && a.Question == QuestionCall && a.At <= c.until && a.Err == "" && a.Reply.Clear()
}

// said is what the person answered in one episode: a spoken rating and
// where it hurts, or a nod or head-shake to "Does it hurt?".
type said struct {
	have   bool
	rating selfreport.Rating // NoRating for an answer by nod
	answer selfreport.Answer // a nod's yes or no
	places []selfreport.Place
}

// String is the answer as a carer reads it in an alert: "says 7 · back",
// "nodded yes to \"Does it hurt?\"".
func (s said) String() string {
	var b strings.Builder
	switch {
	case s.rating.Valid():
		fmt.Fprintf(&b, "says %d", s.rating)
	case s.answer == selfreport.Yes:
		b.WriteString(`nodded yes to "Does it hurt?"`)
	case s.answer == selfreport.No:
		b.WriteString(`shook their head to "Does it hurt?"`)
	}
	for i, p := range s.places {
		if i == 0 {
			b.WriteString(" · ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(string(p))
	}
	return b.String()
}

// alertReason is the reason an alert is raised with: what was seen or
// heard, then what the person said in this episode, if anything.
func (e *Engine) alertReason(reason string) string {
	e.dlg.alertBase = reason
	if !e.dlg.said.have {
		return reason
	}
	return reason + " · " + e.dlg.said.String()
}

// forgetSaid drops what the person said when their episode ends.
func (e *Engine) forgetSaid() { e.dlg.said, e.dlg.alertBase, e.dlg.placeDue = said{}, "", false }

// answersByVoice says whether the persona's language has an answer model.
func (c Config) answersByVoice() bool {
	lang := c.Speech.Lang
	if lang == "" {
		lang = c.SelfReport.Lang
	}
	if lang == "" {
		lang = "en"
	}
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	for _, l := range c.SelfReport.VoiceLangs {
		if strings.EqualFold(l, base) || strings.EqualFold(l, lang) {
			return true
		}
	}
	return false
}

// mayAskRating says whether a rating question may be put now: a question
// may be asked (mayAsk) and the last rating question is MinInterval ago.
func (e *Engine) mayAskRating() bool {
	p := e.cfg.SelfReport
	if !e.mayAsk() {
		return false
	}
	return !e.dlg.rated || e.now-e.dlg.lastRated >= p.MinInterval
}

// mayAsk says whether the robot may put a question of its own now (the
// call question answers a call and is not ruled by it): asking is on,
// nobody has opted out, paused, hushed or been told of an urgent alert,
// and no question is open.
func (e *Engine) mayAsk() bool {
	p := e.cfg.SelfReport
	if !p.Ask || e.cfg.Condition.PresenceOnly || !e.cfg.Condition.ComfortSpeech {
		return false
	}
	switch e.State() {
	case StateEngaging, StateAttending, StateConcerned, StateComforting:
	case StateAlerting:
		if e.alert.level == AlertUrgent {
			return false // help is on the way; questions wait for the carer
		}
	default:
		return false // asleep, idle, paused, opted out, faulty
	}
	return !e.consent.hushed(e.now) && !e.dlg.open
}

// askRating puts the rating question if it may; it reports whether it did.
func (e *Engine) askRating(reason string) bool {
	if !e.mayAskRating() || !e.speech.allow(e.now) {
		return false
	}
	e.dlg.rated, e.dlg.lastRated = true, e.now
	e.ask(QuestionRating, 1, reason)
	return true
}

// ask puts a question (first time or repeat) by voice, or by nod where
// the persona's language has no answer model.
func (e *Engine) ask(q Question, attempt int, reason string) {
	by := ByVoice
	if !e.cfg.answersByVoice() {
		by = ByNod
	}
	e.put(q, attempt, by, questionIntent(q, by), reason)
}

// put asks q, to be answered by, in the words of intent, and tells the
// wiring to listen. The opt-out question and its confirmation are the
// ones put while hushed: the quiet was asked for by the words they
// confirm.
func (e *Engine) put(q Question, attempt int, by AnswerMode, intent IntentKind, reason string) {
	if e.consent.hushed(e.now) && !q.optingOut() {
		return // asked for quiet: nothing is asked, so nothing is listened for
	}
	if e.dlg.open && e.dlg.q == QuestionBreathe && q != QuestionBreathe {
		e.declineBreathing() // a call for help came first: the offer went unanswered
	}
	p := e.cfg.SelfReport
	e.dlg.open, e.dlg.q, e.dlg.by, e.dlg.attempt = true, q, by, attempt
	e.dlg.askedAt, e.dlg.deadline = e.now, e.now+p.Wait
	if q == QuestionCall {
		e.dlg.call = callAsked{awaited: true, by: by, attempt: attempt, until: e.dlg.deadline, person: e.presence.person}
	}
	// Listen goes first, so the wiring knows the question before the voice
	// reports it said.
	e.emit(Listen{At: e.now, Question: q, Kind: questionKind(q, by), By: by, Window: p.Window,
		Attempt: attempt, Intent: intent, FromStill: q.optingOut()})
	e.speech.record(e.now)
	if q.optingOut() {
		// Like the opt-out's acknowledgement, never held back for a
		// supervisor: the person's way out does not wait on anyone.
		e.emit(e.intent(intent, ToneNeutral, true))
	} else {
		e.act(e.intent(intent, ToneGentle, true), reason)
	}
	e.emit(Reported{At: e.now, Question: q, By: by, Attempt: attempt, Outcome: OutcomeAsked,
		Person: e.presence.person, Reply: selfreport.Reply{Kind: questionKind(q, by), Rating: selfreport.NoRating, Confidence: selfreport.Unestimated}})
}

func questionIntent(q Question, by AnswerMode) IntentKind {
	switch {
	case q == QuestionPlace:
		return IntentAskPlace
	case q == QuestionOptOutConfirm && by == ByNod:
		return IntentConfirmOptOutNod
	case q == QuestionOptOutConfirm:
		return IntentConfirmOptOut
	case q == QuestionOptOut && by == ByNod:
		return IntentAskOptOutNod
	case q == QuestionOptOut:
		return IntentAskOptOut
	case q == QuestionBreathe && by == ByNod:
		return IntentOfferBreathingNod
	case q == QuestionBreathe:
		return IntentOfferBreathing
	case q == QuestionCall && by == ByNod:
		return IntentOfferCallNod
	case q == QuestionCall:
		return IntentOfferCall
	case by == ByNod:
		return IntentAskPainNod
	}
	return IntentAskRating
}

// nodAfterUnclearIntent is the words of a question asked again by nod
// because its spoken answer was unclear: they say why the robot asks for
// a nod now ("Sorry, I couldn't hear you. Does it hurt? You can nod or
// shake your head.").
func nodAfterUnclearIntent(q Question) IntentKind {
	switch q {
	case QuestionCall:
		return IntentOfferCallNodUnclear
	case QuestionBreathe:
		return IntentOfferBreathingNodUnclear
	}
	return IntentAskPainNodUnclear
}

// nodAfterUnclear says whether the repeat of the open question is put by
// nod. A spoken answer that was heard but not understood (or that the
// recogniser failed on) says the voice channel is failing, in a noisy
// room or beside a TV, and people resolve recognition errors by switching
// input modality rather than saying the same again (Oviatt and VanGent,
// "Error resolution during multimodal human-computer interaction", ICSLP
// 1996); so the robot offers the other way. Silence is not such a sign: the person may
// not have heard the question, and it is asked again as it was. A nod is
// read from head poses, so only when the person's face was seen as they
// answered; and only where a yes or a no answers the question ("Where
// does it hurt?" needs words). Never the opt-out question: its yes turns
// care off, which only the person's explicit word may do, and a rocking
// head or a jittery pose can read as a nod nobody gave (mimicry's
// TestNodFalseYesMeasured: a yes in 19 of 20 eight-second windows of a
// head rocking 4 degrees every 2 s when one swing was a nod; none with
// two down-up cycles, but real faces were checked in 21 windows only).
// Where the opt-out question is asked by nod, for want of an answer
// model, a nodded yes is confirmed by a second one (optout.go).
func (e *Engine) nodAfterUnclear(o Outcome, face bool) bool {
	return o == OutcomeUnclear && face && e.cfg.SelfReport.NodAfterUnclear &&
		e.dlg.by == ByVoice && e.dlg.q != QuestionPlace && !e.dlg.q.optingOut()
}

// questionKind is the grammar the recogniser listens with. By nod, the
// rating question becomes "does it hurt?": a yes or a no.
func questionKind(q Question, by AnswerMode) selfreport.Kind {
	switch {
	case q == QuestionRating && by == ByVoice:
		return selfreport.RatingQuestion
	case q == QuestionPlace:
		return selfreport.WhereQuestion
	}
	return selfreport.YesNoQuestion
}

// closeDialogue drops the open question: the person left, opted out, the
// robot was paused, faulty or hushed. An answer that still comes is
// recorded as late, but for the call question's given within its wait
// (callAsked); a breathing offer left open counts as declined.
func (e *Engine) closeDialogue() {
	if e.dlg.open && e.dlg.q == QuestionBreathe {
		e.declineBreathing()
	}
	e.dlg.open, e.dlg.lapsed = false, ""
}

// onAnswer handles an answer from the wiring.
func (e *Engine) onAnswer(a *Answered) {
	e.advance(a.At)
	if e.State() == StateOptedOut {
		return // sensing is off; nothing heard is looked at
	}
	rep := Reported{At: e.now, Question: a.Question, By: a.By, Person: e.presence.person, Reply: a.Reply, Err: a.Err}
	if call := e.dlg.call; call.stands(a) && (!e.dlg.open || e.dlg.q != QuestionCall) {
		// Given within the wait, after the dialogue moved on: the answer
		// stands, and is acted on as the open question's would be.
		rep.Attempt, rep.Reply.Kind, rep.Outcome = call.attempt, questionKind(QuestionCall, call.by), OutcomeAnswered
		rep.Person = call.person
		if e.dlg.lapsed == QuestionCall {
			e.dlg.lapsed = "" // answered: a second answer is late
		}
		e.emit(rep)
		e.answerCall(a.Reply, call.by, call.person)
		return
	}
	if !e.dlg.open && a.Question == e.dlg.lapsed && a.At <= e.dlg.lapsedUntil && a.Err == "" && a.Reply.Clear() {
		// Given within the wait, understood after it: the answer stands.
		e.dlg.open, e.dlg.q, e.dlg.lapsed = true, a.Question, ""
	}
	if !e.dlg.open || a.Question != e.dlg.q {
		rep.Outcome = OutcomeLate
		e.emit(rep)
		return
	}
	rep.Attempt = e.dlg.attempt
	rep.Reply.Kind = questionKind(e.dlg.q, e.dlg.by)
	if e.dlg.q == QuestionOptOutConfirm && e.dlg.by == ByVoice && rep.Reply.Answer == selfreport.Yes && !rep.Reply.PlainYes() {
		// Only a plain yes confirms an opt-out (optout.go): anything
		// else is recorded as heard and not understood.
		rep.Reply.Answer = selfreport.NoAnswer
	}
	if a.Err != "" || !rep.Reply.Clear() {
		rep.Outcome = OutcomeUnclear
		if strings.TrimSpace(rep.Reply.Heard) == "" && a.Err == "" {
			rep.Outcome = OutcomeNone
		}
		e.emit(rep)
		e.askAgain(e.nodAfterUnclear(rep.Outcome, a.Face))
		return
	}
	e.dlg.open = false
	rep.Outcome = OutcomeAnswered
	e.emit(rep)
	switch a.Question {
	case QuestionCall:
		e.answerCall(a.Reply, e.dlg.by, e.presence.person)
	case QuestionRating:
		// The rating reaches behaviour through fusion (the wiring hands the
		// Reported to it), which acts on the higher of what the person says
		// and what is seen. A "yes, it hurts" nod carries no number, and
		// none is made up for it: fusion goes on with what is seen, and
		// the nod is kept for the carer (the journal, the alert's reason).
		e.dlg.said = said{have: true, rating: a.Reply.Rating, answer: a.Reply.Answer}
		if a.By == ByNod {
			e.dlg.said.rating = selfreport.NoRating
			break
		}
		e.dlg.said.answer = selfreport.NoAnswer
		if from := e.cfg.SelfReport.PlaceFrom; from > 0 && int(a.Reply.Rating) >= from {
			e.dlg.placeDue, e.dlg.placeUntil = true, e.now+e.cfg.SelfReport.Wait
			e.askPlace()
		}
	case QuestionPlace:
		e.dlg.said.places = a.Reply.Places
		e.amendAlert()
	case QuestionBreathe:
		e.answerBreathing(a.Reply.Answer)
	case QuestionOptOut:
		e.answerOptOut(a.Reply)
	case QuestionOptOutConfirm:
		e.answerOptOutConfirm(a.Reply)
	}
}

// askPlace puts "Where does it hurt?" when one is due and it may: the
// rules of mayAsk, and a gap in the robot's speech. It is due until
// placeUntil, then let go unasked.
func (e *Engine) askPlace() {
	if !e.dlg.placeDue {
		return
	}
	if e.now > e.dlg.placeUntil {
		e.dlg.placeDue = false
		return
	}
	if !e.mayAsk() || !e.speech.allow(e.now) {
		return
	}
	e.dlg.placeDue = false
	e.ask(QuestionPlace, 1, fmt.Sprintf("rated %d, at least %d", e.dlg.said.rating, e.cfg.SelfReport.PlaceFrom))
}

// amendAlert puts where it hurts into the open alert's reason, as the
// carer's acknowledgement records it. The alert is not raised again for
// it: the carer has been told, and the answer is in the journal.
func (e *Engine) amendAlert() {
	if e.alert.open == nil || e.dlg.alertBase == "" {
		return
	}
	a := *e.alert.open // the emitted alert is the consumer's; amend a copy
	a.Reason = e.dlg.alertBase + " · " + e.dlg.said.String()
	e.alert.open = &a
}

// dialogueDue runs the dialogue's timers: an overdue answer counts as none,
// and the care plan's check-in asks for a rating when it is due.
func (e *Engine) dialogueDue() {
	if e.dlg.open && e.now >= e.dlg.deadline {
		if e.mayAskAgain() && !e.speech.allow(e.now) {
			return // the repeat waits for a gap in the robot's speech
		}
		e.emit(Reported{At: e.now, Question: e.dlg.q, By: e.dlg.by, Attempt: e.dlg.attempt,
			Outcome: OutcomeNone, Person: e.presence.person,
			Reply: selfreport.Reply{Kind: questionKind(e.dlg.q, e.dlg.by), Rating: selfreport.NoRating, Confidence: selfreport.Unestimated}})
		e.askAgain(false) // silence: asked again as it was
		return
	}
	e.askPlace()
	if ci := e.cfg.SelfReport.CheckIn; ci > 0 && e.presence.present.on {
		// The first check-in is due CheckIn after the person came; then
		// CheckIn after the last rating question, however it was put.
		from := e.presence.present.since
		if e.dlg.rated && e.dlg.lastRated > from {
			from = e.dlg.lastRated
		}
		if e.now-from >= ci {
			e.askRating(fmt.Sprintf("check-in due every %v", ci))
		}
	}
}

// askAgain repeats the open question once, by nod when byNod (see
// nodAfterUnclear); after the repeat it lets it be.
func (e *Engine) askAgain(byNod bool) {
	d := e.dlg
	if !e.mayAskAgain() {
		if d.q == QuestionBreathe {
			e.declineBreathing() // no answer is no: the robot stays quietly
		}
		e.dlg.open = false
		e.dlg.lapsed, e.dlg.lapsedUntil = d.q, d.deadline
		e.emit(Reported{At: e.now, Question: d.q, By: d.by, Attempt: d.attempt,
			Outcome: OutcomeLetBe, Person: e.presence.person,
			Reply: selfreport.Reply{Kind: questionKind(d.q, d.by), Rating: selfreport.NoRating, Confidence: selfreport.Unestimated}})
		if d.q.optingOut() {
			e.stillAfterAsking() // no answer leaves care on, and the robot still
		}
		return
	}
	if byNod {
		e.put(d.q, d.attempt+1, ByNod, nodAfterUnclearIntent(d.q), "spoken answer unclear, face seen: asking once more, for a nod")
		return
	}
	e.ask(d.q, d.attempt+1, "no clear answer: asking once more")
}

// mayAskAgain says whether the open question is put once more when its
// answer is unclear or none: it was asked once, it is not the opt-out's
// confirmation (asked once only: anything but a second nod keeps care
// on), and it may be repeated now (mayRepeat).
func (e *Engine) mayAskAgain() bool {
	return e.dlg.attempt < 2 && e.dlg.q != QuestionOptOutConfirm && e.mayRepeat()
}

// mayRepeat says whether the open question may still be put again: the
// state still has a person to ask and nobody asked for quiet. The opt-out
// question is put again in any state it was asked in: the quiet is its
// own, and the person who asked to stop may be out of the camera's view.
func (e *Engine) mayRepeat() bool {
	if e.dlg.q.optingOut() {
		return e.State() != StateOptedOut
	}
	switch e.State() {
	case StateEngaging, StateAttending, StateConcerned, StateComforting, StateAlerting:
	default:
		return false
	}
	if e.dlg.q != QuestionCall && e.State() == StateAlerting && e.alert.level == AlertUrgent {
		return false
	}
	return !e.consent.hushed(e.now)
}

// answerCall acts on the answer to "Shall I call someone?". Yes is the
// second cue a lone call for help waits for: the carer is paged urgently,
// and the alert says what was asked and answered. No settles the call as
// today's path without a second cue does, at warning level: a carer is
// still told, because only an explicit opt-out silences an alert. by is
// how the question was put, person whom it was put to: the alert names
// them even when they have left the camera's view since.
func (e *Engine) answerCall(r selfreport.Reply, by AnswerMode, person string) {
	e.dlg.call.awaited = false
	word := e.alert.helpWord
	if word == "" {
		word = "help"
	}
	said := fmt.Sprintf("answered %q to %q", r.Answer, callQuestion)
	if r.Heard != "" && r.Heard != string(r.Answer) {
		said = fmt.Sprintf("answered %q (%q) to %q", r.Answer, r.Heard, callQuestion)
	}
	if by == ByNod {
		gesture := map[selfreport.Answer]string{selfreport.Yes: "nodded", selfreport.No: "shook their head"}[r.Answer]
		said = fmt.Sprintf("%s (%s) to %q", gesture, r.Answer, callQuestion)
	}
	e.alert.answeredHelp()
	switch r.Answer {
	case selfreport.Yes:
		e.escalateAbout(person, AlertUrgent, fmt.Sprintf("asked for help (%q), %s", word, said))
	case selfreport.No:
		if e.alert.level.rank() >= AlertWarning.rank() {
			return // the carer has been told already
		}
		e.escalateAbout(person, AlertWarning, fmt.Sprintf("asked for help (%q) once, %s", word, said))
	}
}
