// Package scenario plays a scripted person to the rest of Kindred: a YAML
// timeline of what a virtual person does (arrives, talks, moans, grimaces,
// rocks, says "stop", leaves) turned into the same typed observations the
// perception stages emit (perception.FaceObs at ~30 Hz, perception.VoiceObs
// every 10 ms hop, perception.PostureObs at ~10 Hz, perception.Event).
//
// A timeline is a list of phases. Each phase names the state the person
// reaches (action units, head pose, voice, movement) and how long the ramp
// there takes; values are interpolated between phases. A phase marked
// `until: comfort` lasts until the robot comforts the person (Player.Comforted)
// plus a reaction time; without comfort it holds for ever, so pain that nobody
// answers persists and the engine can escalate.
//
// Observation time (At) is scenario time, starting at zero; Wall is the wall
// clock at emission. Play paces emission against the wall clock scaled by
// PlayOpts.Speed, so a run at speed 20 produces the same observations as a
// run at speed 1, only sooner. Step emits the timeline directly, for tests
// and for offline use.
//
// Bad scenario files yield errors wrapping ErrBadScenario that name the file,
// the line and the field.
package scenario
