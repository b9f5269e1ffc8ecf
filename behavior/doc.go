// Package behavior is the companion's finite-state engine: it turns pain
// assessments, perception events and supervision commands into intents.
package behavior
