package face

import (
	"image"
	"image/color"
	"math/rand/v2"
	"testing"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face/drawn"
)

// drawnLandmarks places the 68 points on a drawn character the way a fit
// would (the generic face, scaled to the drawn head).
func drawnLandmarks(c drawn.Character) [68]perception.Point {
	return Project(&GenericFace, perception.HeadPose{}, c.Size/75, perception.Point{X: c.CX, Y: c.CY - 0.1*c.Size})
}

// noisy adds a camera's sensor noise (Gaussian, sd gray levels) to a frame's
// colour and gray pixels.
func noisy(f perception.Frame, sd float64, seed uint64) perception.Frame {
	r := rand.New(rand.NewPCG(seed, 1))
	add := func(p []byte) {
		for i, v := range p {
			p[i] = uint8(min(255, max(0, float64(v)+r.NormFloat64()*sd+0.5)))
		}
	}
	add(f.Gray.Pix)
	add(f.Color.Pix)
	return f
}

func TestLooksDrawn(t *testing.T) {
	skin := drawn.Character{Style: drawn.Flat, CX: 320, CY: 240, Size: 110, EyeSize: 1}
	skin.Skin, skin.Hair, skin.Background = drawn.RGB(0.87, 0.66, 0.5), drawn.RGB(0.2, 0.12, 0.06), drawn.RGB(0.55, 0.78, 0.95)
	blue := skin
	blue.Skin = drawn.RGB(0.35, 0.55, 0.95)
	cgi := skin
	cgi.Style = drawn.CGI
	blue.Background = drawn.RGB(0.5, 0.5, 0.5)
	gray := skin
	gray.Skin = drawn.RGB(0.6, 0.6, 0.6)
	for _, tc := range []struct {
		name string
		f    perception.Frame
		want DrawnReason
	}{
		{"flat cartoon", drawn.Draw(skin, 640, 480, 0, 0), DrawnFlat},
		{"the cartoon filmed (sensor noise sd 3)", noisy(drawn.Draw(skin, 640, 480, 0, 0), 3, 1), ""},
		{"smoothly shaded CGI", drawn.Draw(cgi, 640, 480, 0, 0), DrawnNoiseless},
		{"the CGI filmed (sensor noise sd 1)", noisy(drawn.Draw(cgi, 640, 480, 0, 0), 1, 4), ""},
		{"blue character filmed", noisy(drawn.Draw(blue, 640, 480, 0, 0), 3, 2), DrawnColour},
		{"a person lit by a blue light, filmed", noisy(tint(drawn.Draw(skin, 640, 480, 0, 0), 1.7), 3, 5), ""},
		{"gray skin filmed (infrared, black and white)", noisy(drawn.Draw(gray, 640, 480, 0, 0), 3, 3), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lm := drawnLandmarks(skin)
			l := MeasureLooks(tc.f, &lm)
			if got := l.Drawn(); got != tc.want {
				t.Errorf("Drawn() = %q, want %q (%+v)", got, tc.want, l)
			}
		})
	}
}

func BenchmarkMeasureLooks(b *testing.B) {
	c := drawn.Character{Style: drawn.CGI, CX: 320, CY: 240, Size: 110, EyeSize: 1}
	c.Skin, c.Hair, c.Background = drawn.RGB(0.87, 0.66, 0.5), drawn.RGB(0.2, 0.12, 0.06), drawn.RGB(0.55, 0.78, 0.95)
	f := noisy(drawn.Draw(c, 640, 480, 0, 0), 2, 1)
	lm := drawnLandmarks(c)
	b.ReportAllocs()
	for b.Loop() {
		MeasureLooks(f, &lm).Drawn()
	}
}

// tint lights a frame with a blue light: blue gains k, red 1/k (the model
// of TestMeasureSkinUnderTintedLight).
func tint(f perception.Frame, k float64) perception.Frame {
	c := f.Color
	for i := 0; i+2 < len(c.Pix); i += 3 {
		b, g, r := min(255, float64(c.Pix[i])*k), float64(c.Pix[i+1]), float64(c.Pix[i+2])/k
		c.Pix[i], c.Pix[i+2] = uint8(b), uint8(r)
		f.Gray.Pix[i/3] = uint8(0.299*r + 0.587*g + 0.114*b + 0.5)
	}
	return f
}

// boxBlur softens a frame's gray image by a 3x3 box, passes times (twice is
// about a Gaussian of 1.2 px), as a lens out of focus does.
func boxBlur(f perception.Frame, passes int) perception.Frame {
	g := f.Gray
	for range passes {
		out := image.NewGray(g.Rect)
		copy(out.Pix, g.Pix)
		for y := g.Rect.Min.Y + 1; y < g.Rect.Max.Y-1; y++ {
			for x := g.Rect.Min.X + 1; x < g.Rect.Max.X-1; x++ {
				s := 0
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						s += int(g.GrayAt(x+dx, y+dy).Y)
					}
				}
				out.Pix[out.PixOffset(x, y)] = uint8((s + 4) / 9)
			}
		}
		g = out
	}
	f.Gray = g
	return f
}

// A drawing's edges are crisp; the same drawing out of focus, or a smooth
// face with a lone sharp speck on it, is not Sharp.
func TestLooksSharp(t *testing.T) {
	c := drawn.Character{Style: drawn.Flat, CX: 320, CY: 240, Size: 110, EyeSize: 1}
	c.Skin, c.Hair, c.Background = drawn.RGB(0.87, 0.66, 0.5), drawn.RGB(0.2, 0.12, 0.06), drawn.RGB(0.55, 0.78, 0.95)
	lm := drawnLandmarks(c)
	speck := drawn.Draw(c, 640, 480, 0, 0)
	for i := range speck.Gray.Pix {
		speck.Gray.Pix[i] = 150
	}
	for y := 238; y < 241; y++ {
		for x := 318; x < 321; x++ {
			speck.Gray.SetGray(x, y, color.Gray{Y: 20})
		}
	}
	for _, tc := range []struct {
		name string
		f    perception.Frame
		want bool
	}{
		{"flat cartoon", drawn.Draw(c, 640, 480, 0, 0), true},
		{"the cartoon out of focus", boxBlur(drawn.Draw(c, 640, 480, 0, 0), 2), false},
		{"flat skin with one sharp speck", speck, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := MeasureLooks(tc.f, &lm)
			if got := l.Sharp(); got != tc.want {
				t.Errorf("Sharp() = %v, want %v (Crisp %.3f over %d edges)", got, tc.want, l.Crisp, l.Edges)
			}
		})
	}
}
