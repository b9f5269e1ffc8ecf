package bench

import (
	"slices"
	"strings"

	"github.com/kindred-hri/kindred/internal/badinput"
)

// The suite's parts, in the order they run, each named as its field in
// --json (face also fills face_comparisons).
const (
	PartFace        = "face"
	PartMeshFace    = "mesh_face"
	PartAnalyze     = "analyze"
	PartAnalyzeReal = "analyze_real"
	PartVoice       = "voice"
	PartVoiceCLI    = "voice_cli"
	PartFusion      = "fusion"
	PartBehavior    = "behavior"
	PartMimicry     = "mimicry"
	PartLimiter     = "limiter"
	PartSession     = "session"
)

// Parts lists the suite's parts in the order they run.
func Parts() []string {
	return []string{PartFace, PartMeshFace, PartAnalyze, PartAnalyzeReal, PartVoice, PartVoiceCLI,
		PartFusion, PartBehavior, PartMimicry, PartLimiter, PartSession}
}

// OnlyUsage is the help of `kindred bench --only`.
func OnlyUsage() string {
	return "run only these parts, comma-separated (" + strings.Join(Parts(), ", ") + "); the others are null in --json"
}

// ParseParts reads --only: part names separated by commas (spaces around
// them allowed, a name given twice counted once). Empty means every part,
// and gives nil. An unknown or empty name is bad input (exit 2), naming
// the valid parts.
func ParseParts(s string) (map[string]bool, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	valid := Parts()
	only := map[string]bool{}
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if !slices.Contains(valid, p) {
			return nil, badinput.Errorf("--only: unknown part %q; the parts are %s", p, strings.Join(valid, ", "))
		}
		only[p] = true
	}
	return only, nil
}

// ParseOptions are the suite's options from the command's flags: quick,
// and --only as ParseParts reads it.
func ParseOptions(quick bool, only string) (Options, error) {
	parts, err := ParseParts(only)
	return Options{Quick: quick, Only: parts}, err
}
