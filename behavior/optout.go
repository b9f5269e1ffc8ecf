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
// A yes does not opt out by itself, spoken or nodded: the robot asks once
// more, to be sure, in the way the yes was given, saying what a yes will
// do ("To be sure: I will stop watching over you, and no one will be
// alerted if you need help. Say yes to stop, or no to keep me watching.",
// by nod "Nod again for yes."), and only a second yes, within that
// question's own answer window, opts out. The answer recogniser's grammar
// forces speech into an answer where its rejection fails: an hour of
// ordinary speech played to the live robot (`kindred eval --only
// words-live`) heard "oh so alright" as a yes to the question's repeat,
// and the robot opted out. The nod reader took no false yes in 21 windows
// of real faces, too few to rule out a person who nods along to talk, or
// a head bobbing with laughter, reading as a yes once. A choice that
// switches every alert off, made through an input that can misfire, is
// confirmed before it is acted on (two-step confirmation of a hazardous
// action, IEC 62366-1 use-error analysis). The spoken confirmation takes a
// plain yes only (selfreport.Reply.PlainYes: "yes", "yeah", "yes please",
// nothing before or after it): its words ask for one, and the yes that
// ordinary speech passes for comes with lead-ins and acknowledgements ("oh
// so alright"); any other yes is recorded as unclear. Confirming stops a
// single misread, not a head that keeps bobbing through both questions,
// so for both the wiring is told (Listen.FromStill) to take a nod only if
// it begins after the words end from a head still before it
// (mimicry.HeadAnswers.Asked). A no, no answer, or anything unclear to the
// confirmation keeps care on, as a no to the question does, and it is not
// asked again, by voice or by nod: its self_report records (question
// opt_out_confirm) show a carer that the confirmation was not given. The word said a third time while either
// question is open does not answer it: the spotter's false words come in
// bursts (on the hour of `kindred eval --only words`, two clips of
// synthetic speech gave a third within the question's time, and counting
// it as a yes made both false opt-outs), so it is no more explicit than
// the second. It keeps the robot quiet for OptOut.Confirm from then, and
// the question goes on waiting for its answer. A no leaves care on, the
// robot still and quiet for the rest of the window. No answer leaves care
// on as well (a mishearing followed by silence must not switch the alerts
// off); the robot stays still and quiet, and the let_be record shows a
// carer that the question went unanswered. A touch on an opt-out sensor or the console opts out at
// once, at any time, and a word said in distress hushes (Engine.hush) as
// before. A call for help heard while either question is open ends it
// (let_be): calling for help is no wish to go unwatched, and opting out
// would clear the call still waiting for its second cue. With
// OptOutPolicy.Ask off the second word opts out unasked.

// optOutQuestion is the question's words in the opt-out's reason.
const optOutQuestion = "Shall I stop watching over you for now?"

// askingOptOut says whether the opt-out question, or its confirmation, is
// open.
func (e *Engine) askingOptOut() bool { return e.dlg.open && e.dlg.q.optingOut() }

// askOptOut puts the opt-out question: word repeats a lone opt-out word
// heard within OptOut.Confirm.
func (e *Engine) askOptOut(word string) {
	said := e.consent.secondStop(word)
	e.ask(QuestionOptOut, 1, fmt.Sprintf("%s within %v", said, e.cfg.OptOut.Confirm))
}

// answerOptOut acts on the answer to the opt-out question: a yes asks to
// be sure (confirmOptOut); no keeps care on, and the robot keeps the quiet
// it was asked for.
func (e *Engine) answerOptOut(r selfreport.Reply) {
	if r.Answer != selfreport.Yes {
		e.stillAfterAsking()
		return
	}
	e.confirmOptOut(r)
}

// confirmOptOut asks once more, after yes to the opt-out question, in the
// way the yes was given and in words that say what a yes will do. The yes
// is kept for the opt-out's reason.
func (e *Engine) confirmOptOut(yes selfreport.Reply) {
	e.dlg.optOutYes = `nodded yes`
	if e.dlg.by == ByVoice {
		e.dlg.optOutYes = quoted(yes)
	}
	by := e.dlg.by
	e.put(QuestionOptOutConfirm, 1, by, questionIntent(QuestionOptOutConfirm, by),
		fmt.Sprintf("%s and %s to %q: asking to be sure", e.consent.said, e.dlg.optOutYes, optOutQuestion))
}

// answerOptOutConfirm acts on the answer to the confirmation: a second yes
// (by voice, a plain one: onAnswer) opts out, and the reason names both
// answers; a no keeps care on, the robot still and quiet for the rest of
// the window, as a no to the question does. No answer and an unclear one
// are let be (askAgain), to the same end.
func (e *Engine) answerOptOutConfirm(r selfreport.Reply) {
	if r.Answer != selfreport.Yes {
		e.stillAfterAsking()
		return
	}
	if e.dlg.by == ByNod {
		e.optOut(fmt.Sprintf("%s and nodded yes twice to %q", e.consent.said, optOutQuestion))
		return
	}
	e.src = SourceVoice
	e.optOut(fmt.Sprintf("%s and %s to %q, then %s to the confirmation", e.consent.said, e.dlg.optOutYes, optOutQuestion, quoted(r)))
}

// quoted is a spoken answer as a reason names it: "yes", or "yes" ("oh so
// alright") when other words were heard.
func quoted(r selfreport.Reply) string {
	if r.Heard != "" && r.Heard != string(r.Answer) {
		return fmt.Sprintf("%q (%q)", r.Answer, r.Heard)
	}
	return fmt.Sprintf("%q", r.Answer)
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
