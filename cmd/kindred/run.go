package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/calibration"
	"github.com/kindred-hri/kindred/console"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/journal/fleet"
	"github.com/kindred-hri/kindred/mimicry"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/fusion"
	"github.com/kindred-hri/kindred/perception/scenario"
	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/robot/body"
	"github.com/kindred-hri/kindred/robot/sensors"
	"github.com/kindred-hri/kindred/voices"
)

// runFlags are `kindred run`'s flags (the CLI contract).
type runFlags struct {
	config, robot               string
	camera                      int
	video, mic, audio, scenario string
	speed                       float64
	forDur                      durationFlag
	console, journal, mqtt      string
	mqttControl                 bool
	summary                     string
	printFSM                    bool
	lang, persona               string
	person                      string
	tlsCert, tlsKey             string
	insecureHTTP                bool
	faceBackend                 string
	consoleTLS                  *tls.Config // loaded from tlsCert and tlsKey
}

func cmdRun(ctx context.Context, e env, args []string) error {
	var f runFlags
	fs := newFlags("run", e.stdout)
	fs.StringVar(&f.config, "config", "", "YAML configuration file")
	fs.StringVar(&f.robot, "robot", "", "body: sim, a built-in profile name, or a profile YAML file")
	fs.IntVar(&f.camera, "camera", -1, "camera index")
	fs.StringVar(&f.video, "video", "", "video file instead of a camera")
	fs.StringVar(&f.mic, "mic", "", "microphone by name")
	fs.StringVar(&f.audio, "audio", "", "audio file instead of a microphone")
	fs.StringVar(&f.scenario, "scenario", "", "built-in scenario ("+strings.Join(scenario.Names(), ", ")+") or a scenario YAML file")
	fs.Float64Var(&f.speed, "speed", 0, "session seconds per wall second (scenarios and files only)")
	fs.Var(&f.forDur, "for", "stop after this much session time, e.g. 60s")
	fs.StringVar(&f.console, "console", "", "console address (default 127.0.0.1:8080), or off")
	fs.StringVar(&f.journal, "journal", "", "journal file (default in the user config dir), or off")
	fs.StringVar(&f.tlsCert, "tls-cert", "", "console TLS certificate (PEM); needed to serve beyond loopback")
	fs.StringVar(&f.tlsKey, "tls-key", "", "console TLS private key (PEM)")
	fs.BoolVar(&f.insecureHTTP, "insecure-http", false, "serve the console beyond loopback in plain HTTP anyway")
	fs.StringVar(&f.mqtt, "mqtt", "", "MQTT broker, tcp://HOST:PORT or ssl://HOST:PORT")
	fs.BoolVar(&f.mqttControl, "mqtt-control", false, "take commands from kindred/<robot>/control (needs credentials, and TLS or KINDRED_MQTT_KEY)")
	fs.StringVar(&f.summary, "summary", "", "write the run summary JSON to this file at exit")
	fs.BoolVar(&f.printFSM, "print-fsm", false, "print the behaviour state machine as a Mermaid diagram and exit")
	fs.StringVar(&f.lang, "lang", "", "language of speech: en, de, fr, es, zh")
	fs.StringVar(&f.persona, "persona", "", "voice persona name or YAML file")
	fs.StringVar(&f.faceBackend, "face-backend", "", faceBackendUsage+" (default mesh)")
	fs.StringVar(&f.person, "person", "", "the person this session is with (a calibrated person's id): the face the camera sees is taken to be them")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInput("unexpected argument %q", fs.Arg(0))
	}
	if f.person != "" && calibration.PersonID(f.person) != f.person {
		return badInput("--person %q is not a person id; kindred calibrate person prints the id (e.g. ada-lovelace)", f.person)
	}
	if f.faceBackend != "" {
		var fb faceBackend
		if err := fb.Set(f.faceBackend); err != nil {
			return badInput("--face-backend: %v", err)
		}
	}
	cfg, err := loadRunConfig(f.config)
	if err != nil {
		return err
	}
	if f.printFSM {
		fmt.Fprint(e.stdout, behavior.Mermaid(cfg.Behavior))
		return nil
	}
	overrideConfig(&cfg, &f)
	if err := cfg.validate(); err != nil {
		return badInput("%v", err)
	}
	if f.consoleTLS, err = consoleTransport(cfg.Console, f); err != nil {
		return err
	}
	if cfg.MQTT != "" {
		// Before anything opens: an unsecured control topic is a
		// configuration error, with one line saying what to set.
		if err := fleetOpts(cfg).Validate(); err != nil {
			return badInput("%v", err)
		}
	}
	return runCompanion(ctx, e, cfg, f)
}

func overrideConfig(cfg *runConfig, f *runFlags) {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&cfg.Robot.Profile, f.robot)
	set(&cfg.Scenario, f.scenario)
	set(&cfg.Console, f.console)
	set(&cfg.Journal, f.journal)
	set(&cfg.MQTT, f.mqtt)
	set(&cfg.Lang, f.lang)
	set(&cfg.Persona, f.persona)
	set(&cfg.Primary, f.person)
	set(&cfg.FaceBackend, f.faceBackend)
	if f.speed != 0 {
		cfg.Speed = f.speed
	}
	if f.mqttControl {
		cfg.MQTTControl = true
	}
}

// runCompanion builds every stage, runs the session and writes the summary.
func runCompanion(ctx context.Context, e env, cfg runConfig, f runFlags) error {
	live := f.camera >= 0 || f.video != "" || f.mic != "" || f.audio != ""
	if !live && cfg.Scenario == "" && cameraPresent() {
		// The contract: with no flags, a robot with a camera watches it.
		f.camera, live = 0, true
		fmt.Fprintln(e.stderr, "kindred: using camera 0 (--scenario visit plays the simulated person instead)")
	}
	if live && cfg.Scenario != "" && f.scenario != "" {
		return badInput("--scenario cannot be combined with --camera, --video, --mic or --audio")
	}
	if (f.camera >= 0 || f.mic != "") && cfg.Speed != 1 {
		return badInput("--speed applies to scenarios and files, not to a live camera or microphone")
	}
	profile, err := robot.LoadProfile(cfg.Robot.Profile)
	if err != nil {
		if errors.Is(err, robot.ErrBadProfile) {
			return &usageError{err}
		}
		return err
	}
	var scen *scenario.Scenario
	if !live {
		name := cfg.Scenario
		if name == "" {
			name = "visit"
		}
		if scen, err = scenario.Load(name); err != nil {
			if errors.Is(err, scenario.ErrBadScenario) {
				return &usageError{err}
			}
			return err
		}
	}
	persona, err := pickPersona(cfg)
	if err != nil {
		return &usageError{err}
	}

	bod, err := body.Open(profile)
	if err != nil {
		return err // body.Open names the body and its port
	}
	// Whatever ends the run, early set-up errors included, the board is let
	// go; after a run the limiter has already halted it (Halt is idempotent).
	defer bod.Actuator.Halt()

	clock := newSessionClock(cfg.Speed)
	records := &fanout{}
	var comp *companion

	limOpts := robot.DefaultOpts()
	limOpts.Speed = cfg.Speed
	var lastPose time.Time
	var joints atomic.Pointer[robot.Pose]
	limOpts.OnWrite = func(p robot.Pose) {
		joints.Store(&p)
		// The console draws the face at 20 frames a second; the journal
		// downsamples further by session time.
		if now := time.Now(); now.Sub(lastPose) >= 50*time.Millisecond {
			lastPose = now
			records.Record(journal.PoseSample{At: clock.Now(), Joints: p})
		}
	}
	limOpts.OnFault = func(id robot.JointID, err error) { comp.noteFault("joint "+string(id), err) }
	limiter, err := robot.NewLimiter(profile.Specs(), bod.Actuator, limOpts)
	if err != nil {
		return err
	}

	fopts := fusion.DefaultOpts()
	var persons *calibration.PersonStore
	if dir, err := calibration.DefaultPersonDir(); err == nil {
		// People calibrated with `kindred calibrate person` are scored
		// against their own baselines when they arrive.
		persons = calibration.NewPersonStore(dir)
		fopts.Profiles = persons
	}
	fu, err := fusion.New(fopts)
	if err != nil {
		return err
	}
	engine, err := behavior.New(cfg.Behavior)
	if err != nil {
		return &usageError{fmt.Errorf("behavior: %w", err)}
	}
	mopts := mimicry.DefaultOpts()
	mopts.Speed = cfg.Speed
	// Delayed faces fall due between ticks; a 10 ms tick keeps that wait,
	// which counts as latency, well under a camera frame.
	mopts.Tick = 10 * time.Millisecond
	mopts.Seed = cfg.Behavior.Seed
	mirror, err := mimicry.New(profile.Specs(), mopts)
	if err != nil {
		return err
	}
	vopts := voices.DefaultOpts()
	vopts.Persona = persona
	vopts.Seed = cfg.Behavior.Seed
	vopts.Warn = func(err error) { fmt.Fprintf(e.stderr, "kindred: %v\n", err) }
	synth, player, err := openVoice(e.stderr)
	if err != nil {
		return err
	}
	speaker, err := voices.NewSpeaker(synth, player, vopts)
	if err != nil {
		return err
	}

	comp = newCompanion(clock, limiter, fu, engine, mirror, speaker, records, e.stderr)
	comp.ids, comp.faceBaselines = assumePerson(cfg, persons, e.stderr)

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	comp.bind(runCtx)

	// The journal: one writer goroutine, never blocking the pipeline.
	var writer *journal.Writer
	var pseudonyms fleet.Pseudonyms // the journal, when there is one
	var services []func(ctx context.Context) error
	if cfg.Journal != "off" {
		path := cfg.Journal
		if path == "" {
			if path, err = journal.DefaultPath(); err != nil {
				return err
			}
		}
		jr, err := journal.Open(runCtx, path)
		if err != nil {
			return fmt.Errorf("journal %s: %w", path, err)
		}
		defer jr.Close()
		pseudonyms = jr
		wo := journal.DefaultWriterOpts()
		wo.RetainDays = cfg.Retain
		cond := cfg.Behavior.Condition.Name
		if cond == "" {
			cond = string(cfg.Behavior.Condition.Mimicry)
		}
		// Begun before any record is queued, so none is lost to start-up.
		wo.Session = &journal.Session{Robot: cfg.Robot.Name, Condition: cond,
			Seed: int64(cfg.Behavior.Seed), Consent: true}
		wo.Report = func(err error) {
			fmt.Fprintf(e.stderr, "kindred: journal %s: %v (the robot keeps caring; records are being lost)\n", path, err)
		}
		writer = jr.NewWriter(wo)
		records.add(func(r journal.Record) { writer.Submit(r) })
		services = append(services, writer.Run)
	}

	if cfg.Console != "off" {
		copts := console.Opts{Robot: cfg.Robot.Name, Notice: e.stderr, TLS: f.consoleTLS, InsecureHTTP: f.insecureHTTP}
		ranges := console.RangesOf(profile.Specs()) // the page draws this body to scale
		copts.Status = func() console.Status {
			st := console.Status{Robot: cfg.Robot.Name, Ranges: ranges}
			if p := joints.Load(); p != nil {
				st.Joints = *p
			}
			if s, ok := comp.state.Load().(behavior.State); ok {
				st.State = string(s)
				st.Paused = s == behavior.StatePaused
				st.OptedOut = s == behavior.StateOptedOut
			}
			if a := comp.last.Load(); a != nil {
				st.Assessment = a
				st.Person = a.Person
			}
			st.Present, st.Residents = comp.presence()
			if m := comp.chosen.Load(); m != nil {
				st.Mirror = &console.Mirror{Enabled: m.Enabled, Gain: m.Gain, DelayMS: m.Delay.Milliseconds()}
			}
			return st
		}
		if writer != nil {
			copts.Sessions = writer
		}
		con, err := console.New(copts)
		if err != nil {
			return err
		}
		records.add(func(r journal.Record) { _ = con.Publish(r) }) // never blocks; drops are counted by the console
		services = append(services, func(ctx context.Context) error {
			go forwardControls(ctx, con.Controls(), behavior.SourceConsole, comp, e.stderr)
			if err := con.Serve(ctx, cfg.Console); err != nil {
				return fmt.Errorf("console %s: %w", cfg.Console, err)
			}
			return nil
		})
		announceConsole(e.stderr, cfg.Console, f)
	}

	if cfg.MQTT != "" {
		fl, err := openFleet(runCtx, cfg, pseudonyms, comp, e.stderr)
		if err != nil {
			return err
		}
		records.add(fl.Record)
		services = append(services, fl.Run)
	}

	if bod.Pins != nil && len(profile.Sensors) > 0 {
		rd, err := sensors.New(profile, bod.Pins, sensors.WithClock(clock.Now))
		if err != nil {
			return err
		}
		services = append(services, func(ctx context.Context) error { return runSensors(ctx, rd, comp) })
	}

	start := func(ctx context.Context) error {
		if scen != nil {
			return playScenario(ctx, scen, comp, cfg, f, cancel)
		}
		return startLive(ctx, comp, f, cfg, cancel)
	}

	errc := make(chan error, len(services))
	svcCtx, stopServices := context.WithCancel(context.Background())
	var svcWG sync.WaitGroup
	for _, s := range services {
		svcWG.Add(1)
		go func() {
			defer svcWG.Done()
			if err := s(svcCtx); err != nil {
				errc <- err
				cancel()
			}
		}()
	}

	runErr := comp.run(start)
	if writer != nil {
		endCtx, endCancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := writer.End(endCtx); err != nil {
			fmt.Fprintf(e.stderr, "kindred: journal: %v\n", err)
		}
		endCancel()
	}
	stopServices()
	svcWG.Wait()
	close(errc)
	for err := range errc {
		runErr = errors.Join(runErr, err)
	}

	written := f.summary
	if f.summary != "" {
		if err := writeSummary(f.summary, comp, limiter, clock); err != nil {
			runErr = errors.Join(runErr, err)
			written = "" // the last line names only a summary that exists
		}
	}
	fmt.Fprintln(e.stderr, endLine(writer, comp, clock, written))
	return runErr
}

// endLine is the run's last word: which session it was, how much session
// time it covered, whether a carer was alerted, and where the summary is.
func endLine(w *journal.Writer, comp *companion, clock *sessionClock, summary string) string {
	var b strings.Builder
	b.WriteString("kindred: run ended")
	if w != nil {
		fmt.Fprintf(&b, ", session %s", w.SessionID())
	}
	fmt.Fprintf(&b, " (%v of session time)", clock.Now().Round(time.Second))
	comp.stats.mu.Lock()
	alerts := comp.stats.alerts
	comp.stats.mu.Unlock()
	switch alerts {
	case 0:
		b.WriteString("; no alerts went out")
	case 1:
		b.WriteString("; 1 alert went out")
	default:
		fmt.Fprintf(&b, "; %d alerts went out", alerts)
	}
	if summary != "" {
		fmt.Fprintf(&b, "; summary in %s", summary)
	}
	return b.String()
}

// playScenario plays the scenario into the companion. A scenario named
// explicitly plays once (or until --for); the default visit loops until Ctrl-C.
func playScenario(ctx context.Context, scen *scenario.Scenario, comp *companion, cfg runConfig, f runFlags, done context.CancelFunc) error {
	player := scenario.NewPlayer(scen)
	comp.onComfort = append(comp.onComfort, player.Comforted)
	loop := cfg.Scenario == "" || f.forDur.d > 0
	err := player.Play(ctx, scenario.PlayOpts{Speed: cfg.Speed, Loop: loop, For: f.forDur.d}, comp)
	if err != nil {
		return fmt.Errorf("scenario %s: %w", scen.Name, err)
	}
	if ctx.Err() == nil {
		// Let the last decisions reach the body, then end the session.
		settle := time.NewTimer(time.Duration(float64(time.Second) / cfg.Speed))
		defer settle.Stop()
		select {
		case <-settle.C:
		case <-ctx.Done():
		}
		done()
	}
	return nil
}

// runSensors passes the body's touch sensors to the companion (a touch can
// opt the person out or back in). Analog readings (electrodermal activity,
// pulse) are not asked for: fusion has no item for them yet.
func runSensors(ctx context.Context, rd *sensors.Reader, comp *companion) error {
	events := make(chan perception.Event, 16)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case e := <-events:
				comp.Event(e)
			}
		}
	}()
	if err := rd.Run(ctx, events, nil); err != nil {
		comp.noteFault("sensors", err)
	}
	return nil
}

// fanout hands each record to every consumer (journal, console, fleet);
// each consumer must not block.
type fanout struct {
	mu    sync.RWMutex
	sinks []func(journal.Record)
}

func (f *fanout) add(s func(journal.Record)) {
	f.mu.Lock()
	f.sinks = append(f.sinks, s)
	f.mu.Unlock()
}

func (f *fanout) Record(r journal.Record) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	for _, s := range f.sinks {
		s(r)
	}
}

// forwardControls passes console commands to the engine.
func forwardControls(ctx context.Context, ctls <-chan journal.Control, from behavior.Source, comp *companion, log interface{ Write([]byte) (int, error) }) {
	for {
		select {
		case <-ctx.Done():
			return
		case c, ok := <-ctls:
			if !ok {
				return
			}
			if err := comp.control(c.Raw, from); err != nil {
				fmt.Fprintf(log, "kindred: console command refused: %v\n", err)
			}
		}
	}
}

// cameraPresent reports whether the first V4L2 camera exists.
func cameraPresent() bool {
	_, err := os.Stat("/dev/video0")
	return err == nil
}

func pickPersona(cfg runConfig) (voices.Persona, error) {
	if cfg.Persona != "" {
		p, err := voices.FindPersona(cfg.Persona)
		if err != nil {
			return p, fmt.Errorf("persona %s: %w", cfg.Persona, err)
		}
		return p, nil
	}
	lang := cfg.Lang
	if lang == "" {
		lang = "en"
	}
	p, err := voices.DefaultPersona(lang)
	if err != nil {
		return p, fmt.Errorf("lang %s: %w", lang, err)
	}
	return p, nil
}

// runSummary is the contract's `kindred run --summary` object, plus what
// makes the run reproducible.
type runSummary struct {
	DurationS     float64           `json:"duration_s"`
	StatesVisited []string          `json:"states_visited"`
	Transitions   int               `json:"transitions"`
	Utterances    int               `json:"utterances"`
	JointCommands int64             `json:"joint_commands"`
	Alerts        int               `json:"alerts"`
	MaxPain       float64           `json:"max_pain"`
	DroppedFrames int64             `json:"dropped_frames"`
	LatencyMS     latencySummary    `json:"latency_ms"`
	Faults        int               `json:"faults"`
	SensorsOn     bool              `json:"sensors_on"` // false when the run ended opted out, camera and microphone closed
	Speed         float64           `json:"speed"`
	Condition     *conditionSummary `json:"condition,omitempty"`
	Seed          uint64            `json:"seed"`
}

// conditionSummary is the experiment condition, so a run can be reproduced.
type conditionSummary struct {
	Name          string  `json:"name"`
	Mimicry       string  `json:"mimicry"`
	Gain          float64 `json:"gain"`
	DelayMS       int64   `json:"delay_ms"`
	ComfortSpeech bool    `json:"comfort_speech"`
	PresenceOnly  bool    `json:"presence_only"`
}

type latencySummary struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	Max float64 `json:"max"`
}

func writeSummary(path string, comp *companion, lim *robot.Limiter, clock *sessionClock) error {
	ls := lim.Stats()
	st := &comp.stats
	st.mu.Lock()
	s := runSummary{
		DurationS:     clock.Now().Seconds(),
		StatesVisited: append([]string{}, st.visited...),
		Transitions:   st.transitions,
		Utterances:    st.utterances,
		JointCommands: ls.JointCommands,
		Alerts:        st.alerts,
		MaxPain:       st.maxPain,
		DroppedFrames: comp.fusionFaces.Dropped() + comp.mimicFaces.Dropped(), // stale faces replaced before a stage took them
		LatencyMS:     latencySummary{P50: ls.Latency.P50, P95: ls.Latency.P95, Max: ls.Latency.Max},
		Faults:        st.faults,
		SensorsOn:     comp.sensorsOn.Load(),
		Speed:         clock.speed,
	}
	if st.session != nil {
		c := st.session.Condition
		s.Condition = &conditionSummary{Name: c.Name, Mimicry: string(c.Mimicry), Gain: c.Gain,
			DelayMS: c.Delay.Milliseconds(), ComfortSpeech: c.ComfortSpeech, PresenceOnly: c.PresenceOnly}
		s.Seed = st.session.Seed
	}
	st.mu.Unlock()
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	// The summary holds a person's pain figures: for the user alone.
	var out outputs
	defer out.discard()
	if err := errors.Join(out.writeFile(path, append(data, '\n')), out.commit()); err != nil {
		return fmt.Errorf("summary: %s: %w", path, err)
	}
	return nil
}

// assumePerson is who the camera's faces are taken to be (--person, or the
// config's primary or only resident), with the name to speak to them by;
// every resident the config lists can be named by a carer at the console.
// It returns the residents' calibrated faces, by id. Without anyone
// assumed, every face is a stranger under a pseudonym.
func assumePerson(cfg runConfig, store *calibration.PersonStore, log io.Writer) (*identities, map[string]*face.Baseline) {
	faces := map[string]*face.Baseline{}
	lookup := func(who string) (p calibration.Person, name string, calibrated bool) {
		name = cfg.Behavior.Names[who]
		if store != nil {
			if p, err := store.Load(who); err == nil {
				if name == "" {
					name = p.Name
				}
				if p.FaceGeometry != nil {
					faces[who] = p.FaceGeometry
				}
				return p, name, true
			}
		}
		return p, name, false
	}
	who := cfg.assumedPerson()
	var ids *identities
	if who == "" {
		ids = newIdentities("", "")
	}
	for _, r := range append([]string{who}, cfg.Persons...) {
		if r == "" {
			continue
		}
		p, name, calibrated := lookup(r)
		if r != who {
			ids.addResident(r, name, calibrated)
			continue
		}
		ids = newIdentities(who, name)
		ids.addResident(who, name, calibrated)
		status := "population baseline (not calibrated)"
		if calibrated {
			status = "calibrated profile"
			if faces[who] != nil {
				status = "calibrated profile and face"
			}
			if p.Ratings > 0 {
				// What carers taught through kindred replay.
				status += fmt.Sprintf("; gains face %.2f, voice %.2f, body %.2f learnt from %d carer rating(s)",
					orOne(p.Gains.Face), orOne(p.Gains.Voice), orOne(p.Gains.Body), p.Ratings)
			}
		}
		fmt.Fprintf(log, "kindred: assuming %s is the person here: %s\n", who, status)
	}
	if cfg.ReturnGap > 0 {
		ids.returnGap = cfg.ReturnGap
	}
	return ids, faces
}
