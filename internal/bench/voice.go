package bench

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kindred-hri/kindred/perception/voice"
	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// Voice is the voice analyser in this process, with no reference: per 10 ms
// hop as a live run feeds it, and over whole files.
type Voice struct {
	Files             int     `json:"files"`
	AudioS            float64 `json:"audio_s"`
	ProcessXRealtime  float64 `json:"process_x_realtime"`
	NsPerHop          float64 `json:"ns_per_hop"`
	AllocsPerHop      float64 `json:"allocs_per_hop"`
	AnalysisXRealtime float64 `json:"analysis_x_realtime"`
}

// VoiceCLI is the whole `kindred analyze --audio FILE --summary` process
// against the whole `praat --run` voice report process on the same files,
// each timed from process start to exit. The two alternate, run by run, so
// both see the same load, and each figure is the median of the runs: on a
// shared machine the fastest run says more about the neighbours than about
// the tool. CPU time (user and system, all threads) is reported beside the
// wall time, as it moves far less with the load.
type VoiceCLI struct {
	Kindred  string `json:"kindred"`
	Praat    string `json:"praat"`
	Compares string `json:"compares"`
	// Runs is how often each process ran per file; the median counts.
	Runs           int         `json:"runs"`
	PraatAvailable bool        `json:"praat_available"`
	PraatMissing   string      `json:"praat_missing,omitempty"`
	Files          []VoiceFile `json:"files"`
	// The totals over Files.
	AudioS      float64 `json:"audio_s"`
	KindredS    float64 `json:"kindred_s"`
	KindredCPUS float64 `json:"kindred_cpu_s"`
	PraatS      float64 `json:"praat_s,omitempty"`
	PraatCPUS   float64 `json:"praat_cpu_s,omitempty"`
	// OursVsReference is Praat's total time over Kindred's (> 1: Kindred is
	// faster); 0 when Praat is missing.
	OursVsReference float64 `json:"ours_vs_reference,omitempty"`
}

// VoiceFile is one file's row.
type VoiceFile struct {
	File            string         `json:"file"`
	AudioS          float64        `json:"audio_s"`
	KindredS        float64        `json:"kindred_s"`
	KindredCPUS     float64        `json:"kindred_cpu_s"`
	PraatS          float64        `json:"praat_s,omitempty"`
	PraatCPUS       float64        `json:"praat_cpu_s,omitempty"`
	OursVsReference float64        `json:"ours_vs_reference,omitempty"`
	KindredMeasures VoiceMeasures  `json:"kindred_measures"`
	PraatMeasures   *VoiceMeasures `json:"praat_measures,omitempty"`
}

// VoiceMeasures are the figures both tools report, so a reader sees they
// did the same analysis.
type VoiceMeasures struct {
	F0MeanHz        float64 `json:"f0_mean_hz"`
	JitterLocalPct  float64 `json:"jitter_local_pct"`
	ShimmerLocalPct float64 `json:"shimmer_local_pct"`
	HNRdB           float64 `json:"hnr_db"`
}

// LibriVoxWAVs lists Debian's LibriVox recordings.
func LibriVoxWAVs() ([]string, error) {
	files, err := filepath.Glob(filepath.Join(WAVDir, "*.wav"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no WAVs in %s (apt-get install pocketsphinx-testdata)", WAVDir)
	}
	slices.Sort(files)
	return files, nil
}

// benchVoice times Analyzer.Process per hop and AnalyzeSamples over whole
// files (decode, pitch, HNR, jitter, shimmer, functionals).
func benchVoice(ctx context.Context) (*Voice, error) {
	files, err := LibriVoxWAVs()
	if err != nil {
		return nil, err
	}
	res := &Voice{Files: len(files)}
	var clips [][]float32
	for _, f := range files {
		a, err := wav.DecodeFile(f)
		if err != nil {
			return nil, err
		}
		x := a.Mono16k()
		clips = append(clips, x)
		res.AudioS += float64(len(x)) / voice.Rate
	}
	var hops int
	var elapsed time.Duration
	var mallocs uint64
	for _, x := range clips {
		a, err := voice.NewAnalyzer(voice.DefaultOpts())
		if err != nil {
			return nil, err
		}
		m0 := mallocCount()
		t := time.Now()
		for i := 0; i+voice.HopSamples <= len(x); i += voice.HopSamples {
			a.Process(x[i:i+voice.HopSamples], time.Duration(i)*time.Second/voice.Rate)
			hops++
		}
		elapsed += time.Since(t)
		mallocs += mallocCount() - m0
	}
	res.NsPerHop = round3(float64(elapsed.Nanoseconds()) / float64(hops))
	res.AllocsPerHop = round3(float64(mallocs) / float64(hops))
	res.ProcessXRealtime = round3(float64(hops) * voice.Hop.Seconds() / elapsed.Seconds())
	t := time.Now()
	for _, f := range files {
		a, err := wav.DecodeFile(f)
		if err != nil {
			return nil, err
		}
		if _, err := voice.AnalyzeSamples(ctx, a.Mono16k(), voice.DefaultOpts()); err != nil {
			return nil, err
		}
	}
	res.AnalysisXRealtime = round3(res.AudioS / time.Since(t).Seconds())
	res.AudioS = round3(res.AudioS)
	return res, nil
}

// voiceFiles are the dev set's speech clips (when the dev set is there),
// ALSA's Front_Center.wav and Debian's LibriVox clips, at most n (0: all).
func voiceFiles(devset string, n int) ([]string, error) {
	var files []string
	if devset != "" {
		dev, err := filepath.Glob(filepath.Join(devset, devsetWAVs, "*.wav"))
		if err != nil {
			return nil, err
		}
		slices.Sort(dev)
		files = append(files, dev...)
	}
	if _, err := os.Stat(AlsaWAV); err == nil {
		files = append(files, AlsaWAV)
	}
	lv, err := LibriVoxWAVs()
	if err != nil {
		return nil, err
	}
	files = append(files, lv...)
	if n > 0 && len(files) > n {
		files = files[:n]
	}
	// Praat reads a relative path from its script's folder: hand both
	// tools the same absolute path.
	for i, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, err
		}
		files[i] = abs
	}
	return files, nil
}

// praatVoiceReport is Praat's own voice report (Sound, Pitch and
// PointProcess selected; Praat manual, "Voice"), with the pitch and pulse
// settings docs/DEPENDENCIES.md names: the standard analysis a phonetician
// runs on one file.
const praatVoiceReport = `form Voice report
	sentence file
endform
sound = Read from file: file$
pitch = To Pitch (ac): 0, 75, 15, "no", 0.03, 0.45, 0.01, 0.35, 0.14, 600
selectObject: sound
pulses = To PointProcess (periodic, cc): 75, 600
selectObject: sound, pitch, pulses
report$ = Voice report: 0, 0, 75, 600, 1.3, 1.6, 0.03, 0.45
writeInfoLine: report$
`

// benchVoiceCLI times both whole commands on each file, alternating,
// median of runs.
func benchVoiceCLI(ctx context.Context, d Deps, tmp string, n, runs int) (*VoiceCLI, error) {
	files, err := voiceFiles(d.Devset, n)
	if err != nil {
		return nil, err
	}
	runs = max(runs, 1)
	script := filepath.Join(tmp, "voice-report.praat")
	if err := os.WriteFile(script, []byte(praatVoiceReport), 0o600); err != nil {
		return nil, err
	}
	res := &VoiceCLI{Kindred: "kindred analyze --audio FILE --summary", Praat: "praat --run voice-report.praat FILE",
		Compares: "whole processes from start to exit on the same file: Kindred decodes, loads its models and " +
			"measures pitch, jitter, shimmer, HNR, MFCCs, keywords and the vocalisation class; Praat reads the " +
			"file and writes its voice report (pitch, pulses, jitter, shimmer, HNR)",
		Runs: runs}
	if _, err := exec.LookPath("praat"); err != nil {
		res.PraatMissing = "praat not installed (apt-get install praat)"
	}
	res.PraatAvailable = res.PraatMissing == ""
	for _, f := range files {
		row := VoiceFile{File: f}
		var ours, theirs []timedRun
		for range runs {
			r, err := timeProcess(ctx, d.Kindred[0], append(slices.Clone(d.Kindred[1:]), "analyze", "--audio", f, "--summary")...)
			if err != nil {
				return nil, fmt.Errorf("kindred analyze --audio %s: %w", f, err)
			}
			ours = append(ours, r)
			if res.PraatAvailable {
				r, err := timeProcess(ctx, "praat", "--run", script, f)
				if err != nil {
					return nil, fmt.Errorf("praat voice report on %s: %w", f, err)
				}
				theirs = append(theirs, r)
			}
		}
		var out []byte
		row.KindredS, row.KindredCPUS, out = medianRun(ours)
		if row.AudioS, row.KindredMeasures, err = parseKindredSummary(out); err != nil {
			return nil, fmt.Errorf("kindred analyze --audio %s: %w", f, err)
		}
		if res.PraatAvailable {
			row.PraatS, row.PraatCPUS, out = medianRun(theirs)
			m := parseVoiceReport(out)
			row.PraatMeasures = &m
			row.OursVsReference = round3(row.PraatS / row.KindredS)
			res.PraatS += row.PraatS
			res.PraatCPUS += row.PraatCPUS
		}
		res.AudioS += row.AudioS
		res.KindredS += row.KindredS
		res.KindredCPUS += row.KindredCPUS
		res.Files = append(res.Files, row)
	}
	res.AudioS, res.KindredS, res.PraatS = round3(res.AudioS), round3(res.KindredS), round3(res.PraatS)
	res.KindredCPUS, res.PraatCPUS = round3(res.KindredCPUS), round3(res.PraatCPUS)
	if res.PraatAvailable && res.KindredS > 0 {
		res.OursVsReference = round3(res.PraatS / res.KindredS)
	}
	return res, nil
}

// timedRun is one process's wall and CPU time and its standard output.
type timedRun struct {
	wall, cpu time.Duration
	out       []byte
}

// timeProcess runs name args once, timing it from start to exit.
func timeProcess(ctx context.Context, name string, args ...string) (timedRun, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	t := time.Now()
	out, err := cmd.Output()
	wall := time.Since(t)
	if err != nil {
		return timedRun{}, fmt.Errorf("%v: %s", err, lastLine(stderr.Bytes()))
	}
	return timedRun{wall: wall, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), out: out}, nil
}

// medianRun gives the median wall time and median CPU time of runs (the
// lower middle one of an even count), in seconds, and the output of the
// run with the median wall time.
func medianRun(runs []timedRun) (wallS, cpuS float64, out []byte) {
	byWall := slices.Clone(runs)
	slices.SortStableFunc(byWall, func(a, b timedRun) int { return cmp.Compare(a.wall, b.wall) })
	mid := byWall[(len(byWall)-1)/2]
	cpus := make([]time.Duration, len(runs))
	for i, r := range runs {
		cpus[i] = r.cpu
	}
	slices.Sort(cpus)
	return round3(mid.wall.Seconds()), round3(cpus[(len(cpus)-1)/2].Seconds()), mid.out
}

func parseKindredSummary(out []byte) (float64, VoiceMeasures, error) {
	var s struct {
		Audio *struct {
			DurationS float64 `json:"duration_s"`
			VoiceMeasures
		} `json:"audio"`
	}
	if err := json.Unmarshal(out, &s); err != nil {
		return 0, VoiceMeasures{}, fmt.Errorf("summary is not JSON: %w", err)
	}
	if s.Audio == nil || !(s.Audio.DurationS > 0) {
		return 0, VoiceMeasures{}, errors.New("summary has no audio duration")
	}
	return round3(s.Audio.DurationS), s.Audio.VoiceMeasures, nil
}

var reportLine = regexp.MustCompile(`(?m)^\s*(Mean pitch|Jitter \(local\)|Shimmer \(local\)|Mean harmonics-to-noise ratio):\s*([-0-9.Ee]+)`)

// parseVoiceReport picks Praat's figures out of its voice report; a
// measure Praat leaves undefined stays 0.
func parseVoiceReport(out []byte) VoiceMeasures {
	var m VoiceMeasures
	for _, g := range reportLine.FindAllStringSubmatch(string(out), -1) {
		v, err := strconv.ParseFloat(g[2], 64)
		if err != nil {
			continue
		}
		switch g[1] {
		case "Mean pitch":
			m.F0MeanHz = v
		case "Jitter (local)":
			m.JitterLocalPct = v
		case "Shimmer (local)":
			m.ShimmerLocalPct = v
		default:
			m.HNRdB = v
		}
	}
	return m
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}
