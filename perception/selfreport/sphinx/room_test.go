package sphinx

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/internal/speechcorpus"
	"github.com/kindred-hri/kindred/perception/selfreport"
)

// TestRatingsInRoom measures the ratings understood from the held-out
// voices made from recordings (flite's awb and rms, Festival's ked; all
// five carriers at 150 words a minute, 165 takes) in the rooms of
// KINDRED_ANSWER_ROOM (comma-separated speechcorpus conditions: clean,
// reverb50, reverb90, far, pink20, pink10, tv20, tv10), each take
// degraded in memory. KINDRED_ANSWER_VOICES replaces the voices;
// KINDRED_ANSWER_ARGS, KINDRED_ANSWER_WHOLE and KINDRED_ANSWER_RINGING
// (the figures before countRinging) are TestAnswerSweep's;
// KINDRED_ANSWER_ANY_LEVEL gives the figures before judgeBackground, and
// KINDRED_ANSWER_WHY tallies where the takes were lost (whyLost);
// KINDRED_ANSWER_SNR=1 only measures the answers' SNRs (spanSNRs), and
// KINDRED_ANSWER_DENOISE_* set the noise subtraction (setDenoise). A few CPU
// minutes a condition:
//
//	KINDRED_ANSWER_ROOM=clean,pink10,tv10,reverb50,far go test ./perception/selfreport/sphinx -run RatingsInRoom -v -count=1 -timeout 1h
func TestRatingsInRoom(t *testing.T) {
	set := os.Getenv("KINDRED_ANSWER_ROOM")
	if set == "" {
		t.Skip("set KINDRED_ANSWER_ROOM=clean,pink10,… to measure")
	}
	conds, err := speechcorpus.ParseConditions(set)
	if err != nil {
		t.Fatal(err)
	}
	voices := heldOutRecorded
	if v := os.Getenv("KINDRED_ANSWER_VOICES"); v != "" {
		voices = strings.Split(v, ",")
	}
	clean := ratingTakes(t, voices, []int{150}, ratingCarriers)
	o := DefaultOpts()
	o.args = strings.Fields(os.Getenv("KINDRED_ANSWER_ARGS"))
	o.wholeWindow = os.Getenv("KINDRED_ANSWER_WHOLE") != ""
	if os.Getenv("KINDRED_ANSWER_RINGING") != "" {
		countRinging = true
		defer func() { countRinging = false }()
	}
	if os.Getenv("KINDRED_ANSWER_ANY_LEVEL") != "" {
		judgeBackground = false
		defer func() { judgeBackground = true }()
	}
	if v := os.Getenv("KINDRED_ANSWER_BACKGROUND_DB"); v != "" {
		db, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatal(err)
		}
		defer func(was float64) { backgroundBelow = was }(backgroundBelow)
		backgroundBelow = db
	}
	if cfg := setDenoise(t); cfg != "" {
		t.Log(cfg)
	}
	r := newRecogniser(t, o)
	for _, c := range conds {
		room, err := speechcorpus.NewRoom(c)
		if err != nil {
			t.Fatal(err)
		}
		takes := make([]take, len(clean))
		for i, tk := range clean {
			takes[i] = tk
			if takes[i].x, err = room.Hear(t.Context(), tk.x, i); err != nil {
				t.Fatal(err)
			}
		}
		if os.Getenv("KINDRED_ANSWER_SNR") != "" {
			t.Logf("%-8s %s", c, spanSNRs(takes, o.MaxAnswer))
			continue
		}
		t.Logf("%-8s ratings: %v", c, understood(t, r, selfreport.RatingQuestion, takes))
		if os.Getenv("KINDRED_ANSWER_WHY") != "" {
			t.Logf("%-8s where takes are lost:\n%s", c, whyLost(t, r, clean, takes))
		}
	}
}

// whyLost tallies why each take in the room was not understood: the
// reason End gave (the decoder heard no answer, the garbage loop or decoys
// won, a bound of notOwnUtterance, a carrier rule) against whether the
// span speechSpan chose began or ended more than 100 ms away from the
// span it chooses in the clean take; and how many of the lost takes the
// decoder understands when given the clean take's span of the room's
// audio (an oracle span: what is left is acoustic).
func whyLost(t *testing.T, r *Recogniser, clean, room []take) string {
	t.Helper()
	o := r.o
	o.wholeWindow = true
	oracle := newRecogniser(t, o)
	count := map[string]int{}
	oracleRight := map[string]int{}
	slack := Rate / 10
	for i, tk := range room {
		rep, err := r.Recognise(selfreport.RatingQuestion, tk.x)
		if err != nil {
			t.Fatal(err)
		}
		var why string
		switch h := rep.Heard; {
		case rep.Rating == tk.want:
			why = "right"
		case rep.Rating.Valid():
			why = "wrong rating"
		case h == "":
			why = "decoder heard nothing"
		case strings.HasSuffix(h, "(speech runs on after it)"):
			why = "speech runs on after it"
		case strings.HasSuffix(h, "(cut off by the end of listening)"):
			why = "cut off"
		case strings.Contains(h, "(free transcript:"):
			why = "free transcript"
		case strings.HasPrefix(h, "("):
			why = "garbage loop or decoys won"
		default:
			why = "carrier or phrase rule"
		}
		cs, ce := speechSpan(clean[i].x, r.o.MaxAnswer)
		ns, ne := speechSpan(tk.x, r.o.MaxAnswer)
		span := "span as clean"
		switch {
		case ns < cs-slack && ne > ce+slack:
			span = "span starts before and ends after"
		case ns < cs-slack:
			span = "span starts before the answer"
		case ne > ce+slack:
			span = "span ends after the answer"
		case ns > cs+slack || ne < ce-slack:
			span = "span shorter"
		}
		count[why+" | "+span]++
		if why != "right" {
			orep, err := oracle.Recognise(selfreport.RatingQuestion, tk.x[cs:ce])
			if err != nil {
				t.Fatal(err)
			}
			if orep.Rating == tk.want {
				oracleRight[why+" | "+span]++
			}
		}
		if eachTake {
			t.Logf("%s: %s, %s (%.2f-%.2f s, clean %.2f-%.2f s), heard %q", tk.name, why, span,
				float64(ns)/Rate, float64(ne)/Rate, float64(cs)/Rate, float64(ce)/Rate, rep.Heard)
		}
	}
	var keys []string
	for k := range count {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "  %-70s %3d (right with the clean span: %d)\n", k, count[k], oracleRight[k])
	}
	return b.String()
}
