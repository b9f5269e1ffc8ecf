package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/calibration"
	"github.com/kindred-hri/kindred/companion"
	"github.com/kindred-hri/kindred/console"
	"github.com/kindred-hri/kindred/devices"
	"github.com/kindred-hri/kindred/internal/badinput"
	"github.com/kindred-hri/kindred/internal/staged"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/journal/fleet"
	"github.com/kindred-hri/kindred/mimicry"
	"github.com/kindred-hri/kindred/perception/camera"
	"github.com/kindred-hri/kindred/perception/fusion"
	"github.com/kindred-hri/kindred/perception/scenario"
	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/robot/body"
	"github.com/kindred-hri/kindred/robot/sensors"
	"github.com/kindred-hri/kindred/sessiontime"
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInput("unexpected argument %q", fs.Arg(0))
	}
	if f.camera < -1 { // -1 is "not given"
		return badInput("--camera %d: want a camera index of 0 or more", f.camera)
	}
	if fs.Given("speed") && f.speed == 0 { // 0 is "not given", the config's speed
		return badInput("--speed 0: want a speed above 0 (1 is real time)")
	}
	if f.summary != "" { // before the run, whose summary a typo would lose at its end
		if err := staged.Check(f.summary); err != nil {
			return badInput("--summary %s: %v", f.summary, err)
		}
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

// runCompanion builds the companion in steps (its stages, then the
// services around it, then its sources), runs the session and writes the
// summary.
func runCompanion(ctx context.Context, e env, cfg runConfig, f runFlags) error {
	live, err := liveSources(e, cfg, &f)
	if err != nil {
		return err
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
		if scen, err = loadScenario(cfg); err != nil {
			return err
		}
	}
	persona, err := voices.PersonaFor(cfg.Persona, cfg.Lang)
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
	scale, err := sessiontime.New(cfg.Speed)
	if err != nil {
		return badInput("%v", err)
	}

	// Build: the stages.
	st, err := buildStages(e, cfg, profile, bod.Actuator, scale, persona)
	if err != nil {
		return err
	}
	comp := st.comp
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	comp.Bind(runCtx)
	var in companion.Live // a bad file is bad input before the journal records a run
	if live {
		if in, err = openLive(comp, f, faceBackend(cfg.FaceBackend), cfg.FaceMeshRate, cfg.FaceTurnedEvery, scale); err != nil {
			return err
		}
	}

	// Services: journal, console, fleet, the body's sensors.
	writer, jr, err := addJournal(runCtx, e, cfg, st)
	if err != nil {
		return err
	}
	var pseudonyms fleet.Pseudonyms // the journal, when there is one
	if jr != nil {
		defer jr.Close()
		pseudonyms = jr
		sets, err := runSettings(cfg, f) // to the journal only: the console and fleet need none
		for _, s := range sets {
			writer.Submit(s)
		}
		if err != nil {
			comp.NoteFault("journal", err) // journal: settings: KEY: why
		}
	}
	if cfg.Console != "off" {
		if err := addConsole(e, cfg, f, st, profile, writer, scale); err != nil {
			return err
		}
	}
	if cfg.MQTT != "" {
		fl, err := openFleet(runCtx, cfg, pseudonyms, comp, e.stderr)
		if err != nil {
			return err
		}
		st.records.Add(fl.Record)
		st.forget = append(st.forget, func(id string, _ []string, _ bool) { fl.client.Forget(id) })
		comp.AddDoor(fl.client, behavior.SourceMQTT)
		comp.AddService(fl.client.Run)
	}
	// The last run's standing alerts, the engine's from now on; seen calm
	// only in the room itself, not in a recording (the sources setting).
	comp.Carry(st.from, st.carried, f.camera >= 0 || f.mic != "")
	if bod.Pins != nil && len(profile.Sensors) > 0 {
		rd, err := sensors.New(profile, bod.Pins, sensors.WithClock(comp.Now))
		if err != nil {
			return err
		}
		comp.AddService(comp.Sensors(rd))
	}

	// Run: the sources, a scenario's simulated person or live media.
	var start func(ctx context.Context) error
	if scen != nil {
		// A scenario named explicitly plays once (or until --for); the
		// default visit loops until Ctrl-C.
		loop := cfg.Scenario == "" || f.forDur.d > 0
		start = comp.PlayScenario(scen.Name, scenario.NewPlayer(scen), scenario.PlayOpts{Loop: loop, For: f.forDur.d})
	} else {
		start = comp.StartLive(in)
	}
	runErr := comp.Run(start)
	ended := comp.Now() // the session clock runs on while the summary is synced to disk

	written := f.summary
	if f.summary != "" {
		if err := writeSummary(f.summary, comp, st.limiter, scale, writer); err != nil {
			runErr = errors.Join(runErr, err)
			written = "" // the last line names only a summary that exists
		}
	}
	session := ""
	if writer != nil {
		session = writer.SessionID()
	}
	fmt.Fprintln(e.stderr, companion.EndLine(session, ended, comp.Stats().Alerts, len(st.carried), written))
	return runErr
}

// liveSources reports whether the run watches and listens to live media
// rather than a scenario. The contract: with no flags, a robot with a
// camera watches it.
func liveSources(e env, cfg runConfig, f *runFlags) (bool, error) {
	live := f.camera >= 0 || f.video != "" || f.mic != "" || f.audio != ""
	if !live && cfg.Scenario == "" && camera.Present(0) {
		f.camera, live = 0, true
		fmt.Fprintln(e.stderr, "kindred: using camera 0 (--scenario visit plays the simulated person instead)")
	}
	if live && cfg.Scenario != "" && f.scenario != "" {
		return live, badInput("--scenario cannot be combined with --camera, --video, --mic or --audio")
	}
	if (f.camera >= 0 || f.mic != "") && cfg.Speed != 1 {
		return live, badInput("--speed applies to scenarios and files, not to a live camera or microphone")
	}
	return live, nil
}

// loadScenario is the configured scenario, the visit by default.
func loadScenario(cfg runConfig) (*scenario.Scenario, error) {
	name := cfg.Scenario
	if name == "" {
		name = "visit"
	}
	scen, err := scenario.Load(name)
	if err != nil {
		if errors.Is(err, scenario.ErrBadScenario) {
			return nil, &usageError{err}
		}
		return nil, err
	}
	return scen, nil
}

// stages are a run's built companion and what the services around it use.
type stages struct {
	comp    *companion.Companion
	limiter *robot.Limiter
	records *companion.Fanout
	joints  *atomic.Pointer[robot.Pose] // the body's latest pose, for the console
	// forget is told of each person deleted while the run goes on, after
	// the companion (forgotten): the console takes them out of what it
	// holds, the fleet drops their pseudonym and its retained status.
	// Added to before the run starts, read while it runs.
	forget []func(id string, names []string, elsewhere bool)
	// carried are the alerts the robot's last session in the journal left
	// standing (from), carried into this run (companion.Carry).
	carried []journal.Alert
	from    journal.Session
}

// forgotten makes the run forget a person deleted from its console or by
// another process (journal.WriterOpts.Forgotten), and returns their names.
func (st *stages) forgotten(id string, elsewhere bool) []string {
	names := st.comp.Forget(id)
	for _, forget := range st.forget {
		forget(id, names, elsewhere)
	}
	return names
}

// buildStages builds the limiter on the body, fusion, the engine, mimicry
// and the voice, and the companion that runs them on the session clock.
func buildStages(e env, cfg runConfig, profile *robot.Profile, act robot.Actuator, scale *sessiontime.Clock,
	persona voices.Persona) (*stages, error) {
	st := &stages{records: &companion.Fanout{}, joints: &atomic.Pointer[robot.Pose]{}}
	limOpts := robot.DefaultOpts()
	limOpts.Clock = scale
	// The console draws the face at 20 frames a second of wall time; the
	// journal keeps its own rate of session time, whatever the speed.
	poses := companion.PoseSampler{WallEvery: 50 * time.Millisecond, SessionEvery: journal.DefaultWriterOpts().PoseEvery}
	limOpts.OnWrite = func(p robot.Pose) {
		st.joints.Store(&p)
		if at := st.comp.Now(); poses.Take(time.Now(), at) {
			st.records.Record(journal.PoseSample{At: at, Joints: p})
		}
	}
	limOpts.OnFault = func(id robot.JointID, err error) { st.comp.NoteFault("joint "+string(id), err) }
	limOpts.OnRevive = func(ids []robot.JointID) {
		st.comp.NoteFault("body", fmt.Errorf("reconnected: %d joints back", len(ids)))
	}
	// A body whose bus fails for good is retried, not given up (companion.BodyLost).
	limOpts.OnBusLost, limOpts.OnBusBack = func(err error) { st.comp.BodyLost(err) }, func(time.Duration) { st.comp.BodyBack() }
	limiter, err := robot.NewLimiter(profile.Specs(), act, limOpts)
	if err != nil {
		return nil, err
	}
	st.limiter = limiter

	fopts := fusion.DefaultOpts()
	var persons companion.PersonLoader
	dir, dirErr := calibration.DefaultPersonDir()
	if dirErr == nil {
		// People calibrated with `kindred calibrate person` are scored
		// against their own baselines when they arrive.
		store := calibration.NewPersonStore(dir)
		persons, fopts.Profiles = store, store
	}
	fu, err := fusion.New(fopts)
	if err != nil {
		return nil, err
	}
	cfg.Behavior.SelfReport.Lang = persona.Language // which questions are answered by voice, which by nod
	engine, err := behavior.New(cfg.Behavior)
	if err != nil {
		return nil, &usageError{fmt.Errorf("behavior: %w", err)}
	}
	mopts := mimicry.DefaultOpts()
	mopts.Clock = scale
	// Delayed faces fall due between ticks; a 10 ms tick keeps that wait,
	// which counts as latency, well under a camera frame.
	mopts.Tick = 10 * time.Millisecond
	mopts.Seed = cfg.Behavior.Seed
	mirror, err := mimicry.New(profile.Specs(), mopts)
	if err != nil {
		return nil, err
	}
	vopts := voices.DefaultOpts()
	vopts.Persona = persona
	vopts.Seed = cfg.Behavior.Seed
	vopts.Warn = func(err error) { st.comp.NoteFault("voice", err) } // the speaker runs only once st.comp is set
	synth, player, err := openVoice()
	if err != nil {
		return nil, err
	}
	speaker, err := voices.NewSpeaker(synth, player, vopts)
	if err != nil {
		return nil, err
	}

	home := companion.AssumePerson(companion.Household{Assumed: cfg.assumedPerson(), Residents: cfg.Persons,
		Names: cfg.Behavior.Names, ReturnGap: cfg.ReturnGap}, persons, e.stderr)
	answers, closeAnswers := devices.OpenAnswers(e.stderr)
	st.comp, err = companion.New(companion.Parts{Clock: scale, Fuser: fu, Engine: engine, Mirror: mirror,
		Speaker: speaker, Actuator: limiter, Records: st.records, Log: e.stderr,
		Condition: cfg.Behavior.Condition.Mirror(), Identities: home.Identities, FaceBaselines: home.Faces, Answers: answers, SenseStall: cfg.SenseStall})
	if err != nil {
		return nil, err
	}
	home.NoteUnread(st.comp)
	if dirErr != nil { // no $HOME: nobody's calibration is read, and a carer should know
		st.comp.NoteFault("calibration", fmt.Errorf("%s; the population baseline stands in for everyone", strings.TrimPrefix(dirErr.Error(), "calibration: ")))
	}
	st.comp.AddFinisher(closeAnswers)
	return st, nil
}

// addJournal opens the journal (unless it is off) and adds its writer, one
// goroutine that never blocks the pipeline, as a service; the session is
// ended once the stages have stopped. The caller closes the journal.
func addJournal(ctx context.Context, e env, cfg runConfig, st *stages) (*journal.Writer, *journal.Journal, error) {
	if cfg.Journal == "off" {
		return nil, nil, nil
	}
	path := cfg.Journal
	if path == "" {
		var err error
		if path, err = journal.DefaultPath(); err != nil {
			return nil, nil, err
		}
	}
	jr, err := journal.Open(ctx, path)
	if err != nil && !badinput.Is(err) { // a full disk (say) is no reason to leave a person without care
		st.comp.NoteFault("journal", fmt.Errorf("%w (the robot cares without a record this run)", err))
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, fmt.Errorf("journal %s: %w", path, err)
	}
	// Read before this run's session begins, so the latest is the last run's.
	if from, carried, ok, err := jr.Standing(ctx, cfg.Robot.Name); err != nil {
		st.comp.NoteFault("journal", err)
	} else if ok {
		st.from, st.carried = from, carried
	}
	wo := journal.DefaultWriterOpts()
	wo.RetainDays, wo.Speed = cfg.Retain, cfg.Speed
	cond := cfg.Behavior.Condition.Name
	if cond == "" {
		cond = string(cfg.Behavior.Condition.Mimicry)
	}
	// Begun before any record is queued, so none is lost to start-up.
	wo.Session = &journal.Session{Robot: cfg.Robot.Name, Condition: cond,
		Seed: int64(cfg.Behavior.Seed), Consent: true}
	wo.Forgotten = st.forgotten
	wo.Report = func(err error) {
		st.comp.NoteFault("journal", err) // counted in the summary; the writer's reports name the path
	}
	writer := jr.NewWriter(wo)
	st.records.Add(func(r journal.Record) { writer.Submit(r) })
	st.comp.AddService(writer.Run)
	st.comp.AddFinisher(func(ctx context.Context) error {
		endCtx, endCancel := context.WithTimeout(ctx, 5*time.Second)
		defer endCancel()
		if err := writer.End(endCtx); err != nil {
			fmt.Fprintf(e.stderr, "kindred: journal: %v\n", err)
		}
		return nil
	})
	return writer, jr, nil
}

// addConsole adds the carers' console: the status it shows, the records
// it streams, and the commands it sends.
func addConsole(e env, cfg runConfig, f runFlags, st *stages, profile *robot.Profile, writer *journal.Writer, scale *sessiontime.Clock) error {
	comp := st.comp
	copts := console.Opts{Robot: cfg.Robot.Name, Notice: e.stderr, TLS: f.consoleTLS, InsecureHTTP: f.insecureHTTP,
		ReportRefusals:     comp.DoorRefusals(behavior.SourceConsole), // coalesced faults; AddDoor flushes them
		ReportUnauthorised: comp.DoorUnauthorised(behavior.SourceConsole),
		Clock:              scale} // events stamped with when they happened, at any --speed
	ranges := console.RangesOf(profile.Specs()) // the page draws this body to scale
	copts.Status = func() console.Status {
		s := console.Status{Robot: cfg.Robot.Name, Ranges: ranges}
		if p := st.joints.Load(); p != nil {
			s.Joints = *p
		}
		state := comp.State()
		s.State = string(state)
		s.Paused = state == behavior.StatePaused
		s.OptedOut = state == behavior.StateOptedOut
		if a := comp.LastAssessment(); a != nil {
			s.Assessment = a
			s.Person = a.Person
		}
		s.Present, s.Residents = consolePresence(comp)
		if m := comp.Chosen(); m != nil {
			s.Mirror = &console.Mirror{Enabled: m.Enabled, Gain: m.Gain, DelayMS: m.Delay.Milliseconds()}
		}
		return s
	}
	if writer != nil {
		copts.Sessions = writer // a deletion is forgotten by the run as the writer tells it (st.forgotten)
	}
	if dir, err := calibration.DefaultPersonDir(); err == nil {
		copts.Calibrations = calibration.NewPersonStore(dir) // deleted with the person
	}
	con, err := console.New(copts)
	if err != nil {
		return err
	}
	st.records.Add(func(r journal.Record) { _ = con.Publish(r) }) // never blocks; drops are counted by the console
	st.forget = append(st.forget, func(id string, names []string, elsewhere bool) {
		if elsewhere { // those it deletes it forgets itself
			con.Forget(id, names...)
		}
	})
	comp.AddDoor(con, behavior.SourceConsole)
	serve, err := con.Listen(cfg.Console) // bound now: an address in use is one line as the run starts
	if err != nil {
		return fmt.Errorf("console %s: %w (give another with --console HOST:PORT, or off)", cfg.Console, err)
	}
	comp.AddService(serve)
	announceConsole(e.stderr, cfg.Console, f)
	return nil
}

// writeSummary writes the run's summary (companion.Summary) to path, for
// the user alone.
func writeSummary(path string, comp *companion.Companion, lim *robot.Limiter, scale *sessiontime.Clock, w *journal.Writer) error {
	s := comp.Summary(lim.Stats(), scale.Speed())
	if s.Version = versionLine(); w != nil {
		s.Session = w.SessionID() // joins the summary to its export
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	// The summary holds a person's pain figures: for the user alone.
	var out staged.Outputs
	defer out.Discard()
	if err := errors.Join(out.WriteFile(path, append(data, '\n')), out.Commit()); err != nil {
		return fmt.Errorf("summary: %s: %w", path, err)
	}
	return nil
}

// consolePresence is who the console shows as present, and whom a carer
// can name.
func consolePresence(comp *companion.Companion) (*console.Present, []console.Resident) {
	p, residents := comp.Presence()
	var rs []console.Resident
	for _, r := range residents {
		rs = append(rs, console.Resident{ID: r.Person, Name: r.Name, Calibrated: r.Calibrated})
	}
	if p == nil {
		return nil, rs
	}
	return &console.Present{ID: p.Person, Name: p.Name, Resident: p.Resident, Calibrated: p.Calibrated,
		Assumed: p.Assumed}, rs
}
