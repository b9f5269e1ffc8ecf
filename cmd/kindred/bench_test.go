package main

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/internal/bench"
)

// TestBenchQuickJSON runs the quick suite through the command (kindred
// itself timed as a process: this test binary acting as the CLI) and checks
// that every documented field is present with a plausible, non-zero value.
// It does not judge the timings: speed goals live in the benchmarks.
func TestBenchQuickJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole quick suite (about 30 s)")
	}
	if _, err := bench.LibriVoxWAVs(); err != nil {
		t.Skip(err)
	}
	t.Setenv("KINDRED_TEST_AS_CLI", "1")
	code, stdout, stderr := runKindred(t, "bench", "--quick", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, stdout)
	}
	checkFields(t, "", reflect.TypeOf(bench.Report{}), raw)

	var r bench.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	if !r.Quick || r.CPUs < 1 || !strings.HasPrefix(r.GoVersion, "go") {
		t.Errorf("header %v %d %q", r.Quick, r.CPUs, r.GoVersion)
	}
	sz := bench.SizesFor(true)
	positive := map[string]float64{
		"face.fps": r.Face.FPS, "face.p50_ms": r.Face.P50MS, "face.p95_ms": r.Face.P95MS,
		"analyze.media_s": r.Analyze.MediaS, "analyze.elapsed_s": r.Analyze.ElapsedS, "analyze.x_realtime": r.Analyze.XRealtime,
		"voice.audio_s": r.Voice.AudioS, "voice.process_x_realtime": r.Voice.ProcessXRealtime,
		"voice.ns_per_hop": r.Voice.NsPerHop, "voice.analysis_x_realtime": r.Voice.AnalysisXRealtime,
		"voice_cli.audio_s": r.VoiceCLI.AudioS, "voice_cli.kindred_s": r.VoiceCLI.KindredS, "voice_cli.kindred_cpu_s": r.VoiceCLI.KindredCPUS,
		"fusion.ns_per_assessment": r.Fusion.NsPerAssessment,
		"behavior.p50_us":          r.Behavior.P50US, "behavior.p95_us": r.Behavior.P95US, "behavior.max_us": r.Behavior.MaxUS,
		"mimicry.ns_per_update": r.Mimicry.NsPerUpdate, "mimicry.p50_us": r.Mimicry.P50US, "mimicry.p95_us": r.Mimicry.P95US,
		"limiter.ns_per_tick": r.Limiter.NsPerTick,
		"session.session_s":   r.Session.SessionS, "session.wall_s": r.Session.WallS, "session.rss_mb_peak": r.Session.RSSMBPeak,
		"session.heap_mb_early": r.Session.HeapMBEarly, "session.heap_mb_late": r.Session.HeapMBLate,
		"session.goroutines_early": r.Session.GoroutinesEarly, "session.goroutines_late": r.Session.GoroutinesLate,
	}
	for name, v := range positive {
		if !(v > 0) || math.IsInf(v, 0) {
			t.Errorf("%s = %v, want a positive measurement", name, v)
		}
	}
	f := r.Face
	if f.Frames != sz.FaceFrames || f.Width != 640 || f.Height != 480 {
		t.Errorf("face: %d frames %dx%d", f.Frames, f.Width, f.Height)
	}
	if f.FramesWithFace < 1 || f.FramesWithFace > f.Frames || f.P95MS < f.P50MS || f.DetectionRounds < f.Frames/f.Schedule.DetectEvery || f.DetectionRounds > f.Frames {
		t.Errorf("face: %+v", f)
	}
	if len(r.FaceComparisons) != 4 {
		t.Errorf("%d face comparisons, want 4 (full size, shrunk, run schedule, defaults)", len(r.FaceComparisons))
	}
	for _, c := range r.FaceComparisons {
		ref := c.Reference
		switch {
		case c.Frames != f.Frames || c.Name == "" || c.Ours.Does == "" || ref.Tool == "":
			t.Errorf("row not labelled or not on the same frames: %+v", c)
		case c.LikeForLike && c.Ours.Schedule != ref.Schedule:
			t.Errorf("%s: called like for like with schedules %+v and %+v", c.Name, c.Ours.Schedule, ref.Schedule)
		case !ref.Available && ref.Missing == "":
			t.Errorf("%s: neither measured nor said missing", c.Name)
		case ref.Available && !(c.OursVsReference > 0 && ref.FPS > 0):
			t.Errorf("%s: measured but no ratio: %+v", c.Name, c)
		case !ref.Available:
			t.Logf("%s: reference missing: %s", c.Name, ref.Missing)
		}
	}
	if m := r.MeshFace; m == nil {
		t.Error("mesh_face missing: the default face stack was not timed")
	} else if m.Missing == "" && (m.Frames != sz.FaceFrames || m.FramesWithFace < m.Frames*95/100 || !(m.CPUMSPerFrame > 0) || !(m.FPS > 0)) {
		t.Errorf("mesh_face on real people: %+v", m)
	}
	for _, a := range r.AnalyzeReal {
		if a.Frames < 50 || !(a.XRealtime > 0) {
			t.Errorf("analyze_real: %+v", a)
		}
	}
	if r.Analyze.Frames < 100 || r.Voice.Files < 1 || r.Voice.AudioS < 5 {
		t.Errorf("analyze %+v, voice %+v: not the Debian media", r.Analyze, r.Voice)
	}
	if r.Voice.AllocsPerHop > 1 {
		t.Errorf("voice: %.2f allocs per hop; Process should not allocate once warm", r.Voice.AllocsPerHop)
	}
	vc := r.VoiceCLI
	if len(vc.Files) != sz.VoiceFiles || vc.Runs != sz.VoiceRuns {
		t.Errorf("voice_cli: %d files, %d runs", len(vc.Files), vc.Runs)
	}
	for _, fl := range vc.Files {
		if !(fl.AudioS > 0 && fl.KindredS > 0 && fl.KindredMeasures.F0MeanHz > 50) {
			t.Errorf("voice_cli %s: %+v", fl.File, fl)
		}
		if vc.PraatAvailable != (fl.PraatMeasures != nil && fl.PraatS > 0 && fl.OursVsReference > 0) {
			t.Errorf("voice_cli %s: Praat available %v but row %+v", fl.File, vc.PraatAvailable, fl)
		}
	}
	if vc.PraatAvailable == (vc.PraatMissing != "") {
		t.Errorf("voice_cli: want Praat's times or why it is missing: %+v", vc)
	}
	if r.Behavior.Events < sz.Events {
		t.Errorf("behavior: %d events", r.Behavior.Events)
	}
	if r.Behavior.P95US < r.Behavior.P50US || r.Behavior.MaxUS < r.Behavior.P95US {
		t.Errorf("behavior percentiles out of order: %+v", r.Behavior)
	}
	if r.Mimicry.Updates != sz.Updates || r.Limiter.Ticks != int64(sz.Ticks) || r.Fusion.Assessments != sz.Assess {
		t.Errorf("counts: mimicry %d, limiter %d, fusion %d", r.Mimicry.Updates, r.Limiter.Ticks, r.Fusion.Assessments)
	}
	s := r.Session
	if s.Scenario != "visit" || s.Samples < 5 || s.GoroutinesMax < int(s.GoroutinesLate) || s.RSSMBPeak < s.HeapMBLate {
		t.Errorf("session: %+v", s)
	}
}

// checkFields reports every json-tagged field of typ missing from obj,
// descending into nested objects and embedded structs. Fields tagged
// omitempty may be absent.
func checkFields(t *testing.T, prefix string, typ reflect.Type, obj map[string]json.RawMessage) {
	t.Helper()
	for i := 0; i < typ.NumField(); i++ {
		field := typ.Field(i)
		if field.Anonymous && field.Tag.Get("json") == "" {
			checkFields(t, prefix, field.Type, obj)
			continue
		}
		name, opts, _ := strings.Cut(field.Tag.Get("json"), ",")
		raw, ok := obj[name]
		if !ok {
			if opts != "omitempty" {
				t.Errorf("field %s%s missing", prefix, name)
			}
			continue
		}
		ft := field.Type
		if ft.Kind() == reflect.Slice {
			ft = ft.Elem()
			var items []map[string]json.RawMessage
			if ft.Kind() == reflect.Struct && json.Unmarshal(raw, &items) == nil && len(items) > 0 {
				checkFields(t, prefix+name+"[0].", ft, items[0])
			}
			continue
		}
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			var sub map[string]json.RawMessage
			if err := json.Unmarshal(raw, &sub); err != nil {
				t.Errorf("field %s%s is not an object: %s", prefix, name, raw)
				continue
			}
			checkFields(t, prefix+name+".", ft, sub)
		}
	}
}

// TestBenchOnly: --only runs the parts asked for, the others null in
// --json and left out of the table; an unknown part is bad usage, one line
// naming the valid parts.
func TestBenchOnly(t *testing.T) {
	code, stdout, stderr := runKindred(t, "bench", "--quick", "--json", "--only", "fusion,limiter")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, stdout)
	}
	for _, p := range append(bench.Parts(), "face_comparisons") {
		asked := p == "fusion" || p == "limiter"
		if got := string(raw[p]); (got == "null") == asked {
			t.Errorf("%s: %.60s (asked %v)", p, got, asked)
		}
	}
	var r bench.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	if r.Fusion.Assessments < 1 || r.Limiter.Ticks < 1 || !(r.Limiter.NsPerTick > 0) {
		t.Errorf("fusion %+v, limiter %+v: not measured", r.Fusion, r.Limiter)
	}

	code, stdout, stderr = runKindred(t, "bench", "--quick", "--only", "limiter")
	if code != 0 {
		t.Fatalf("table: exit %d: %s", code, stderr)
	}
	if lines := strings.Split(strings.TrimSpace(stdout), "\n"); len(lines) != 3 || !strings.HasPrefix(lines[2], "limiter ") {
		t.Errorf("table of limiter alone:\n%s", stdout)
	}
	if strings.TrimSpace(stderr) != "bench: limiter..." {
		t.Errorf("progress %q, want the limiter's step alone", stderr)
	}

	code, stdout, stderr = runKindred(t, "bench", "--only", "voice,praat")
	want := `kindred bench: --only: unknown part "praat"; the parts are ` + strings.Join(bench.Parts(), ", ") + "\n"
	if code != 2 || stderr != want || stdout != "" {
		t.Errorf("unknown part: exit %d, stderr %q, stdout %q; want exit 2 and %q", code, stderr, stdout, want)
	}
}
