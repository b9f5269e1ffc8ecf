package analysis

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kindred-hri/kindred/devices"
	"github.com/kindred-hri/kindred/internal/staged"
	"golang.org/x/sync/errgroup"
)

// videoExt are the names a folder's recordings go by; other files in it
// (labels, notes, images) are not the batch's business.
var videoExt = map[string]bool{
	".mp4": true, ".m4v": true, ".mov": true, ".avi": true, ".mkv": true, ".webm": true,
	".mpg": true, ".mpeg": true, ".wmv": true, ".flv": true, ".ogv": true, ".3gp": true, ".ts": true, ".mts": true,
}

// batchJob is one recording of a batch and the files it gets in the out-dir.
type batchJob struct {
	in, csv, summary string
}

// batchInputs lists the recordings of --video for a batch: the video files
// of a folder (by name, in order), the files a glob pattern matches, or one
// file. It also says how many files of a folder were passed over.
func batchInputs(video string) (files []string, skipped int, err error) {
	if _, err := os.Stat(video); err != nil && strings.ContainsAny(video, "*?[") {
		matches, err := filepath.Glob(video)
		if err != nil {
			return nil, 0, badInput("--video %s: %v", video, err)
		}
		for _, m := range matches {
			if st, err := os.Stat(m); err == nil && st.Mode().IsRegular() {
				files = append(files, m)
			}
		}
		if len(files) == 0 {
			return nil, 0, badInput("--video %s: no file matches", video)
		}
		return files, 0, nil
	}
	st, err := os.Stat(video)
	if why := mediaProblem(err); why != "" {
		return nil, 0, badInput("--video %s: %s", video, why)
	}
	if err != nil {
		return nil, 0, badInput("--video %s: %v", video, err)
	}
	if !st.IsDir() {
		return []string{video}, 0, nil
	}
	entries, err := os.ReadDir(video)
	if err != nil {
		return nil, 0, badInput("--video %s: %v", video, staged.Pathless(err))
	}
	for _, d := range entries {
		if strings.HasPrefix(d.Name(), ".") || d.IsDir() {
			continue
		}
		if !videoExt[strings.ToLower(filepath.Ext(d.Name()))] {
			skipped++
			continue
		}
		files = append(files, filepath.Join(video, d.Name()))
	}
	if len(files) == 0 {
		return nil, 0, badInput("--video %s: no video files in the folder (%s)", video, strings.Join(slices.Sorted(maps.Keys(videoExt)), " "))
	}
	return files, skipped, nil
}

// batchJobs names each input's outputs in outDir: NAME.csv and
// NAME.summary.json after the recording's name without its extension. Two
// inputs of the same name would overwrite each other, so that is refused.
func batchJobs(files []string, outDir string) ([]batchJob, error) {
	jobs := make([]batchJob, 0, len(files))
	seen := map[string]string{}
	for _, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		if other, dup := seen[base]; dup {
			return nil, badInput("--video: %s and %s would both write %s.csv in %s", other, f, base, outDir)
		}
		seen[base] = f
		jobs = append(jobs, batchJob{in: f,
			csv:     filepath.Join(outDir, base+".csv"),
			summary: filepath.Join(outDir, base+".summary.json")})
	}
	return jobs, nil
}

// analyzeBatch analyses every recording of --video into --out-dir, jobs at
// a time. A recording that fails is reported and the others go on; the
// command fails (exit 1) when any did. Each recording's files are staged
// and committed on their own, so a failed one leaves nothing behind and
// does not take the others' with it.
func analyzeBatch(ctx context.Context, e env, video, outDir string, jobs int, sched devices.FaceSchedule, backend devices.FaceBackend) error {
	start := time.Now()
	files, skipped, err := batchInputs(video)
	if err != nil {
		return err
	}
	work, err := batchJobs(files, outDir)
	if err != nil {
		return err
	}
	if st, err := os.Stat(outDir); err == nil && !st.IsDir() {
		return badInput("--out-dir %s: not a directory", outDir)
	}
	// The folder holds people's data: the user's alone when Kindred makes it.
	if err := os.MkdirAll(outDir, 0o700); err != nil {
		return badInput("--out-dir %s: %v", outDir, staged.Pathless(err))
	}

	// With one job at a time its progress bar has the terminal to itself.
	var progress progressFunc
	if jobs == 1 {
		progress = e.progressOn(e.stderr)
	}
	var mu sync.Mutex // one line at a time on stderr
	failed, done := 0, 0
	var g errgroup.Group
	g.SetLimit(jobs)
	for _, j := range work {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			res, err := analyzeOneVideo(ctx, j, sched, backend, progress)
			mu.Lock()
			defer mu.Unlock()
			done++
			prefix := fmt.Sprintf("kindred analyze: [%d/%d] %s:", done, len(work), j.in)
			if err != nil {
				failed++
				fmt.Fprintf(e.stderr, "%s failed: %v\n", prefix, err)
				return nil // the others go on
			}
			v := res.Video
			note := ""
			if v.FramesWithFace == 0 {
				note = " (warning: no face found)"
			}
			fmt.Fprintf(e.stderr, "%s %d frames, %d with a face, PSPI max %.2f -> %s%s\n",
				prefix, v.Frames, v.FramesWithFace, v.PSPI.Max, j.csv, note)
			return nil
		})
	}
	g.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	tally := fmt.Sprintf("analysed %d of %d recordings into %s in %.1f s", len(work)-failed, len(work), outDir, time.Since(start).Seconds())
	if failed > 0 {
		tally += fmt.Sprintf(", %d failed", failed)
	}
	if skipped > 0 {
		tally += fmt.Sprintf(", %d other files skipped", skipped)
	}
	fmt.Fprintln(e.stdout, tally)
	if failed > 0 {
		return fmt.Errorf("%d of %d recordings failed (see above)", failed, len(work))
	}
	return nil
}

// analyzeOneVideo writes one recording's CSV and summary, both or neither.
func analyzeOneVideo(ctx context.Context, j batchJob, sched devices.FaceSchedule, backend devices.FaceBackend, progress progressFunc) (*analysis, error) {
	outs := &staged.Outputs{}
	defer outs.Discard()
	f, err := outs.Create(j.csv)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", j.csv, err)
	}
	csv := bufio.NewWriter(f)
	hooks, err := newFrameHooks(nil)
	if err != nil {
		return nil, fmt.Errorf("posture and fusion: %w", err)
	}
	var res analysis
	if err := analyzeVideo(ctx, j.in, sched, backend, false, csv, hooks, &res, progress); err != nil {
		return nil, err
	}
	if err := csv.Flush(); err != nil {
		return nil, fmt.Errorf("write %s: %w", j.csv, err)
	}
	res.Pain = hooks.painSummary()
	sum, err := json.MarshalIndent(res.summary(), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	if err := outs.WriteFile(j.summary, append(sum, '\n')); err != nil {
		return nil, fmt.Errorf("%s: %w", j.summary, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := outs.Commit(); err != nil {
		return nil, fmt.Errorf("write %w", err)
	}
	return &res, nil
}
