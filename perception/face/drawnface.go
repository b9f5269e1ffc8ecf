package face

import (
	"image"
	"math"
	"slices"

	"github.com/kindred-hri/kindred/perception"
)

// Looks are what a face's bare skin shows of how the image was made: a
// camera's picture of a person carries sensor noise and skin texture
// everywhere on the skin, while an animation paints the skin in flat or
// smoothly shaded colour; and people's skin keeps a narrow range of hues
// (reddish-orange, whatever its lightness), while a drawn character may be
// yellow, blue or green.
type Looks struct {
	// Smooth is the share of skin pixels whose gray level equals the mean
	// of its four neighbours to within a quarter of a level (a 4-neighbour
	// Laplacian of at most 1): flat paint and smooth shading give 1, a
	// camera's noise and the skin's pores and hairs keep it low.
	Smooth float64
	// Rough is the share whose gray level is more than a level off the
	// mean of its four neighbours (a Laplacian above 4), in the middle one
	// of the three skin spots (skinSpots): a camera's noise
	// alone (sd 0.5 gray levels) makes it about 0.07, and skin texture
	// more; a render straight from the renderer, however smoothly shaded,
	// keeps it near 0.
	Rough float64
	// Hue is the skin colour's direction from gray in the normalised rg
	// plane, in degrees (0 towards red, 90 towards green); Chroma its
	// distance from gray. HasColour is false for a gray (or infrared) frame
	// or too little bright skin to read.
	Hue, Chroma float64
	HasColour   bool
	// Cast is the whole frame's mean colour's chroma (rg, as Chroma): a
	// room lit by a coloured light (a blue night light, a screen's glow,
	// a camera balanced for lamplight seeing daylight) tints everything,
	// the skin too.
	Cast   float64
	Pixels int // skin pixels read
	// Crisp is the share of the face box's strong edges (a rise of at
	// least minEdgeContrast gray levels over five pixels) whose steepest
	// one-pixel step carries at least half the rise; Edges counts the
	// strong edges. A drawing's outlines and colour boundaries are one or
	// two pixels wide, so most of its edges are crisp; a blur of sigma
	// pixels spreads every edge so that its steepest step carries at most
	// erf(1/(2*sqrt(2)*sigma)) of it (0.38 at sigma 1, 0.26 at 1.5).
	Crisp float64
	Edges int
}

// skinSpots are where the 68 iBUG landmarks put bare skin on any face: the
// cheeks (between the lower lid and the mouth corner, on each side) and the
// nose's bridge; beards, brows and fringes stay off them.
func skinSpots(lm *[68]perception.Point) [3]perception.Point {
	mid := func(a, b perception.Point, t float64) perception.Point {
		return perception.Point{X: a.X + t*(b.X-a.X), Y: a.Y + t*(b.Y-a.Y)}
	}
	return [3]perception.Point{mid(lm[41], lm[48], 0.4), mid(lm[46], lm[54], 0.4), mid(lm[27], lm[30], 0.5)}
}

// minSkinLevel is the least R+G+B a pixel needs for its colour to be read:
// the colour of a near-black pixel is mostly noise.
const minSkinLevel = 60

// Gray levels at or beyond these are clipped (over- or under-exposed) and
// say nothing of noise or texture.
const clipLow, clipHigh = 2, 253

// MeasureLooks reads the Looks of the face whose landmarks are lm in frame f.
func MeasureLooks(f perception.Frame, lm *[68]perception.Point) Looks {
	var out Looks
	g := f.Gray
	if g == nil {
		return out
	}
	iod := iodOf(lm)
	rad := int(math.Round(0.12 * iod))
	if rad < 2 {
		return out
	}
	colour := f.Color.Valid() && f.Color.W == g.Rect.Dx() && f.Color.H == g.Rect.Dy()
	inner := g.Rect.Inset(1)
	step := max(1, rad/8) // at most about 17x17 samples a spot
	var n, smooth int
	var rough [3]float64 // each spot's rough share
	var rs, gs float64
	var nc int
	for k, c := range skinSpots(lm) {
		cx, cy := int(math.Round(c.X)), int(math.Round(c.Y))
		spotN, spotRough := 0, 0
		for y := cy - rad; y <= cy+rad; y += step {
			for x := cx - rad; x <= cx+rad; x += step {
				if !image.Pt(x, y).In(inner) {
					continue
				}
				o := g.PixOffset(x, y)
				if v := g.Pix[o]; v <= clipLow || v >= clipHigh {
					continue // clipped: flat in any picture
				}
				lap := 4*int(g.Pix[o]) - int(g.Pix[o-1]) - int(g.Pix[o+1]) - int(g.Pix[o-g.Stride]) - int(g.Pix[o+g.Stride])
				n++
				if lap >= -1 && lap <= 1 {
					smooth++
				}
				spotN++
				if lap > 4 || lap < -4 {
					spotRough++
				}
				if colour {
					p := 3 * ((y-g.Rect.Min.Y)*f.Color.W + x - g.Rect.Min.X)
					b, gg, r := float64(f.Color.Pix[p]), float64(f.Color.Pix[p+1]), float64(f.Color.Pix[p+2])
					if s := r + gg + b; s >= minSkinLevel {
						rs += r / s
						gs += gg / s
						nc++
					}
				}
			}
		}
		if spotN > 0 {
			rough[k] = float64(spotRough) / float64(spotN)
		}
	}
	out.Pixels = n
	// The middle spot's: a feature's edge (a drawn nose, a fold of the
	// lip) crossing one spot does not make the skin rough.
	slices.Sort(rough[:])
	out.Rough = rough[1]
	if n > 0 {
		out.Smooth = float64(smooth) / float64(n)
	}
	if colour {
		out.Cast = castOf(f.Color)
	}
	out.Crisp, out.Edges = crispness(g, lm)
	if nc >= 16 {
		r, gg := rs/float64(nc), gs/float64(nc)
		out.Chroma = math.Hypot(r-1.0/3, gg-1.0/3)
		out.Hue = math.Atan2(gg-1.0/3, r-1.0/3) * 180 / math.Pi
		out.HasColour = true
	}
	return out
}

// minEdgeContrast is the least rise in gray levels, over five pixels, of
// an edge Crisp reads.
const minEdgeContrast = 40

// crispness reads Looks.Crisp and Looks.Edges in the box of the landmarks,
// along about 48 rows and 48 columns.
func crispness(g *image.Gray, lm *[68]perception.Point) (float64, int) {
	box := image.Rect(int(lm[0].X), int(lm[0].Y), int(lm[0].X)+1, int(lm[0].Y)+1)
	for _, p := range lm {
		box = box.Union(image.Rect(int(p.X), int(p.Y), int(p.X)+1, int(p.Y)+1))
	}
	box = box.Intersect(g.Rect.Inset(3))
	if box.Empty() {
		return 0, 0
	}
	var edges, crisp int
	// line reads the n pixels from offset o, d apart.
	line := func(o, d, n int) {
		at := func(k int) int { return int(g.Pix[o+k*d]) }
		for k := 2; k < n-3; k++ {
			s := at(k+1) - at(k)
			c := at(k+3) - at(k-2)
			if c > -minEdgeContrast && c < minEdgeContrast || (s > 0) != (c > 0) {
				continue
			}
			as := abs(s)
			// the edge is read once, at its steepest step
			steepest := true
			for j := k - 2; j <= k+2 && steepest; j++ {
				if j == k {
					continue
				}
				if a := abs(at(j+1) - at(j)); a > as || (a == as && j < k) {
					steepest = false
				}
			}
			if !steepest {
				continue
			}
			edges++
			if 2*as >= abs(c) {
				crisp++
			}
		}
	}
	for y := box.Min.Y; y < box.Max.Y; y += max(1, box.Dy()/48) {
		line(g.PixOffset(box.Min.X-2, y), 1, box.Dx()+4)
	}
	for x := box.Min.X; x < box.Max.X; x += max(1, box.Dx()/48) {
		line(g.PixOffset(x, box.Min.Y-2), g.Stride, box.Dy()+4)
	}
	if edges == 0 {
		return 0, 0
	}
	return float64(crisp) / float64(edges), edges
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// castOf is the chroma of a colour frame's mean colour, from a sparse grid
// of its pixels.
func castOf(c *perception.BGR) float64 {
	var b, g, r float64
	const every = 16
	for y := every / 2; y < c.H; y += every {
		row := c.Pix[3*y*c.W:]
		for x := every / 2; x < c.W; x += every {
			b += float64(row[3*x])
			g += float64(row[3*x+1])
			r += float64(row[3*x+2])
		}
	}
	s := r + g + b
	if s <= 0 {
		return 0
	}
	return math.Hypot(r/s-1.0/3, g/s-1.0/3)
}

// DrawnReason says why a face was taken for a drawn one ("" for none).
type DrawnReason string

// The reasons.
const (
	// DrawnFlat: the skin is painted flat, without the noise and texture
	// every camera picture of skin has.
	DrawnFlat DrawnReason = "flat"
	// DrawnNoiseless: the skin is shaded smoothly with no noise at all, as
	// a computer render is and no camera picture can be.
	DrawnNoiseless DrawnReason = "noiseless"
	// DrawnColour: the skin's hue is one no person's skin has under
	// ordinary light (blue, green, purple).
	DrawnColour DrawnReason = "colour"
)

// The thresholds, chosen by measurement with a margin (README, "Faces in
// animations"; KINDRED_MEASURE=1 go test -run TestMeasureDrawnFaces -v
// ./perception/face/mesh).
const (
	// maxSmooth: real faces of the dev set's photos and clips read Smooth
	// 0.07 to 0.58 (0.68 on its synthetic photoreal renders); flat-shaded
	// cartoons and line drawings read 0.999 to 1.
	maxSmooth = 0.9
	// minLooksPixels is the least number of skin samples a verdict needs.
	minLooksPixels = 48
	// minRough: real faces of the dev set's photos and clips read Rough
	// 0.030 to 0.79 (its synthetic photoreal renders 0.005 to 0.30,
	// Megamind.avi's compressed film 0.012 to 0.59), smoothly shaded CGI
	// drawn without noise 0.000. It needs minRoughPixels samples: with
	// fewer, a real face's few rough pixels could all be missed.
	minRough       = 0.002
	minRoughPixels = 300
	// Human skin of every complexion sits in a narrow band of rg hue around
	// red-orange (the skin locus: Soriano, Martinkauppi, Huovinen and
	// Laaksonen, ICPR 2000): -36 to +19 degrees over every real face
	// measured here. A face is of a non-human colour when its chroma is
	// clearly above gray (minHueChroma; a gray or infrared frame is never
	// judged) and its hue is outside [minSkinHue, maxSkinHue]: the drawn
	// blue and green characters read -166 and +107 degrees.
	minHueChroma           = 0.08
	minSkinHue, maxSkinHue = -70.0, 60.0
	// maxCast: colour is not judged in a frame whose mean colour has more
	// chroma than this, for a tinted light makes real skin read blue
	// (chroma 0.10, hue beyond +-157 degrees) or green under a light whose
	// gain is 1.5 to 1.9 (blue) or 1.3 to 1.75 (green) against white
	// (TestMeasureSkinUnderTintedLight), and such a light gives a white
	// wall's chroma about 0.07 to 0.12.
	maxCast = 0.05
	// minCrisp: a drawn face's edges are crisp, a real face's soft, however
	// smooth its skin (Looks.Sharp). Over the faces the mesh stack finds,
	// Crisp reads 0.85 to 0.99 on the drawn set (0.79 to 0.90 at half
	// size, 0.95 to 0.99 after a bilateral denoise), and at most 0.71 on
	// the dev set's real faces and Megamind.avi, clean, blurred by 1 to
	// 2.5 px, bilateral-denoised, JPEG quality 10 or at half size (the
	// bilateral denoise gives the highest: 0.71 on a still, 0.61 on the
	// LivePortrait clips); KINDRED_MEASURE=1 go test -run
	// TestMeasureCrispEdges -v ./perception/face/mesh. minCrispEdges is
	// the least number of strong edges the share needs.
	minCrisp      = 0.78
	minCrispEdges = 32
)

// Sharp reports whether the face's edges are as crisp as a drawing's
// (Crisp): smooth skin then says painted, not a real face out of focus or
// through a camera's noise reduction, whose edges are soft with it.
func (l Looks) Sharp() bool {
	return l.Edges >= minCrispEdges && l.Crisp >= minCrisp
}

// Drawn reports why the Looks are a drawn face's, or "" when they could
// be a person's (or there is too little to tell).
func (l Looks) Drawn() DrawnReason {
	if l.Pixels < minLooksPixels {
		return ""
	}
	// Colour first: of the three it alone holds when the animation is
	// filmed off a screen, with a camera's noise on it.
	if l.HasColour && l.Cast <= maxCast && l.Chroma >= minHueChroma && (l.Hue < minSkinHue || l.Hue > maxSkinHue) {
		return DrawnColour
	}
	if l.Smooth > maxSmooth {
		return DrawnFlat
	}
	if l.Pixels >= minRoughPixels && l.Rough < minRough {
		return DrawnNoiseless
	}
	return ""
}
