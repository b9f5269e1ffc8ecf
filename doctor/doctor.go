package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"gocv.io/x/gocv"

	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception/face/dlib"
	"github.com/kindred-hri/kindred/perception/face/mesh"
	"github.com/kindred-hri/kindred/perception/keywords"
	"github.com/kindred-hri/kindred/perception/microphone"
	answers "github.com/kindred-hri/kindred/perception/selfreport/sphinx"
	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/voices"
	"github.com/kindred-hri/kindred/voices/espeak"
	"github.com/kindred-hri/kindred/voices/playback"

	"github.com/kindred-hri/kindred/devices"
)

// check is one thing `kindred doctor` looks at.
type check struct {
	name string
	// required checks make doctor fail; the others only degrade a run
	// (no camera: voice and posture go on).
	required bool
	run      func(ctx context.Context) (detail string, err error)
	fix      string
}

// doctorResult is one line of the report.
type doctorResult struct {
	name, status, detail, fix string
}

// doctorNeeds says which devices the robot will use, so doctor can tell a
// missing one that stops the run from one that only degrades it.
type doctorNeeds struct {
	camera, mic, speaker bool
	journal              string // "" or "off": not used
	broker               string
	robot, brokerUser    string              // the robot's name and its broker account, for the broker
	face                 devices.FaceBackend // the face models the run will load
}

// Options say what the robot will use: its body profile, whether it runs
// live (camera, microphone and speaker required), and the journal, broker
// and face models it names.
type Options struct {
	Profile              *robot.Profile
	Camera, Mic, Speaker bool
	Journal              string // "" or "off": not used
	Broker               string // tcp://HOST:PORT, or "" for none
	// Robot is the robot's name and BrokerUser its broker account
	// (KINDRED_MQTT_USER), checked against each other with a Broker.
	Robot, BrokerUser string
	Face              devices.FaceBackend
}

// Run checks each thing the robot will use and prints one line per check,
// with the fix for what is missing, on w; it fails when a required check
// does.
func Run(ctx context.Context, o Options, w io.Writer) error {
	needs := doctorNeeds{camera: o.Camera, mic: o.Mic, speaker: o.Speaker, journal: o.Journal, broker: o.Broker, face: o.Face,
		robot: o.Robot, brokerUser: o.BrokerUser}
	checks := doctorChecks(o.Profile, needs)
	results, failed := runChecks(ctx, checks)
	printDoctor(w, results)
	if failed > 0 {
		return fmt.Errorf("%d required check(s) failed; see the fixes above", failed)
	}
	return nil
}

func runChecks(ctx context.Context, checks []check) ([]doctorResult, int) {
	var results []doctorResult
	failed := 0
	for _, c := range checks {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		detail, err := c.run(cctx)
		cancel()
		r := doctorResult{name: c.name, status: "ok", detail: detail}
		if err != nil {
			r.status, r.detail, r.fix = "missing", oneLine(err), c.fix
			if c.required {
				r.status = "FAIL"
				failed++
			}
		}
		results = append(results, r)
	}
	return results, failed
}

func printDoctor(w io.Writer, results []doctorResult) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.status, r.name, r.detail)
		if r.fix != "" {
			fmt.Fprintf(tw, "\t\tfix: %s\n", r.fix)
		}
	}
	tw.Flush()
}

const aptFix = "run `make deps` (or: sudo apt-get install %s)"

func doctorChecks(p *robot.Profile, needs doctorNeeds) []check {
	broker := needs.broker
	checks := []check{
		{name: "opencv", required: true, fix: fmt.Sprintf(aptFix, "libopencv-dev"),
			run: func(context.Context) (string, error) {
				v := gocv.OpenCVVersion()
				if !strings.HasPrefix(v, "4.") {
					return "", fmt.Errorf("OpenCV %s; Kindred is built for 4.6", v)
				}
				// The face stack's models are checked next; no cascade
				// file is used at run time.
				return "OpenCV " + v, nil
			}},
		faceModelCheck(needs.face),
		{name: "speech", required: true, fix: fmt.Sprintf(aptFix, "espeak-ng libespeak-ng1"),
			run: func(ctx context.Context) (string, error) {
				eng, err := espeak.Open()
				if err != nil {
					return "", err
				}
				persona, err := voices.DefaultPersona("en")
				if err != nil {
					return "", err
				}
				v, err := voices.NewVoice(persona, "en", "neutral")
				if err != nil {
					return "", err
				}
				a, err := voices.Render(ctx, eng, "hello", v)
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("espeak-ng speaks (%.2f s for \"hello\")", a.Duration().Seconds()), nil
			}},
		{name: "keywords", required: true, fix: fmt.Sprintf(aptFix, "pocketsphinx-en-us libpocketsphinx3"),
			run: func(context.Context) (string, error) {
				sp, err := keywords.New(keywords.DefaultOpts())
				if err != nil {
					return "", err
				}
				sp.Close()
				return "pocketsphinx loads " + keywords.DefaultOpts().Describe(), nil
			}},
		{name: "answers", fix: fmt.Sprintf(aptFix, "pocketsphinx-en-us libpocketsphinx3") + "; without it the robot asks for a nod or a head-shake",
			run: func(context.Context) (string, error) {
				rec, err := answers.New(answers.DefaultOpts())
				if err != nil {
					return "", err
				}
				rec.Close()
				return "pocketsphinx loads " + answers.DefaultOpts().Describe(), nil
			}},
		{name: "speaker", required: needs.speaker, fix: "start PulseAudio (pulseaudio --start) or connect a speaker; the robot speaks silently until then",
			run: func(context.Context) (string, error) {
				if err := playback.Check(); err != nil {
					return "", err
				}
				return "default audio output plays", nil
			}},
		{name: "microphone", required: needs.mic, fix: "plug in a microphone or start PulseAudio; the run goes on without voice until then",
			run: func(ctx context.Context) (string, error) { return captureHardware(ctx, "/dev/snd", os.Getenv) }},
		{name: "camera", required: needs.camera, fix: "plug in a V4L2 camera (or use --video FILE); the run goes on with voice and posture",
			run: func(context.Context) (string, error) { return cameraDevices("/dev") }},
	}
	if needs.journal != "" && needs.journal != "off" {
		checks = append(checks, check{name: "journal", required: true,
			fix: "give --journal a writable path, or free disk space; `kindred sessions list` reads it",
			run: func(ctx context.Context) (string, error) { return journalCheck(ctx, needs.journal) }})
	}
	if c, ok := boardCheck(p); ok {
		checks = append(checks, c)
	}
	if broker != "" {
		checks = append(checks, brokerCheck(broker), brokerAccountCheck(needs.robot, needs.brokerUser))
	}
	return checks
}

// brokerCheck says whether the broker (tcp://HOST:PORT, or ssl:// and the
// other TLS schemes the fleet takes) accepts connections. Before, only
// tcp:// and mqtt:// were taken off, and an ssl:// broker failed as "too
// many colons in address".
func brokerCheck(broker string) check {
	return check{name: "mqtt", required: true,
		fix: "start the broker (sudo apt-get install mosquitto) and check host, port and firewall",
		run: func(ctx context.Context) (string, error) {
			u, err := url.Parse(broker)
			if err != nil || u.Host == "" || u.Port() == "" {
				return "", fmt.Errorf("broker %q: want tcp://HOST:PORT or ssl://HOST:PORT", broker)
			}
			var d net.Dialer
			conn, err := d.DialContext(ctx, "tcp", u.Host)
			if err != nil {
				return "", err
			}
			conn.Close()
			return "broker " + u.Host + " accepts connections", nil
		}}
}

// brokerAccountCheck says whether the robot publishes as its own broker
// account. Not required: another ACL may allow another name. Under the
// README's a broker drops every alert published under a name other than
// the account's, and still acknowledges it (MQTT 3.1.1 has no reason code
// in a PUBACK), so the robot cannot tell.
func brokerAccountCheck(robot, user string) check {
	return check{name: "mqtt account",
		fix: "set robot.name in the config to the broker account, or KINDRED_MQTT_USER to the robot's name",
		run: func(context.Context) (string, error) {
			switch {
			case user == "":
				return "", fmt.Errorf("no broker account (KINDRED_MQTT_USER): the robot connects anonymously")
			case user != robot:
				return "", fmt.Errorf("the broker account %q is not the robot's name %q: a broker set up as the README's care home drops every alert this robot publishes",
					user, robot)
			}
			return fmt.Sprintf("robot %q publishes as its own account", robot), nil
		}}
}

// boardCheck looks for the servo board the profile names.
func boardCheck(p *robot.Profile) (check, bool) {
	switch p.Board.Kind {
	case robot.BoardPCA9685:
		dev := fmt.Sprintf("/dev/i2c-%d", p.Board.Bus)
		return check{name: "servo board", required: true,
			fix: "enable I²C (raspi-config, or the Jetson pinmux), wire SDA/SCL, and check the bus number in the profile",
			run: func(context.Context) (string, error) {
				f, err := os.OpenFile(dev, os.O_RDWR, 0)
				if err != nil {
					return "", fmt.Errorf("PCA9685 on %s: %w", dev, err)
				}
				f.Close()
				return fmt.Sprintf("PCA9685 bus %s opens (address 0x%02x)", dev, p.Board.Address), nil
			}}, true
	case robot.BoardFirmata:
		return check{name: "servo board", required: true,
			fix: "flash StandardFirmata, plug the board in, and check the port in the profile",
			run: func(ctx context.Context) (string, error) {
				if p.Board.Transport == "tcp" {
					var d net.Dialer
					conn, err := d.DialContext(ctx, "tcp", p.Board.Port)
					if err != nil {
						return "", fmt.Errorf("Firmata at %s: %w", p.Board.Port, err)
					}
					conn.Close()
					return "Firmata at " + p.Board.Port + " accepts connections", nil
				}
				if _, err := os.Stat(p.Board.Port); err != nil {
					return "", fmt.Errorf("Firmata on %s: %w", p.Board.Port, err)
				}
				return "Firmata serial port " + p.Board.Port + " present", nil
			}}, true
	}
	return check{}, false
}

// captureHardware says whether a real capture device exists: a capture PCM
// under sndDir (ALSA names them pcmC<card>D<device>c) or a sound server
// that answers. ALSA's plugin and null devices, which any machine lists, do
// not count: they record silence.
func captureHardware(ctx context.Context, sndDir string, getenv func(string) string) (string, error) {
	pcms, _ := filepath.Glob(filepath.Join(sndDir, "pcmC*D*c"))
	if len(pcms) > 0 {
		return "capture hardware " + strings.Join(pcms, ", "), nil
	}
	sock := strings.TrimPrefix(getenv("PULSE_SERVER"), "unix:")
	if sock == "" && getenv("XDG_RUNTIME_DIR") != "" {
		sock = filepath.Join(getenv("XDG_RUNTIME_DIR"), "pulse", "native")
	}
	if sock != "" {
		var d net.Dialer
		if conn, err := d.DialContext(ctx, "unix", sock); err == nil {
			conn.Close()
			devs, err := microphone.Devices(microphone.DefaultOpts())
			if err == nil && len(devs) > 0 {
				return "sound server " + sock + " (" + strings.Join(devs, "; ") + ")", nil
			}
			return "sound server " + sock, nil
		}
	}
	return "", fmt.Errorf("no capture device: %s has no capture PCM and no sound server answers", sndDir)
}

// cameraDevices lists the V4L2 video devices under dev that are character
// devices a camera could be opened from.
func cameraDevices(dev string) (string, error) {
	cams, _ := filepath.Glob(filepath.Join(dev, "video*"))
	var real []string
	for _, c := range cams {
		if st, err := os.Stat(c); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			real = append(real, c)
		}
	}
	if len(real) == 0 {
		return "", fmt.Errorf("no V4L2 device in %s", dev)
	}
	return strings.Join(real, ", "), nil
}

// journalCheck opens an existing journal and lists its sessions, or checks
// that a new one could be created where it is configured; it writes nothing.
func journalCheck(ctx context.Context, path string) (string, error) {
	if _, err := os.Stat(path); err == nil {
		j, err := journal.OpenExisting(ctx, path)
		if errors.Is(err, journal.ErrNotJournal) { // the check's fix (free disk space) is not this one's
			return "", fmt.Errorf("%w: it is no journal to write to; move it aside, or give --journal a new file", err)
		} else if err != nil {
			return "", err
		}
		defer j.Close()
		ss, err := j.Sessions(ctx)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s opens, %d session(s)", path, len(ss)), nil
	}
	dir := filepath.Dir(path)
	for {
		st, err := os.Stat(dir)
		if err == nil {
			if !st.IsDir() {
				return "", fmt.Errorf("%s: not a directory", dir)
			}
			f, err := os.CreateTemp(dir, ".kindred-doctor-*")
			if err != nil {
				return "", fmt.Errorf("cannot create the journal in %s: %w", dir, err)
			}
			f.Close()
			os.Remove(f.Name())
			return fmt.Sprintf("%s does not exist yet; %s is writable", path, dir), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		dir = parent
	}
}

// faceModelCheck loads the chosen backend's face models and names them with
// their licences. dlib's model is needed only when dlib is chosen.
func faceModelCheck(b devices.FaceBackend) check {
	names := func() string {
		var parts []string
		for _, m := range devices.FaceModels(b) {
			parts = append(parts, m.Name+" ["+m.Licence+"]")
		}
		return strings.Join(parts, "; ")
	}
	if b == devices.FaceDlib {
		return check{name: "face model", required: true, fix: fmt.Sprintf(aptFix, "libdlib-data"),
			run: func(context.Context) (string, error) {
				lm, err := dlib.OpenLandmarker(dlib.DefaultModel)
				if err != nil {
					return "", err
				}
				lm.Close()
				return names(), nil
			}}
	}
	return check{name: "face model", required: true, fix: "rebuild kindred: the mesh models are embedded (models/)",
		run: func(context.Context) (string, error) {
			det, err := mesh.NewDetector(mesh.DefaultDetectorOpts())
			if err != nil {
				return "", err
			}
			det.Close()
			fit, err := mesh.NewFitter(mesh.DefaultFitterOpts())
			if err != nil {
				return "", err
			}
			fit.Close()
			return names(), nil
		}}
}
