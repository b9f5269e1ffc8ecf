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
// clock at emission. Play paces emission by the session clock in
// PlayOpts.Clock, so a run at speed 20 produces the same observations as a
// run at speed 1, only sooner. Step emits the timeline directly, for tests
// and for offline use.
//
// Bad scenario files yield errors wrapping ErrBadScenario that name the file,
// the line and the field. Every number has a range and NaN is in none:
// rates 1–120 (face) and 1–60 (posture) a second, head pose and sway
// within ±90°, voice levels 0–130 dB, HNR −20–60 dB.
//
// The YAML format (unknown fields are rejected; durations are Go durations
// such as 2s or 1500ms):
//
//	name: pain-episode            # default: the file name
//	description: ...
//	person: {id: margaret, name: Margaret}  # Event.Person is the id, Text the name
//	face_rate: 30                 # face observations per second (default 30)
//	posture_rate: 10              # posture observations per second (default 10)
//	voice_hop: 10ms               # voice hop (default 10ms)
//	noise: 0.15                   # SD of noise on present AUs (×3 degrees on head pose)
//	phases:
//	  - name: peak
//	    duration: 15s             # required (≥ 100ms); the minimum with until
//	    ramp: 8s                  # interpolate from the previous state (default: jump)
//	    until: comfort            # hold until Player.Comforted, then ...
//	    reaction: 5s              # ... end this long after the comfort
//	    face:
//	      absent: false           # true: no faces (turned away), with modality_lost/back events
//	      expression: pain        # neutral, pain, happy, sad, surprise
//	      confidence: 0.9
//	      au: {AU04: 3.5, AU06: 2.5, AU07: 3, AU09: 1.5, AU10: 2.5, AU43: 1}
//	      pose: {yaw: 0, pitch: -10, roll: 4}
//	      sway: {pitch: 4, roll: 3, period: 2s}   # nodding, shaking, rocking
//	    voice: {class: moan, f0: 150, intensity: 64, hnr: 8, distress: 0.8, on: 2s, off: 1500ms}
//	    posture: {amplitude: 0.45, speed: 0.35, jerk: 0.6, rocking: 0.7, restlessness: 0.6, guarding: 0.6, breathing: 26}
//	    events:
//	      - {at: 5s, kind: keyword, text: ouch}   # keyword, touch, left, arrived
//	answers:                      # recorded answers to the robot's questions, in order
//	  - {question: rating, audio: seven.wav}  # rating, place, call, breathe, opt_out, opt_out_confirm or any; a path beside the file
//	  - {question: place, audio: back.wav}    # "Where does it hurt?" follows a rating of 4 or more
//
// Load reads a file's recorded answers with it, as hostile input: a regular
// file of at most MaxAnswerBytes, or the scenario is bad (naming the
// answer's line), so a named pipe or a missing file stops nothing at run
// time.
package scenario
