// Package drawn draws faces that belong to no person, the way animations
// draw them: flat-shaded cartoon characters with outlines, emoji, line
// drawings, smoothly shaded CGI-like heads, and short animated sequences of
// them (a head that moves, talks and blinks). The faces are made here, at run
// time, from a few shapes, so no artwork of anyone else's is copied or
// shipped. Tests and `kindred eval` use them to check that the face pipeline
// does not take a drawn face for a person.
//
// It is pure Go. Frames carry both the gray image and its colour (BGR), as
// a colour camera source gives them; gray is ITU-R BT.601 luma, the weights
// OpenCV's BGR-to-gray conversion uses.
package drawn

import (
	"image"
	"math"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// Style is how a face is drawn.
type Style string

// The styles.
const (
	Flat  Style = "flat"  // flat colours with dark outlines (cel animation, cartoons)
	Emoji Style = "emoji" // a yellow disc with simple features
	Line  Style = "line"  // black strokes on white paper
	CGI   Style = "cgi"   // smooth Lambertian shading with highlights, no texture
)

// Clip is one named item of the set: a still (one frame) or a sequence.
type Clip struct {
	Name   string
	Style  Style
	Frames []perception.Frame
}

// Colour is a colour, components 0..1 (RGB makes one).
type Colour struct{ r, g, b float64 }

// RGB is a colour from its red, green and blue, each 0..1.
func RGB(r, g, b float64) Colour { return Colour{r, g, b} }

func (c Colour) scale(k float64) Colour { return Colour{c.r * k, c.g * k, c.b * k} }
func (c Colour) add(d Colour) Colour    { return Colour{c.r + d.r, c.g + d.g, c.b + d.b} }
func mix(a, b Colour, t float64) Colour { return a.scale(1 - t).add(b.scale(t)) }

// Character is what one drawn face looks like and does in one frame.
type Character struct {
	Style      Style
	Skin, Hair Colour
	Iris       Colour
	Background Colour
	// Centre (pixels), half-width of the head (pixels) and roll (radians).
	CX, CY, Size, Roll float64
	// Yaw turns the features sideways (-1..1, a fraction of the head's
	// half-width), as a head turning does in a drawing.
	Yaw float64
	// Mouth is how open the mouth is (0 closed .. 1 wide open); Smile bends
	// it up (positive) or down; Blink shuts the eyes (0 open .. 1 shut).
	Mouth, Smile, Blink float64
	// Brows raises (positive) or lowers the brows, in head half-widths.
	Brows float64
	// EyeSize scales the eyes (1: a cartoon's large eyes).
	EyeSize float64
}

// Draw renders c into a w x h frame at time at.
func Draw(c Character, w, h int, at time.Duration, seq int) perception.Frame {
	bgr := make([]byte, 3*w*h)
	gray := image.NewGray(image.Rect(0, 0, w, h))
	cs, sn := math.Cos(c.Roll), math.Sin(c.Roll)
	const ss = 2 // supersampling per axis: drawings are anti-aliased
	for y := range h {
		for x := range w {
			var acc Colour
			for sy := range ss {
				for sx := range ss {
					px := float64(x) + (float64(sx)+0.5)/ss - c.CX
					py := float64(y) + (float64(sy)+0.5)/ss - c.CY
					// Face coordinates: head half-width 1, y down.
					u := (cs*px + sn*py) / c.Size
					v := (-sn*px + cs*py) / c.Size
					acc = acc.add(c.shade(u, v, c.Size))
				}
			}
			acc = acc.scale(1.0 / (ss * ss))
			r, g, b := to8(acc.r), to8(acc.g), to8(acc.b)
			o := 3 * (y*w + x)
			bgr[o], bgr[o+1], bgr[o+2] = b, g, r
			gray.Pix[y*gray.Stride+x] = uint8(math.Round(0.299*float64(r) + 0.587*float64(g) + 0.114*float64(b)))
		}
	}
	return perception.Frame{At: at, Seq: seq, Gray: gray, Color: &perception.BGR{Pix: bgr, W: w, H: h}}
}

func to8(v float64) uint8 { return uint8(math.Round(255 * min(1, max(0, v)))) }

// The head is an ellipse of half-width 1 and half-height headH.
const headH = 1.25

var (
	black = Colour{0.05, 0.04, 0.04}
	white = Colour{0.97, 0.97, 0.95}
	paper = Colour{0.98, 0.98, 0.96}
	lips  = Colour{0.72, 0.25, 0.25}
	dark  = Colour{0.25, 0.05, 0.07}
)

// shade is the colour at face coordinates (u, v); px is the size of one
// face unit in pixels (outline widths are in pixels).
func (c Character) shade(u, v, px float64) Colour {
	lw := max(1.5, 0.025*px) / px // outline width in face units
	if c.Style == Line {
		lw = max(1.2, 0.015*px) / px
	}
	head := math.Hypot(u, v/headH) - 1 // < 0 inside
	col := c.Background
	if c.Style == Line {
		col = paper
	}
	// Ears behind the head.
	for _, s := range []float64{-1, 1} {
		if d := math.Hypot(u-s*0.98, v-0.05) - 0.2; d < 0 && c.Style != Emoji {
			col = c.fill(c.Skin, u, v, 0.6)
			if d > -lw {
				col = c.ink()
			}
		}
	}
	if head < 0 {
		col = c.fill(c.Skin, u, v, 1)
		if c.Style == Emoji {
			// Emoji discs carry a soft radial gradient, darker at the rim.
			col = mix(Colour{1, 0.86, 0.25}, Colour{0.96, 0.62, 0.1}, min(1, math.Hypot(u, v/headH+0.3)/1.3))
		}
		if c.Style == Line {
			col = paper
		}
	}
	if head < 0 && head > -lw*1.0/1 && c.Style != CGI {
		col = c.ink()
	}
	if head >= 0 && head < 0.25 && c.Style != Emoji && v < -0.35 { // hair cap
		col = c.fill(c.Hair, u, v, 0.8)
	}
	if head < 0 && v < -0.72+0.1*math.Cos(u*7) && c.Style != Emoji { // fringe
		col = c.fill(c.Hair, u, v, 0.9)
		if c.Style == Line {
			col = paper
			if v > -0.72+0.1*math.Cos(u*7)-lw {
				col = black
			}
		}
	}
	if head >= 0 {
		return col
	}
	fx := u - 0.35*c.Yaw // features shift as the head turns
	es := c.EyeSize
	if es == 0 {
		es = 1
	}
	// Brows.
	for _, s := range []float64{-1, 1} {
		bx, by := fx-s*0.38, v+0.42-c.Brows
		if math.Abs(bx) < 0.2*es && math.Abs(by+0.08*bx*bx*4) < 0.045 {
			col = c.fill(c.Hair.scale(0.7), u, v, 1)
			if c.Style == Line || c.Style == Emoji {
				col = black
			}
		}
	}
	// Eyes.
	for _, s := range []float64{-1, 1} {
		ex, ey := fx-s*0.38, v+0.08
		rx, ry := 0.19*es, 0.14*es*(1-0.95*c.Blink)
		if c.Style == Emoji {
			rx, ry = 0.09, 0.17*(1-0.9*c.Blink)
			if math.Hypot(ex/rx, ey/ry) < 1 {
				col = Colour{0.3, 0.18, 0.08}
			}
			continue
		}
		d := math.Hypot(ex/rx, ey/ry)
		if d < 1 {
			col = white
			if c.Style == CGI {
				// A shaded eyeball: darker towards its rim.
				col = white.scale(0.75 + 0.25*math.Sqrt(max(0, 1-d*d)))
			}
			ix := ex - 0.04*c.Yaw
			if ri := math.Hypot(ix, ey); ri < 0.09*es && c.Style != Line {
				col = c.Iris
				if c.Style == CGI {
					col = mix(c.Iris.scale(1.2), c.Iris.scale(0.6), ri/(0.09*es))
				}
				if ri < 0.045*es {
					col = black
				}
				if math.Hypot(ix+0.03*es, ey+0.03*es) < 0.022*es {
					col = white // the catch-light
				}
			}
			if c.Style == Line && math.Hypot(ix, ey) < 0.05*es {
				col = black
			}
			if d > 1-lw/ry && c.Style != CGI {
				col = c.ink()
			}
		}
	}
	// Nose: a small curve (line and flat) or a shaded bump (CGI).
	nx, ny := fx-0.02, v-0.28
	switch c.Style {
	case CGI:
		if d := math.Hypot(nx/0.13, ny/0.11); d < 1 {
			col = col.scale(1 + 0.12*(1-d)*(1-d)) // continuous at its rim
		}
	case Flat, Line:
		if math.Abs(math.Hypot(nx, ny+0.02)-0.09) < lw*0.7 && ny > 0 {
			col = c.ink()
		}
	}
	// Mouth: an ellipse opened by Mouth and bent by Smile.
	mx, my := fx, v-0.62
	my += c.Smile * (0.12 - 0.5*mx*mx) // corners up when smiling
	mw, mh := 0.34, 0.025+0.22*c.Mouth
	if c.Style == Emoji {
		mw = 0.5
	}
	if d := math.Hypot(mx/mw, my/mh); d < 1 {
		switch c.Style {
		case Line:
			if d > 1-lw/mh*1.5 || c.Mouth < 0.1 {
				col = black
			} else {
				col = paper
			}
		case Emoji:
			col = Colour{0.35, 0.12, 0.05}
		default:
			col = dark
			if my < -mh*0.45 && c.Mouth > 0.2 {
				col = white // teeth
			}
			if c.Style == CGI {
				col = col.scale(0.6 + 0.4*(1-d))
			}
			if d > 1-lw/mh*1.5 {
				col = lips
				if c.Style == Flat {
					col = c.ink()
				}
			}
		}
	}
	return col
}

// ink is the outline colour.
func (c Character) ink() Colour {
	if c.Style == Flat {
		return mix(black, c.Skin.scale(0.4), 0.3)
	}
	return black
}

// fill is a region's colour: flat for cartoons (with one cel-shading step
// on the side away from the light), smooth Lambertian shading of the
// head's ellipsoid with a highlight for CGI. k scales the surface's bulge.
func (c Character) fill(base Colour, u, v, k float64) Colour {
	switch c.Style {
	case Flat:
		if u*0.6+v*0.3 > 0.55 { // a hard-edged shadow on one side
			return base.scale(0.82)
		}
		return base
	case CGI:
		nz2 := 1 - u*u - (v/headH)*(v/headH)
		nz := math.Sqrt(max(0, nz2))
		n := [3]float64{u * k, v / headH * k, nz}
		l := math.Sqrt(n[0]*n[0] + n[1]*n[1] + n[2]*n[2])
		light := [3]float64{-0.4, -0.5, 0.77} // from the upper left
		dot := max(0, (n[0]*light[0]+n[1]*light[1]+n[2]*light[2])/max(l, 1e-9))
		spec := math.Pow(dot, 30) * 0.25
		return base.scale(0.35 + 0.7*dot).add(Colour{spec, spec, spec})
	}
	return base
}

// Palette entries the set draws with: human skin tones from light to dark,
// and colours no person's skin has.
var (
	skinTones = []Colour{{0.98, 0.82, 0.7}, {0.87, 0.66, 0.5}, {0.66, 0.45, 0.32}, {0.42, 0.27, 0.18}}
	odd       = []Colour{{0.35, 0.55, 0.95}, {0.45, 0.8, 0.35}}
	hairs     = []Colour{{0.2, 0.12, 0.06}, {0.9, 0.75, 0.3}, {0.1, 0.1, 0.12}, {0.65, 0.25, 0.1}}
	irises    = []Colour{{0.25, 0.45, 0.75}, {0.35, 0.22, 0.1}, {0.2, 0.55, 0.3}}
	grounds   = []Colour{{0.55, 0.78, 0.95}, {0.95, 0.92, 0.8}, {0.3, 0.35, 0.4}, {0.9, 0.6, 0.7}}
)

// Width and Height are the frames' size.
const Width, Height = 640, 480

// FPS is the sequences' frame rate.
const FPS = 24

// Set is the animation test set: for each style, stills of several
// characters (skin tones, sizes, a tilted head, expressions), and for the
// cartoon and CGI styles a 1.5-second sequence of a character that moves
// across the frame, turns, talks and blinks. Stills carry times 0; a
// sequence's frames are 1/FPS apart.
func Set() []Clip {
	var out []Clip
	styles := []Style{Flat, CGI, Line, Emoji}
	for si, st := range styles {
		tones := append(append([]Colour{}, skinTones...), odd...)
		for i, skin := range tones {
			if st == Line && i > 1 || st == Emoji && i > 1 {
				break // the line drawing and the emoji have no skin colour to vary
			}
			c := Character{
				Style: st, Skin: skin, Hair: hairs[(i+si)%len(hairs)], Iris: irises[i%len(irises)],
				Background: grounds[(i+si)%len(grounds)],
				CX:         Width/2 + float64(i%3-1)*60, CY: Height/2 + 10, Size: 90 + 25*float64(i%3),
				Roll: 0.12 * float64(i%3-1), Smile: 0.6 * float64(i%2), Mouth: 0.3 * float64(i%3), EyeSize: 1 - 0.15*float64(i%2),
			}
			out = append(out, Clip{Name: string(st) + "-" + itoa(i), Style: st, Frames: []perception.Frame{Draw(c, Width, Height, 0, 0)}})
		}
	}
	for _, st := range []Style{Flat, CGI} {
		n := 3 * FPS / 2
		frames := make([]perception.Frame, n)
		for k := range n {
			t := float64(k) / FPS
			c := Character{
				Style: st, Skin: skinTones[1], Hair: hairs[0], Iris: irises[0], Background: grounds[1],
				CX: 220 + 100*t, CY: 250 + 15*math.Sin(3*t), Size: 110, Roll: 0.1 * math.Sin(2*t), Yaw: 0.4 * math.Sin(2.5*t),
				Mouth: 0.5 + 0.5*math.Sin(9*t), Smile: 0.5 * math.Cos(1.5*t), EyeSize: 1,
			}
			if k%20 >= 17 {
				c.Blink = 1
			}
			frames[k] = Draw(c, Width, Height, time.Duration(k)*time.Second/FPS, k)
		}
		out = append(out, Clip{Name: string(st) + "-sequence", Style: st, Frames: frames})
	}
	return out
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
