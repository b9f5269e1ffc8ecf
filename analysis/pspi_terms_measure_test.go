package analysis

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception/eval"
)

// TestMeasurePSPITerms logs, for every dev-set frame with a face, PSPI's
// four terms and what AU4 and AU9 are read from (issue 20's FACS check of
// AU4 and AU9 on smiling faces), one tab-separated row a frame: AU4's brow
// height (IOD below neutral), inner-brow gap narrowed (IOD), glabella
// furrows' rise and the reliable part (Evidence.AU4); AU9's nose-wing rise
// (IOD), nasal-root texture rise, the upper lip's rise and the corners',
// the mesh's mouthUpperUp, noseSneer and browDown; and the glabella's
// texture energy, the frame's and the baseline's (0 for the population's).
func TestMeasurePSPITerms(t *testing.T) {
	dir, labels := measuredFaceLabels(t)
	fmt.Println("file\tt\tlabel\tAU4\tbrowDown\tgapNarrow\tfurrows\tAU9\twingUp\trootUp\tAU10\tlipUp\tcornersUp\tupperUp\tsneer\tbsBrowDown\tAU67\tAU43\tPSPI\tfused\texpr\tglabella\tglabellaB")
	for _, file := range eval.Files(labels) {
		rows, feats, base := measuredFrames(t, filepath.Join(dir, filepath.FromSlash(file)), nil)
		name := filepath.Base(file)
		name = name[strings.Index(name, "__")+2:]
		for i := range rows {
			r := rows[i].Face
			if r == nil {
				continue
			}
			label := eval.LabelAt(labels, file, rows[i].At)
			ft := feats[i]
			bs := r.Blendshapes
			pair := func(a, b int) float64 { return (float64(bs[a]) + float64(bs[b])) / 2 }
			root := 0.0
			if base.NasalRoot > 0 {
				root = (ft.NasalRoot - base.NasalRoot) / max(base.NasalRoot, 0.03)
			}
			furrows := 0.0
			if base.Glabella > 0 {
				furrows = (ft.Glabella - base.Glabella) / max(base.Glabella, 0.03)
			}
			fused := -1.0
			if rows[i].Pain != nil {
				fused = *rows[i].Pain
			}
			fmt.Printf("%s\t%.2f\t%s\t%.2f\t%.3f\t%.3f\t%.2f\t%.2f\t%.3f\t%.2f\t%.2f\t%.3f\t%.3f\t%.2f\t%.2f\t%.2f\t%.2f\t%.0f\t%.2f\t%.2f\t%s\t%.3f\t%.3f\n",
				name, rows[i].At.Seconds(), label,
				r.AU.AU04, base.BrowEye-ft.BrowEye, base.InnerBrowGap-ft.InnerBrowGap, furrows,
				r.AU.AU09, base.NoseWing-ft.NoseWing, root, r.AU.AU10, base.NoseLip-ft.NoseLip, base.CornerDrop-ft.CornerDrop,
				pair(48, 49), pair(50, 51), pair(1, 2),
				max(r.AU.AU06, r.AU.AU07), r.AU.AU43, r.PSPI, fused, r.Expression, ft.Glabella, base.Glabella)
		}
	}
}
