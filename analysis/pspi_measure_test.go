package analysis

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception/eval"
)

// TestMeasureSmilePSPI is a measurement, not a check: for every frame with
// a face in the dev set's labelled faces it logs what PSPI's terms are
// read from (issue 20: why a smile scored PSPI 4): the upper lip's and the
// mouth corners' rise, the lips' parting and the mouth's widening, the eye
// aspect ratio and the lower lid's rise against the baseline the frame is
// scored against (the population's face for a still, the recording's own
// neutral for a clip), the AUs and PSPI as scored, and the mesh's
// blendshapes beside them. Run with
//
//	KINDRED_MEASURE=1 go test -run TestMeasureSmilePSPI -v ./analysis
func TestMeasureSmilePSPI(t *testing.T) {
	dir, labels := measuredFaceLabels(t)
	for _, file := range eval.Files(labels) {
		rows, feats, base := measuredFrames(t, filepath.Join(dir, filepath.FromSlash(file)), nil)
		name := filepath.Base(file)
		name = name[strings.Index(name, "__")+2:]
		for i := range rows {
			r := rows[i].Face
			if r == nil {
				continue
			}
			ft := feats[i]
			label := eval.LabelAt(labels, file, rows[i].At)
			bs := r.Blendshapes
			pair := func(a, b int) float64 { return (float64(bs[a]) + float64(bs[b])) / 2 }
			lipUp := base.NoseLip - ft.NoseLip
			lift := base.CornerDrop - ft.CornerDrop
			gap := ft.LipGap - base.LipGap
			eye := ft.EyeOpen / base.EyeOpen
			lid := base.LowerLid - ft.LowerLid
			fmt.Printf("%-18s %5.2f %-12s lipUp %6.3f lift %6.3f gap %6.3f wid %6.3f | eye %5.2f lid %6.3f browEye %6.3f | AU4 %.2f AU6 %.2f AU7 %.2f AU10 %.2f AU12 %.2f AU43 %.0f PSPI %.2f %s | upperUp %.2f smile %.2f sneer %.2f blink %.2f squint %.2f cheekSq %.2f browDown %.2f\n",
				name, rows[i].At.Seconds(), label, lipUp, lift, gap, ft.MouthWidth-base.MouthWidth, eye, lid, base.BrowEye-ft.BrowEye,
				r.AU.AU04, r.AU.AU06, r.AU.AU07, r.AU.AU10, r.AU.AU12, r.AU.AU43, r.PSPI, r.Expression,
				pair(48, 49), pair(44, 45), pair(50, 51), pair(9, 10), pair(19, 20), pair(7, 8), pair(1, 2))
		}
	}
}
