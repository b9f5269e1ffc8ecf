package bench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/mimicry"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/fusion"
	"github.com/kindred-hri/kindred/perception/scenario"
	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/robot/sim"
)

// Analyze is `kindred analyze --video`'s path on one video.
type Analyze struct {
	File      string  `json:"file"`
	Frames    int     `json:"frames"`
	MediaS    float64 `json:"media_s"`
	ElapsedS  float64 `json:"elapsed_s"`
	XRealtime float64 `json:"x_realtime"`
}

// Fusion is one assessment's cost.
type Fusion struct {
	Assessments         int     `json:"assessments"`
	NsPerAssessment     float64 `json:"ns_per_assessment"`
	AllocsPerAssessment float64 `json:"allocs_per_assessment"`
}

// Latency is the behaviour engine's event-to-intent time.
type Latency struct {
	Events int     `json:"events"`
	P50US  float64 `json:"p50_us"`
	P95US  float64 `json:"p95_us"`
	MaxUS  float64 `json:"max_us"`
}

// Mimicry is one face's way through the mirror.
type Mimicry struct {
	Updates     int     `json:"updates"`
	NsPerUpdate float64 `json:"ns_per_update"`
	P50US       float64 `json:"p50_us"`
	P95US       float64 `json:"p95_us"`
}

// Limiter is one control step's cost.
type Limiter struct {
	Ticks     int64   `json:"ticks"`
	NsPerTick float64 `json:"ns_per_tick"`
}

// Session is a simulated kindred run sampled as it goes.
type Session struct {
	Scenario        string  `json:"scenario"`
	SessionS        float64 `json:"session_s"`
	Speed           float64 `json:"speed"`
	WallS           float64 `json:"wall_s"`
	Samples         int     `json:"samples"`
	RSSMBPeak       float64 `json:"rss_mb_peak"`
	HeapMBEarly     float64 `json:"heap_mb_early"`
	HeapMBLate      float64 `json:"heap_mb_late"`
	GoroutinesEarly float64 `json:"goroutines_early"`
	GoroutinesLate  float64 `json:"goroutines_late"`
	GoroutinesMax   int     `json:"goroutines_max"`
}

// benchAnalyzeVideo times the code path of `kindred analyze --video` on
// Megamind.avi (every frame, face, movement and fused pain).
func benchAnalyzeVideo(ctx context.Context, d Deps) (*Analyze, error) {
	return timeAnalyze(ctx, d, filepath.Join(VideoDir, "Megamind.avi"))
}

// timeAnalyze times analyze's code path on one video.
func timeAnalyze(ctx context.Context, d Deps, path string) (*Analyze, error) {
	start := time.Now()
	frames, fps, err := d.AnalyzeVideo(ctx, path)
	if err != nil {
		return nil, err
	}
	elapsed := time.Since(start).Seconds()
	if fps <= 0 || frames == 0 {
		return nil, fmt.Errorf("%s: no frame rate or no frames", path)
	}
	media := float64(frames) / fps
	return &Analyze{File: path, Frames: frames, MediaS: round3(media), ElapsedS: round3(elapsed),
		XRealtime: round3(media / elapsed)}, nil
}

// benchSink keeps what a scenario plays, for the stage benchmarks.
type benchSink struct {
	faces []perception.FaceObs
	fuser *fusion.Fuser
}

func (s *benchSink) Face(o perception.FaceObs) {
	if s.fuser != nil {
		s.fuser.Face(o)
		return
	}
	s.faces = append(s.faces, o)
}
func (s *benchSink) Voice(o perception.VoiceObs) {
	if s.fuser != nil {
		s.fuser.Voice(o)
	}
}
func (s *benchSink) Posture(o perception.PostureObs) {
	if s.fuser != nil {
		s.fuser.Posture(o)
	}
}
func (s *benchSink) Event(e perception.Event) {
	if s.fuser != nil {
		s.fuser.Event(e)
	}
}

// benchFusion feeds the pain-episode scenario to fusion and times one
// assessment every 100 ms of session time (the run's rate).
func benchFusion(n int) (*Fusion, error) {
	s, err := scenario.Load("pain-episode")
	if err != nil {
		return nil, err
	}
	fu, err := fusion.New(fusion.DefaultOpts())
	if err != nil {
		return nil, err
	}
	p := scenario.NewPlayer(s)
	sink := &benchSink{fuser: fu}
	var spent time.Duration
	var mallocs uint64
	at := time.Duration(0)
	for i := 0; i < n; i++ {
		at += 100 * time.Millisecond
		p.Step(at, sink, true)
		m0 := mallocCount()
		t := time.Now()
		a := fu.Assess(at)
		spent += time.Since(t)
		mallocs += mallocCount() - m0
		if math.IsNaN(a.Score) {
			return nil, fmt.Errorf("assessment at %v is NaN", at)
		}
	}
	return &Fusion{Assessments: n, NsPerAssessment: round3(float64(spent.Nanoseconds()) / float64(n)),
		AllocsPerAssessment: round3(float64(mallocs) / float64(n))}, nil
}

// benchBehavior measures the behaviour engine's event handling through
// Run's channels: a spoken "stop" until the stillness intent comes out, and
// the opt-in until its acknowledgement does.
func benchBehavior(ctx context.Context, n int) (*Latency, error) {
	cfg := behavior.DefaultConfig()
	// One "stop" opts out at once, so that each word and opt-in is one
	// round trip (by default a lone word only stills the robot).
	cfg.OptOut.Confirm = 0
	e, err := behavior.New(cfg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in, out := make(chan behavior.Input), make(chan behavior.Output, 16)
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx, in, out) }()
	defer func() { cancel(); <-done }()
	await := func(kind behavior.IntentKind) error {
		for {
			select {
			case o, ok := <-out:
				if !ok {
					return errors.New("engine stopped")
				}
				if it, ok := o.(behavior.Intent); ok && it.Kind == kind {
					return nil
				}
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	lat := make([]time.Duration, 0, n)
	at := time.Second
	for len(lat) < n {
		at += time.Second
		for _, step := range []struct {
			in   behavior.Input
			want behavior.IntentKind
		}{
			{behavior.EventInput(perception.Event{At: at, Kind: perception.EventKeyword, Text: "stop"}), behavior.IntentStill},
			{behavior.CommandInput(behavior.Command{At: at + time.Millisecond, Cmd: behavior.CmdOptIn}), behavior.IntentOptInAck},
		} {
			t := time.Now()
			select {
			case in <- step.in:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if err := await(step.want); err != nil {
				return nil, err
			}
			lat = append(lat, time.Since(t))
		}
	}
	return &Latency{Events: len(lat), P50US: pctUS(lat, 0.5), P95US: pctUS(lat, 0.95), MaxUS: pctUS(lat, 1)}, nil
}

// benchMimicry times one face through the mirror to the pose it
// causes, on the visit scenario's faces, mirroring on.
func benchMimicry(n int) (*Mimicry, error) {
	prof, err := robot.LoadProfile("sim")
	if err != nil {
		return nil, err
	}
	o := mimicry.DefaultOpts()
	o.Settings = behavior.MirrorSettings{Enabled: true, Gain: 0.6, Concern: 0.5}
	m, err := mimicry.New(prof.Specs(), o)
	if err != nil {
		return nil, err
	}
	s, err := scenario.Load("visit")
	if err != nil {
		return nil, err
	}
	sink := &benchSink{}
	scenario.NewPlayer(s).Step(3*time.Minute, sink, true)
	if len(sink.faces) == 0 {
		return nil, errors.New("the visit scenario shows no face")
	}
	dst := make(robot.Pose, len(m.Joints()))
	lat := make([]time.Duration, 0, n)
	var offset time.Duration
	last := sink.faces[len(sink.faces)-1].At
	start := time.Now()
	for i := 0; i < n; i++ {
		f := sink.faces[i%len(sink.faces)]
		if i > 0 && i%len(sink.faces) == 0 {
			offset += last + 33*time.Millisecond
		}
		f.At += offset
		t := time.Now()
		m.Face(f)
		m.StepInto(f.At, dst)
		lat = append(lat, time.Since(t))
	}
	total := time.Since(start)
	return &Mimicry{Updates: n, NsPerUpdate: round3(float64(total.Nanoseconds()) / float64(n)),
		P50US: pctUS(lat, 0.5), P95US: pctUS(lat, 0.95)}, nil
}

// benchLimiter drives Limiter.Run on the sim body with commands sent
// back to back: every command is applied and stepped at once (arbitrate,
// clamp, integrate every joint, write the moved joints), so the wall time
// over the steps is the cost of one control step through Run's channel.
// Every joint keeps moving between two far-apart poses.
func benchLimiter(ctx context.Context, n int) (*Limiter, error) {
	prof, err := robot.LoadProfile("sim")
	if err != nil {
		return nil, err
	}
	o := robot.DefaultOpts()
	o.Watchdog = time.Hour
	l, err := robot.NewLimiter(prof.Specs(), sim.New(prof), o)
	if err != nil {
		return nil, err
	}
	lo, hi := robot.Pose{}, robot.Pose{}
	for _, j := range prof.Joints {
		lo[j.ID], hi[j.ID] = j.Min, j.Max
	}
	cmds := make(chan robot.Command)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- l.Run(runCtx, cmds) }()
	start := time.Now()
	for i := 0; i < n; i++ {
		pose := lo
		if (i/100)%2 == 1 {
			pose = hi
		}
		select {
		case cmds <- robot.Command{Pose: pose, Source: robot.SourceMimicry}:
		case err := <-done:
			return nil, fmt.Errorf("limiter stopped: %w", err)
		}
	}
	elapsed := time.Since(start)
	writes := l.Stats().JointCommands
	cancel()
	if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
		return nil, err
	}
	if writes == 0 {
		return nil, errors.New("the body never moved")
	}
	return &Limiter{Ticks: int64(n), NsPerTick: round3(float64(elapsed.Nanoseconds()) / float64(n))}, nil
}

// RunSample is the process's state at one instant of a running session.
type RunSample struct {
	Wall       time.Duration // since the run started
	HeapMB     float64       // Go heap in use
	RSSMB      float64       // resident set from /proc/self/status
	Goroutines int
}

// SampledRun runs `kindred run` in-process (through run) with args and samples the
// process every period until the run returns.
func SampledRun(ctx context.Context, run func(context.Context, []string) error, args []string, period time.Duration) ([]RunSample, time.Duration, error) {
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- run(ctx, args) }()
	tick := time.NewTicker(period)
	defer tick.Stop()
	var samples []RunSample
	for {
		select {
		case err := <-done:
			wall := time.Since(start)
			if err != nil {
				return samples, wall, fmt.Errorf("kindred run %s: %w", strings.Join(args, " "), err)
			}
			return samples, wall, nil
		case <-tick.C:
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			rss, _ := procStatusMB("VmRSS") // 0 where /proc is missing
			samples = append(samples, RunSample{Wall: time.Since(start), HeapMB: float64(ms.HeapAlloc) / (1 << 20),
				RSSMB: rss, Goroutines: runtime.NumGoroutine()})
		}
	}
}

// benchSessionRun runs `kindred run` in-process on a built-in scenario at
// high speed and samples memory and goroutines ten times a second.
func benchSession(ctx context.Context, d Deps, tmp, name string, session time.Duration, speed float64) (*Session, error) {
	args := []string{"--scenario", name, "--speed", strconv.FormatFloat(speed, 'f', -1, 64),
		"--for", session.String(), "--console", "off", "--journal", filepath.Join(tmp, name+".db"),
		"--summary", filepath.Join(tmp, name+".json")}
	samples, wall, err := SampledRun(ctx, d.Run, args, 100*time.Millisecond)
	if err != nil {
		return nil, err
	}
	if len(samples) < 5 {
		return nil, fmt.Errorf("the session ended after %d samples; too short to judge", len(samples))
	}
	res := &Session{Scenario: name, SessionS: session.Seconds(), Speed: speed, WallS: round3(wall.Seconds()),
		Samples: len(samples)}
	var heapE, heapL, gE, gL float64
	fifth := max(1, len(samples)/5)
	for i, s := range samples {
		res.RSSMBPeak = max(res.RSSMBPeak, round3(s.RSSMB))
		res.GoroutinesMax = max(res.GoroutinesMax, s.Goroutines)
		if i < fifth {
			heapE += s.HeapMB
			gE += float64(s.Goroutines)
		}
		if i >= len(samples)-fifth {
			heapL += s.HeapMB
			gL += float64(s.Goroutines)
		}
	}
	n := float64(fifth)
	res.HeapMBEarly, res.HeapMBLate = round3(heapE/n), round3(heapL/n)
	res.GoroutinesEarly, res.GoroutinesLate = round3(gE/n), round3(gL/n)
	return res, nil
}

// procStatusMB reads one kB field of /proc/self/status in megabytes.
func procStatusMB(field string) (float64, error) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				return 0, fmt.Errorf("/proc/self/status %s: %w", field, err)
			}
			return kb / 1024, nil
		}
	}
	return 0, fmt.Errorf("/proc/self/status has no %s", field)
}

func mallocCount() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.Mallocs
}

func percentile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1))]
}

func pctMS(d []time.Duration, q float64) float64 {
	return round3(float64(percentile(d, q).Nanoseconds()) / 1e6)
}

func pctUS(d []time.Duration, q float64) float64 {
	return round3(float64(percentile(d, q).Nanoseconds()) / 1e3)
}

func round3(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return math.Round(v*1000) / 1000
}
