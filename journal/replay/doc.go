// Package replay re-scores recorded sessions with what the carers' ratings
// taught: it learns each resident's fusion gains from the journal's rated
// assessments and stores them in the calibration `kindred run` reads
// (`kindred replay`).
package replay
