// Package companion runs one session of the robot: it wires the stages it
// is given (fusion, behaviour, mimicry, voice, the limiter) with typed
// channels in one errgroup, from sources to body, and records everything.
//
// It declares the small interfaces it needs and holds no device: the
// command (cmd/kindred) opens the camera, microphone, face libraries,
// speech synthesis and body, and hands them in, so the companion builds and
// is tested without cgo. A run is built in steps: New (the stages), Bind
// (the run's context), AddService, AddFinisher and AddDoor (journal,
// console, fleet), then Run with a start function (StartLive or
// PlayScenario). A command refused, by the engine, the wiring or a door
// (DoorRefusals and DoorUnauthorised, coalesced), is a recorded fault,
// never the end of a run; so is an observation fusion rejects as invalid
// (NaN numbers, a rating outside 0–10), coalesced the same way, component
// "fusion". When the run stops, the engine still handles the
// inputs already queued for it (behavior.StopGrace); what it cannot, and
// what comes too late to queue, is one fault record saying how many.
// A live camera or microphone that reports itself lost, will not open, or
// delivers nothing for Parts.SenseStall (10 s) is a fault record (component "camera" or
// "microphone") once per loss, and the engine is told (behavior.Sense),
// which tells a carer if it lasts (senses.go). The body's bus failing as a
// whole, or hanging (a write not back within the limiter's WriteTimeout,
// 1 s), loses the body, not the run: one fault (component "body") and the
// engine told (behavior.BodyLost); a limiter that retries the body reports
// its return (BodyBack, behavior.BodyBack), and one that ends instead has
// its commands drained until the run stops (body.go).
// AssumePerson (residents.go) reads the household's calibrations for the
// identities; one stored but unreadable is a fault (component
// "calibration"), never a silent fall back to the population baseline. So
// is one fusion cannot use when the person arrives later
// (fusion.Inputs.ProfileFailed); either is said once per person per run.
// The router that carries the engine's decisions never waits for mimicry
// or the voice: each has its own queue (handoff.go), so a stage that stops
// taking them (a speech engine hung mid-line) holds back no alert; past 64
// decisions held the oldest is dropped, coalesced stage by stage into fault
// records (component "behaviour", "dropped n decision(s) a stage did not
// take", the latest naming the stage).
// A fault noted before Run is said at once and recorded when Run starts, so
// the journal, console and fleet added after New take it.
// A scenario or a media file is played, not watched live: fusion takes
// every face, voice hop and posture it plays, in observation-time order
// across its files, the source waiting for fusion instead of fusion
// seeing only the newest (timeline.go), so the same input gives the same
// assessments however busy the machine; the mimicry still takes the newest
// face.
// Time is the one session clock (package sessiontime) passed in Parts.
//
// The answer desk (answers.go) hears the answers to the engine's questions:
// the microphone audio the voice stage reads goes to an AnswerRecogniser
// for the listening window, or a nod is read from the head pose; a
// scenario may play recorded answers instead. Each answer says whether the
// person's face was in view as they answered (a face within 2 s), so that
// the engine asks an unclear spoken answer again by nod only when a nod
// can be read. For a question whose nodded yes must come from a still
// head (behavior.Listen.FromStill: the opt-out and its confirmation) the
// reader also has the head's poses from before the question and while it
// is said.
package companion
