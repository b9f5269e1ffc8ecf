// Package doctor checks what a robot will use (the body's board, camera,
// microphone, speaker, speech, face and sound models, the journal and the
// MQTT broker) and says, for each missing part, whether it stops the run or
// only degrades it, and how to fix it: `kindred doctor`.
//
// It is wiring: it opens the native devices to see that they work.
package doctor
