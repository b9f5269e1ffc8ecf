package bench

import (
	"fmt"
	"io"
	"path/filepath"
)

// Help describes the suite and its --json fields (a contract).
const Help = `kindred bench runs one reproducible suite on real components and Debian's
media (plus the dev set's speech when ../shared/devset is there), and times
the reference tools a user would otherwise pick on the same inputs
(python3-opencv's Haar cascade for faces, Praat's voice report for voice).
Every ratio is ours over theirs on the same input (> 1: Kindred is faster)
and says what both sides did. A missing reference tool is reported as
missing ("available": false and a "missing" reason), never estimated.

--only PART,... runs only those parts (face, mesh_face, analyze, analyze_real,
voice, voice_cli, fusion, behavior, mimicry, limiter, session: each the field
of its name below, face also face_comparisons); the others are null in --json
and left out of the table. An unknown part is bad usage (exit 2).

--json prints one object with these fields (times in the unit the name says):
  quick, go_version, cpus
  face:    backend, source, frames, width, height, schedule, fps, p50_ms,
           p95_ms, frames_with_face, detection_rounds (the run's whole face
           pipeline with its defaults, on frames resized to 640x480;
           detection_rounds: frames it ran its detector on)
  face_comparisons: one object per row: name, like_for_like, frames, width,
           height, ours, reference, ours_vs_reference (our fps / its fps).
           ours and reference each: tool, does, available, missing,
           detect_every, scan_width (0: the frame's size), full_scan_when_none,
           min_face_px (0: the tool's default), fps, p50_ms, p95_ms, rounds
           (frames scanned), with_face. Rows: detection alone every frame at
           full size; every frame shrunk to the run's first scan width; on
           the run's own schedule; then each side's default (Kindred's whole
           pipeline against a Haar loop with OpenCV's defaults: different
           work, like_for_like false)
  mesh_face: the run's default face pipeline (YuNet, the tracked mesh,
           blendshapes, pose, AUs) on up to 300 frames of the dev set's real
           clips placed in 640x480 colour frames: the face fields above plus
           cpu_ms_per_frame (process CPU time, all threads) and missing (why
           it was not measured: no dev set)
  analyze: file, frames, media_s, elapsed_s, x_realtime (kindred analyze --video's
           path on Megamind.avi, model loading included)
  analyze_real: the same fields for each of the dev set's real clips (--quick: the
           first, liveportrait__d0.mp4)
  voice:   files, audio_s, process_x_realtime (Analyzer.Process per 10 ms hop),
           ns_per_hop, allocs_per_hop, analysis_x_realtime (decode + pitch, HNR,
           jitter, shimmer, functionals of whole files); no reference
  voice_cli: kindred, praat, compares, runs, praat_available, praat_missing,
           files (file, audio_s, kindred_s, praat_s, ours_vs_reference,
           kindred_measures and praat_measures: f0_mean_hz, jitter_local_pct,
           shimmer_local_pct, hnr_db), audio_s, kindred_s, praat_s,
           ours_vs_reference (Praat's total time / Kindred's), kindred_cpu_s
           and praat_cpu_s (each process's user and system CPU time, all
           threads; per file and in total): the whole kindred analyze --audio
           FILE --summary process against the whole praat --run voice report
           process, start to exit, the two alternating, median of runs
  fusion:   assessments, ns_per_assessment, allocs_per_assessment
  behavior: events, p50_us, p95_us, max_us (input sent to Engine.Run until
           its answer comes out)
  mimicry:  updates, ns_per_update, p50_us, p95_us
  limiter:  ticks, ns_per_tick (Limiter.Run on the sim body: one command
           stepped at once per tick, sent back to back)
  session:  scenario, session_s, speed, wall_s, samples, rss_mb_peak,
           heap_mb_early, heap_mb_late, goroutines_early, goroutines_late,
           goroutines_max (a kindred run of the scenario sampled 10 times a
           second; early and late are means over the first and last fifth)
`

// Print writes the human-readable table.
func Print(w io.Writer, r *Report) {
	quick := ""
	if r.Quick {
		quick = ", quick"
	}
	fmt.Fprintf(w, "kindred bench (%s, %d CPUs%s)\n\n", r.GoVersion, r.CPUs, quick)
	if f := r.Face; f != nil {
		fmt.Fprintf(w, "face pipeline     %s, %d frames %dx%d of %s, %s\n", f.Backend, f.Frames, f.Width, f.Height,
			filepath.Base(f.Source), describeSchedule(f.Schedule))
		fmt.Fprintf(w, "                  %.1f fps, p50 %.1f ms, p95 %.1f ms, face in %d frames, detector ran on %d\n", f.FPS, f.P50MS, f.P95MS, f.FramesWithFace, f.DetectionRounds)
	}
	for _, c := range r.FaceComparisons {
		fmt.Fprintf(w, "face: %s\n", c.Name)
		printSide(w, "ours", c.Ours)
		printSide(w, "reference", c.Reference)
		if c.OursVsReference > 0 {
			fmt.Fprintf(w, "  ours/theirs %.2fx\n", c.OursVsReference)
		}
	}
	if m := r.MeshFace; m != nil {
		if m.Missing != "" {
			fmt.Fprintf(w, "mesh pipeline     %s: not measured (%s)\n", m.Backend, m.Missing)
		} else {
			fmt.Fprintf(w, "mesh pipeline     %s, %d frames %dx%d (colour) of %s, %s\n", m.Backend, m.Frames, m.Width, m.Height, m.Source, describeSchedule(m.Schedule))
			fmt.Fprintf(w, "                  %.1f fps, p50 %.1f ms, p95 %.1f ms, %.1f CPU ms a frame, face in %d frames, detector ran on %d\n",
				m.FPS, m.P50MS, m.P95MS, m.CPUMSPerFrame, m.FramesWithFace, m.DetectionRounds)
		}
	}
	analyzed := r.AnalyzeReal
	if r.Analyze != nil {
		analyzed = append([]Analyze{*r.Analyze}, analyzed...)
	}
	for _, a := range analyzed {
		fmt.Fprintf(w, "kindred analyze   %s: %d frames, %.1f s of video in %.2f s: %.2fx real time\n",
			filepath.Base(a.File), a.Frames, a.MediaS, a.ElapsedS, a.XRealtime)
	}
	if v := r.Voice; v != nil {
		fmt.Fprintf(w, "voice             %d LibriVox files, %.1f s: per hop %.0fx real time (%.0f ns, %.1f allocs); whole-file analysis %.0fx (in process, no reference)\n",
			v.Files, v.AudioS, v.ProcessXRealtime, v.NsPerHop, v.AllocsPerHop, v.AnalysisXRealtime)
	}
	if vc := r.VoiceCLI; vc != nil {
		fmt.Fprintf(w, "voice, whole CLI: %s vs %s, start to exit, alternating, median of %d (wall, and CPU time)\n", vc.Kindred, vc.Praat, vc.Runs)
		if !vc.PraatAvailable {
			fmt.Fprintf(w, "  praat missing (%s)\n", vc.PraatMissing)
		}
		for _, fl := range vc.Files {
			k := fl.KindredMeasures
			fmt.Fprintf(w, "  %-48s %5.1f s audio: kindred %.2f s, CPU %.2f s (F0 %.1f Hz, jitter %.2f%%, shimmer %.2f%%, HNR %.1f dB)",
				filepath.Base(fl.File), fl.AudioS, fl.KindredS, fl.KindredCPUS, k.F0MeanHz, k.JitterLocalPct, k.ShimmerLocalPct, k.HNRdB)
			if p := fl.PraatMeasures; p != nil {
				fmt.Fprintf(w, "; praat %.2f s, CPU %.2f s (F0 %.1f Hz, jitter %.2f%%, shimmer %.2f%%, HNR %.1f dB); ours/theirs %.2fx",
					fl.PraatS, fl.PraatCPUS, p.F0MeanHz, p.JitterLocalPct, p.ShimmerLocalPct, p.HNRdB, fl.OursVsReference)
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "  total %.1f s audio: kindred %.2f s (CPU %.2f s)", vc.AudioS, vc.KindredS, vc.KindredCPUS)
		if vc.PraatAvailable {
			fmt.Fprintf(w, ", praat %.2f s (CPU %.2f s); ours/theirs %.2fx", vc.PraatS, vc.PraatCPUS, vc.OursVsReference)
		}
		fmt.Fprintln(w)
	}
	if f := r.Fusion; f != nil {
		fmt.Fprintf(w, "fusion            %.0f ns and %.1f allocs per assessment (%d)\n", f.NsPerAssessment, f.AllocsPerAssessment, f.Assessments)
	}
	if b := r.Behavior; b != nil {
		fmt.Fprintf(w, "behaviour         event to intent p50 %.1f µs, p95 %.1f µs, max %.1f µs (%d)\n", b.P50US, b.P95US, b.MaxUS, b.Events)
	}
	if m := r.Mimicry; m != nil {
		fmt.Fprintf(w, "mimicry           %.0f ns per update, p50 %.1f µs, p95 %.1f µs (%d)\n", m.NsPerUpdate, m.P50US, m.P95US, m.Updates)
	}
	if l := r.Limiter; l != nil {
		fmt.Fprintf(w, "limiter           %.0f ns per tick (%d ticks)\n", l.NsPerTick, l.Ticks)
	}
	if s := r.Session; s != nil {
		fmt.Fprintf(w, "session           %s, %.0f s at %gx in %.1f s: RSS peak %.1f MB, heap %.1f -> %.1f MB, goroutines %.0f -> %.0f (max %d)\n",
			s.Scenario, s.SessionS, s.Speed, s.WallS, s.RSSMBPeak, s.HeapMBEarly, s.HeapMBLate, s.GoroutinesEarly, s.GoroutinesLate, s.GoroutinesMax)
	}
}

func printSide(w io.Writer, who string, s FaceSide) {
	if !s.Available {
		fmt.Fprintf(w, "  %-9s %s: missing (%s)\n", who, s.Tool, s.Missing)
		return
	}
	fmt.Fprintf(w, "  %-9s %s: %s\n", who, s.Tool, s.Does)
	fmt.Fprintf(w, "            %.1f fps, p50 %.1f ms, p95 %.1f ms, face in %d of %d scanned frames\n", s.FPS, s.P50MS, s.P95MS, s.WithFace, s.Rounds)
}
