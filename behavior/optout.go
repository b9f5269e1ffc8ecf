package behavior

import (
	"fmt"

	"github.com/kindred-hri/kindred/perception/selfreport"
)

// The opt-out question. Opting out switches sensing off, and with it every
// alert, until someone opts back in: only an explicit opt-out may silence
// an alert. A keyword spotter hears "stop" in ordinary speech now and then
// (on the hour of speech `kindred eval --only words` uses, about 8 times an
// hour of real speech), sometimes twice within a couple of minutes, so two
// spotted words are not yet an explicit choice. When an opt-out word comes
// a second time within OptOutPolicy.Confirm, calm, the robot, already
// still and quiet since the first, asks "Shall I stop watching over you
// for now?" and listens, as for its other questions (dialogue.go): by
// voice, or by nod where the language has no answer model, once more when
// unclear.
//
// A yes, spoken or nodded, opts out. The word said a third time while the
// question is open does not: the spotter's false words come in bursts (on
// the hour of `kindred eval --only words`, two clips of synthetic speech
// gave a third within the question's time, and counting it as a yes made
// both false opt-outs), so it is no more explicit than the second. It
// keeps the robot quiet for OptOut.Confirm from then, and the question
// goes on waiting for its answer. A no leaves care on, the robot still and
// quiet for the rest of the window. No answer leaves care on as well (a mishearing
// followed by silence must not switch the alerts off); the robot stays
// still and quiet, and the let_be record shows a carer that the question
// went unanswered. A touch on an opt-out sensor or the console opts out at
// once, at any time, and a word said in distress hushes (Engine.hush) as
// before. With OptOutPolicy.Ask off the second word opts out unasked.

// optOutQuestion is the question's words in the opt-out's reason.
const optOutQuestion = "Shall I stop watching over you for now?"

// askingOptOut says whether the opt-out question is open.
func (e *Engine) askingOptOut() bool { return e.dlg.open && e.dlg.q == QuestionOptOut }

// askOptOut puts the opt-out question: word repeats a lone opt-out word
// heard within OptOut.Confirm.
func (e *Engine) askOptOut(word string) {
	said := e.consent.secondStop(word)
	e.ask(QuestionOptOut, 1, fmt.Sprintf("%s within %v", said, e.cfg.OptOut.Confirm))
}

// answerOptOut acts on the answer to the opt-out question: yes opts out;
// no keeps care on, and the robot keeps the quiet it was asked for.
func (e *Engine) answerOptOut(r selfreport.Reply) {
	if r.Answer != selfreport.Yes {
		e.stillAfterAsking()
		return
	}
	answer := fmt.Sprintf("%q", r.Answer)
	if r.Heard != "" && r.Heard != string(r.Answer) {
		answer = fmt.Sprintf("%q (%q)", r.Answer, r.Heard)
	}
	if e.dlg.by == ByNod {
		answer = "nodded yes"
	} else {
		e.src = SourceVoice
	}
	e.optOut(fmt.Sprintf("%s and %s to %q", e.consent.said, answer, optOutQuestion))
}

// stopAgainWhenAsked takes an opt-out word heard while the opt-out
// question is open: not its answer, but a wish for quiet, kept for
// OptOut.Confirm from now. Nothing is stilled, so the question, which may
// still be being said, is not cut short.
func (e *Engine) stopAgainWhenAsked() {
	e.consent.hushAtLeast(e.now + e.cfg.OptOut.Confirm)
}

// stillAfterAsking stills the robot again once the opt-out question has
// closed without an opt-out: asking woke its face and voice, and the quiet
// the first word asked for lasts the rest of the window.
func (e *Engine) stillAfterAsking() {
	if e.consent.hushed(e.now) {
		e.emit(e.intent(IntentStill, ToneNeutral, false))
	}
}
