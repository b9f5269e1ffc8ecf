package main

import (
	"encoding/json"
	"image"
	"math"
	"reflect"
	"strings"
	"testing"
)

// TestBenchQuickJSON runs the quick suite and checks that every documented
// field is present with a plausible, non-zero value. It does not judge the
// timings: speed goals live in the benchmarks.
func TestBenchQuickJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole quick suite (about 30 s)")
	}
	if _, err := benchWAVs(); err != nil {
		t.Skip(err)
	}
	code, stdout, stderr := runKindred(t, "bench", "--quick", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// Every field of the contract is in the object.
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, stdout)
	}
	checkFields(t, "", reflect.TypeOf(benchReport{}), raw)

	var r benchReport
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	if !r.Quick || r.CPUs < 1 || !strings.HasPrefix(r.GoVersion, "go") {
		t.Errorf("header %v %d %q", r.Quick, r.CPUs, r.GoVersion)
	}
	positive := map[string]float64{
		"face.fps": r.Face.FPS, "face.p50_ms": r.Face.P50MS, "face.p95_ms": r.Face.P95MS,
		"analyze.media_s": r.Analyze.MediaS, "analyze.elapsed_s": r.Analyze.ElapsedS, "analyze.x_realtime": r.Analyze.XRealtime,
		"voice.audio_s": r.Voice.AudioS, "voice.process_x_realtime": r.Voice.ProcessXRealtime,
		"voice.ns_per_hop": r.Voice.NsPerHop, "voice.analysis_x_realtime": r.Voice.AnalysisXRealtime,
		"fusion.ns_per_assessment": r.Fusion.NsPerAssessment,
		"behavior.p50_us":          r.Behavior.P50US, "behavior.p95_us": r.Behavior.P95US, "behavior.max_us": r.Behavior.MaxUS,
		"mimicry.ns_per_update": r.Mimicry.NsPerUpdate, "mimicry.p50_us": r.Mimicry.P50US, "mimicry.p95_us": r.Mimicry.P95US,
		"limiter.ns_per_tick":   r.Limiter.NsPerTick,
		"analyze_audio.audio_s": r.AnalyzeAudio.AudioS, "analyze_audio.elapsed_s": r.AnalyzeAudio.ElapsedS,
		"session.session_s": r.Session.SessionS, "session.wall_s": r.Session.WallS, "session.rss_mb_peak": r.Session.RSSMBPeak,
		"session.heap_mb_early": r.Session.HeapMBEarly, "session.heap_mb_late": r.Session.HeapMBLate,
		"session.goroutines_early": r.Session.GoroutinesEarly, "session.goroutines_late": r.Session.GoroutinesLate,
	}
	for name, v := range positive {
		if !(v > 0) || math.IsInf(v, 0) {
			t.Errorf("%s = %v, want a positive measurement", name, v)
		}
	}
	// Plausibility: counts match what the suite fed, percentiles are ordered,
	// figures stay within physical sense.
	f := r.Face
	if f.Frames != sizesFor(true).faceFrames || f.Width != 640 || f.Height != 480 {
		t.Errorf("face: %d frames %dx%d", f.Frames, f.Width, f.Height)
	}
	if f.FramesWithFace < 1 || f.FramesWithFace > f.Frames || f.P95MS < f.P50MS {
		t.Errorf("face: %+v", f)
	}
	if r.Analyze.Frames < 100 || r.Voice.Files < 1 || r.Voice.AudioS < 5 {
		t.Errorf("analyze %+v, voice %+v: not the Debian media", r.Analyze, r.Voice)
	}
	if r.Voice.AllocsPerHop > 1 {
		t.Errorf("voice: %.2f allocs per hop; Process should not allocate once warm", r.Voice.AllocsPerHop)
	}
	if r.Behavior.Events < sizesFor(true).events {
		t.Errorf("behavior: %d events", r.Behavior.Events)
	}
	if r.Behavior.P95US < r.Behavior.P50US || r.Behavior.MaxUS < r.Behavior.P95US {
		t.Errorf("behavior percentiles out of order: %+v", r.Behavior)
	}
	if r.Mimicry.Updates != sizesFor(true).updates || r.Limiter.Ticks != int64(sizesFor(true).ticks) ||
		r.Fusion.Assessments != sizesFor(true).assess {
		t.Errorf("counts: mimicry %d, limiter %d, fusion %d", r.Mimicry.Updates, r.Limiter.Ticks, r.Fusion.Assessments)
	}
	s := r.Session
	if s.Scenario != "visit" || s.Samples < 5 || s.GoroutinesMax < int(s.GoroutinesLate) || s.RSSMBPeak < s.HeapMBLate {
		t.Errorf("session: %+v", s)
	}
	for _, ref := range []*benchRef{r.FaceRef, r.VoiceRef} {
		switch {
		case ref.Tool == "":
			t.Errorf("reference without a tool name: %+v", ref)
		case !ref.Available && ref.Missing == "":
			t.Errorf("%s: neither measured nor said missing", ref.Tool)
		case ref.Available && !(ref.OursVsReference > 0):
			t.Errorf("%s: measured but no ratio: %+v", ref.Tool, ref)
		case !ref.Available:
			t.Logf("%s missing: %s", ref.Tool, ref.Missing)
		}
	}
	if r.FaceRef.Available && (r.FaceRef.Frames != f.Frames || !(r.FaceRef.FPS > 0)) {
		t.Errorf("face reference did not run on the same frames: %+v", r.FaceRef)
	}
	t.Logf("analyze_audio: %+v", *r.AnalyzeAudio)
	if aa := r.AnalyzeAudio; aa.AudioS < 10 || (aa.PraatMissing == "") != (aa.PraatElapsedS > 0 && aa.OursVsReference > 0) {
		t.Errorf("analyze_audio: %+v: want a 10 s file and Praat's time or why it is missing", aa)
	}
	if r.VoiceRef.Available && !(r.VoiceRef.XRealtime > 0 && r.VoiceRef.ElapsedS > r.VoiceRef.StartupS) {
		t.Errorf("voice reference: %+v", r.VoiceRef)
	}
}

// checkFields reports every json-tagged field of typ missing from obj,
// descending into nested objects. Fields tagged omitempty may be absent.
func checkFields(t *testing.T, prefix string, typ reflect.Type, obj map[string]json.RawMessage) {
	t.Helper()
	for i := 0; i < typ.NumField(); i++ {
		tag := typ.Field(i).Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		raw, ok := obj[name]
		if !ok {
			if opts != "omitempty" {
				t.Errorf("field %s%s missing", prefix, name)
			}
			continue
		}
		ft := typ.Field(i).Type
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

func TestResizeGrayKeepsLevels(t *testing.T) {
	tests := []struct{ sw, sh, w, h int }{{720, 528, 640, 480}, {320, 240, 640, 480}, {1, 1, 4, 3}}
	for _, tt := range tests {
		src := newGrayRamp(tt.sw, tt.sh)
		got := resizeGray(src, tt.w, tt.h)
		if b := got.Bounds(); b.Dx() != tt.w || b.Dy() != tt.h {
			t.Fatalf("%dx%d -> %v", tt.sw, tt.sh, b)
		}
		// A horizontal ramp stays a ramp: left edge dark, right edge bright.
		if tt.sw > 1 && got.GrayAt(0, tt.h/2).Y >= got.GrayAt(tt.w-1, tt.h/2).Y {
			t.Errorf("%dx%d: ramp lost: %d..%d", tt.sw, tt.sh, got.GrayAt(0, tt.h/2).Y, got.GrayAt(tt.w-1, tt.h/2).Y)
		}
	}
}

func newGrayRamp(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			g.Pix[y*g.Stride+x] = uint8(255 * x / max(1, w-1))
		}
	}
	return g
}
