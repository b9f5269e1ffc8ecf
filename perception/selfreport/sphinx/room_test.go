package sphinx

import (
	"os"
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
// (the figures before countRinging) are TestAnswerSweep's. A few CPU
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
		t.Logf("%-8s ratings: %v", c, understood(t, r, selfreport.RatingQuestion, takes))
	}
}
