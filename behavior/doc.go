// Package behavior is the companion's finite-state engine: it turns pain
// assessments, perception events and supervision commands into intents.
//
// The machine (states asleep, idle, engaging, attending, concerned,
// comforting, alerting, paused, opted_out, fault) is looplab/fsm behind typed
// States; its trigger strings never leave the package. One table drives both
// the fsm and Mermaid, the diagram `kindred run --print-fsm` prints.
//
// Contract:
//   - New(cfg) validates; (*Engine).Run(ctx, in, out) is the only way in.
//     Inputs are handled one at a time on Run's goroutine, the fsm registers
//     no callbacks. When ctx is done Run waits for no new input, but hands
//     over the outputs of the step it was in and handles the inputs already
//     queued (a "help" heard as the run stops still reaches the carer), all
//     within StopGrace; a lone call for help still waiting for its second
//     cue is then a warning (stopping), as at the end of its input; what it
//     then gives up (alerts not taken, queued inputs not handled) is
//     counted in Run's error, a *StopLoss. Run closes out.
//   - Every timer (dwell, cooldown, rate limit, relief timeout, breathing
//     pace) runs on observation time, the At of the inputs; a Tick input
//     advances it when nothing is observed. The wall clock is never read, so
//     a run at --speed 20 decides exactly as one in real time, and the same
//     inputs with the same Config (seed included) give the same outputs.
//   - Outside an episode (concerned, comforting, alerting) the concern and
//     severe dwells count only while the score less its stale part
//     (PainAssessment.Stale: the memory of a face before it was lost and
//     found) is at Pain.Concern; an episode goes by the score. A face lost in an episode ends the visit
//     only after Presence.LeaveAfter unseen and unheard (absent), or when
//     someone else comes into view; before one, at once (left).
//   - A stop word, an opt-out touch or the console opts out from any state
//     within that one input: SensorsChange{On: false}, IntentStill (stop talking
//     and moving at once), one IntentOptOutAck; a final IntentStill follows
//     once the acknowledgement has been said (OptOut.AckGrace of observation
//     time, so the wiring must keep sending Ticks). Only an explicit opt-in
//     (console, or a configured touch) turns sensing back on.
//   - A lone opt-out word said calmly, or one said in distress, asks for
//     quiet instead (OptOut.Confirm, OptOut.Hush): IntentStill, nothing of
//     the robot's own until it ends, sensing and alerts going on. Comfort
//     that fell due meanwhile starts when it ends, once, if the robot is
//     still comforting or alerting and the pain calls for it then
//     (resumeComfort): a Transition to the same state, reason "comfort
//     resumes after the quiet asked for: …", then Comforted. Lasting pain
//     warns a carer as if no comfort had been given, from when it fell due.
//   - Carer alerts go out in every experiment condition, and in every state
//     but opted out: paused and faulty, where nobody comforts, lasting pain
//     warns a carer no later than no relief would have (guard.go,
//     uncomforted). While alerting, a call for help or distress heard
//     pages again at the episode's level once its alert is due
//     (alertTracker.due), whatever the pain score; and the episode's alert
//     repeats when due while the pain is not seen to ease (unanswered.go):
//     a score of Pain.Clear or more, or none (the person not assessed).
//     The same pain is never paged at a lower level than its episode's.
//   - The person leaving view resolves nothing: an alert out stands
//     (standing.go). Pain seen after at most 2 min out of view, at its level
//     or lower, before it is due again, in the same person (or two ids that
//     identify nobody), makes it the episode's alert again, not a new page:
//     a face tracker that loses a face every few seconds does not page each
//     time. Anything else pages as ever; only pain seen is held, and not
//     once the person back in view was seen with the pain eased. A resume
//     or a fault cleared into idle, and someone else found while paused or
//     faulty, end the episode as the person leaving does; pain seen to ease
//     while paused or faulty, or after a resume, ends the episode's alert
//     as it does in the episode (easedOutOfEpisode). A standing alert due
//     with its person back and the pain not seen to ease is repeated then
//     (standingDue); its person back and seen eased resolves it for a
//     known id, and leaves it unresolved (unconfirmed) for an anonymous one.
//   - Distress heard but not seen (unseen.go): in the assessments the
//     normal path sets aside (nobody present, or under Pain.MinConfidence)
//     or does not act on (seen confidently, the pain score under
//     Pain.Concern: moaning with a calm face), a PAINAD vocalisation item
//     of 1 or more for half of every 30 s, for Alert.UnseenAfter, warns a
//     carer; Alert.ReliefTimeout more, urgent; the highest level told again
//     when due (alertTracker.due) while it goes on; 30 s of calm voice
//     resolves it (unless an alert was out when it began, or the person
//     was seen in pain in it, and nobody is seen calm: then it stands),
//     and until then the pain has not eased (painEased). Once
//     the person is seen in pain the alert is the normal path's, so one
//     episode pages once; heard again with the face calm or out of view,
//     the bout is the voice's again, counted from its start.
//   - A Sense input says the wiring's camera or microphone has delivered
//     nothing since Since, or delivers again (senses.go): lost for
//     Alert.SenseLost, a carer is told at warning level, once per loss, in
//     every state but opted out, and told again (resolved) when it is back.
//     A BodyLost input says the body stopped answering: a carer is told at
//     once, at warning level, once per loss, in every state; the engine
//     goes on (not StateFault), since the robot still sees, hears and speaks.
//     A BodyBack input says it answers again: the loss is resolved for the
//     carer (resolved alert, Sense "body").
//   - A Carried input, the wiring's first, holds the alerts the robot's last
//     run left standing (carried.go). Each is latched: told at once as an
//     alert of this run, told again each Alert.Cooldown whoever is in view
//     until a carer acknowledges it (an acknowledgement with no alert of
//     this run open answers the most urgent), resolved when its person (an
//     id that names someone) is seen with the pain eased outside an
//     episode in a live run, superseded there by this run's own alert or
//     resolution about the same id, and dropped by an opt-out.
//   - The self-report dialogue (dialogue.go) asks for a 0–10 rating when
//     concern rises or a check-in is due, "Where does it hurt?" after a
//     spoken rating of SelfReport.PlaceFrom or more, "Shall I call someone?"
//     after a lone call for help, and "Would you like to breathe with me?"
//     before guided breathing (breathing.go): a Listen output asks the wiring for the answer,
//     which comes back as an Answered input; none or an unclear one is asked
//     once more (an unclear spoken one by nod when Answered.Face says the
//     face was in view, SelfReport.NodAfterUnclear), then let be. An
//     answer to "Shall I call someone?" given within its wait is acted on
//     whatever became of the question meanwhile (the person left, a pause,
//     a fault, a hush); any other answer to a question no longer open is
//     late. Every step is a Reported output.
package behavior
