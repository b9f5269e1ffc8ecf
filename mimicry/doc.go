// Package mimicry turns what the person's face does into joint targets for
// whatever body is loaded, softened into empathy.
//
// A Mirror mirrors brows, lids, mouth corners, jaw and head pose (left and
// right swapped, because the robot faces the person), attenuated by a gain,
// lagged by a human-like delay kept as a time-ordered buffer on observation
// time, and smoothed. The empathic transform shows a pain face back as
// concern (inner brows up, a slight head tilt, slower motion) and never as
// a grimace: no brow lowering, no lid squeeze, no mouth pulled from a pain
// face. Nods and head shakes are detected from the head-pose history and
// answered with a small nod (one swing and its return is enough there).
// HeadAnswers reads a yes or a no for the self-report dialogue from the
// same history, but only from a cyclic gesture, two down-up cycles at a
// steady tempo, each stroke well clear of the pose's own jitter: on real faces one swing and its return also comes from an
// expression change. After Asked, a nod answers only if it begins after the
// question's words end from a head seen still for AnswerSettle before it.
// Bodies with arms add open palms and a gentle
// reach during comfort. When nothing is to be mirrored the robot blinks,
// breathes and shifts its gaze (seeded, so runs reproduce), unless the
// intent is IntentStill.
//
// Everything runs on observation (session) time: the pure methods Face,
// SetIntent and Step give the same commands for the same input at any
// speed; Run drives them from channels with a wall ticker scaled by the
// session speed. The package is pure Go and only knows robot.JointSpec and
// robot.Command: range, speed and acceleration limits are the limiter's.
package mimicry
