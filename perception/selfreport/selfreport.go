package selfreport

import (
	"fmt"
	"slices"
	"strings"
)

// Kind is the kind of question the robot asked, which decides what an
// answer may contain.
type Kind int

const (
	// Any is no particular question: a recording of an answer analysed
	// offline may hold a rating or a yes/no.
	Any Kind = iota
	// RatingQuestion asks "How much does it hurt, from zero to ten?".
	RatingQuestion
	// YesNoQuestion asks "Shall I call someone?" and the like.
	YesNoQuestion
	// WhereQuestion asks "Where does it hurt?".
	WhereQuestion
)

func (k Kind) String() string {
	switch k {
	case Any:
		return "any"
	case RatingQuestion:
		return "rating"
	case YesNoQuestion:
		return "yesno"
	case WhereQuestion:
		return "where"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Rating is a 0–10 pain rating on the numeric rating scale; NoRating
// means none was heard.
type Rating int8

// NoRating is the absence of a rating.
const NoRating Rating = -1

// Valid reports whether r is on the 0–10 scale.
func (r Rating) Valid() bool { return r >= 0 && r <= 10 }

// Answer is a spoken yes or no; NoAnswer means neither was heard (or both).
type Answer string

const (
	NoAnswer Answer = ""
	Yes      Answer = "yes"
	No       Answer = "no"
)

// Place is a part of the body where it hurts.
type Place string

const (
	Head     Place = "head"
	Back     Place = "back"
	Chest    Place = "chest"
	Belly    Place = "belly"
	Arm      Place = "arm"
	Leg      Place = "leg"
	Hip      Place = "hip"
	Knee     Place = "knee"
	Shoulder Place = "shoulder"
)

// Reply is what was understood of one answer.
type Reply struct {
	Kind   Kind   // the question it answers
	Heard  string // the words recognised, lower case, space-separated
	Rating Rating // NoRating unless a rating was understood
	Answer Answer // NoAnswer unless a yes or a no was understood
	Places []Place
	// Confidence is how sure the recogniser is of what it heard, 0–1 (1
	// for text that was not recognised from sound), or Unestimated.
	Confidence float64
}

// Unestimated is the Confidence of a recogniser that gives none.
const Unestimated = -1.0

// Clear reports whether the reply answers its question: a rating for a
// rating question, a yes or no for a yes/no question, a place for a
// where question, any of these for Any.
func (r Reply) Clear() bool {
	switch r.Kind {
	case RatingQuestion:
		return r.Rating.Valid()
	case YesNoQuestion:
		return r.Answer != NoAnswer
	case WhereQuestion:
		return len(r.Places) > 0
	}
	return r.Rating.Valid() || r.Answer != NoAnswer || len(r.Places) > 0
}

// The vocabulary. Grammar and Parse are both built from these tables, so
// what the recogniser can hear and what the parser understands agree.
var (
	numbers = map[string]Rating{
		"zero": 0, "none": 0, "nothing": 0,
		"one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
		"six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
		"0": 0, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7, "8": 8, "9": 9, "10": 10,
	}
	yesWords = []string{"yes", "yeah", "yep", "yup", "sure", "please", "okay", "alright"}
	noWords  = []string{"no", "nope", "nah"}
	places   = map[string]Place{
		"head": Head, "back": Back, "chest": Chest,
		"belly": Belly, "stomach": Belly, "tummy": Belly,
		"arm": Arm, "arms": Arm, "leg": Leg, "legs": Leg, "hip": Hip, "hips": Hip,
		"knee": Knee, "knees": Knee, "shoulder": Shoulder, "shoulders": Shoulder,
	}
	// phrases are rewritten before the words are read, longest first.
	phrases = []struct{ from, to string }{
		{"no pain at all", "zero"},
		{"no pain", "zero"},
		{"no thank you", "no"},
		{"no thanks", "no"},
		{"not right now", "no"},
		{"not now", "no"},
		{"not really", "no"},
		{"not yet", "no"},
		{"no need", "no"},
		{"please don't", "no"},
		{"don't", "no"},
		{"please do", "yes"},
		{"yes please", "yes"},
		{"of course", "yes"},
		{"go on", "yes"},
		{"go ahead", "yes"},
		{"all right", "alright"},
		{"thank you", ""},
		{"out of ten", ""},
	}
	// lead words may come before the answer ("I'd say about a seven",
	// "it's my knee"), tail words after it ("seven out of ten, I think").
	leadWords = []string{"oh", "well", "um", "uh", "hmm", "i", "i'd", "i'm", "think", "guess", "say", "would",
		"it's", "it", "is", "it'd", "be", "about", "around", "maybe", "perhaps", "probably", "roughly",
		"like", "a", "an", "the", "pain", "my", "in", "just", "only", "now", "right", "really", "so", "here"}
	tailWords = []string{"i", "think", "guess", "maybe", "or", "so", "please", "thanks", "now", "today",
		"hurts", "it", "really", "right", "at", "the", "moment"}
	// joins may stand between two numbers ("six or seven", "six to seven").
	joins = []string{"or", "to"}
)

// Parse reads a recogniser's hypothesis (or any text) as an answer to a
// question of kind k. Words outside the vocabulary make it unclear: the
// parser never guesses.
func Parse(k Kind, text string) Reply {
	r, _ := parse(k, text, false)
	return r
}

// parse reads text; lenient, it passes over words outside the vocabulary
// and counts them instead of giving up.
func parse(k Kind, text string, lenient bool) (Reply, int) {
	strangers := 0
	r := Reply{Kind: k, Rating: NoRating, Confidence: 1}
	words := tokens(text)
	r.Heard = strings.Join(words, " ")
	s := " " + r.Heard + " "
	for _, p := range phrases {
		s = strings.ReplaceAll(s, " "+p.from+" ", " "+p.to+" ")
	}
	var nums []Rating
	yes, no, join, please := false, false, false, false
	for _, w := range strings.Fields(s) {
		if n, ok := numbers[w]; ok {
			nums = append(nums, n)
			continue
		}
		if p, ok := places[w]; ok {
			if !slices.Contains(r.Places, p) {
				r.Places = append(r.Places, p)
			}
			continue
		}
		switch {
		case slices.Contains(noWords, w):
			no = true
		case w == "please":
			// a yes when said alone, polite in any other answer ("seven, please")
			please = true
		case slices.Contains(yesWords, w):
			yes = true
		case slices.Contains(joins, w) && len(nums) == 1:
			join = true
		case slices.Contains(leadWords, w) || slices.Contains(tailWords, w):
		case lenient:
			strangers++
		default:
			return unclear(r), 1
		}
	}
	if please && !no && len(nums) == 0 && len(r.Places) == 0 {
		yes = true
	}
	if yes != no {
		r.Answer = map[bool]Answer{true: Yes, false: No}[yes]
	}
	switch {
	case len(nums) == 1:
		r.Rating = nums[0]
	case len(nums) == 2 && join && nums[0] != nums[1] && absDiff(nums[0], nums[1]) <= 2:
		// "six or seven": the higher, as the behaviour acts on the higher
		// of two pain estimates.
		r.Rating = max(nums[0], nums[1])
	}
	switch k {
	case RatingQuestion:
		r.Answer, r.Places = NoAnswer, nil
	case YesNoQuestion:
		if len(nums) > 0 || len(r.Places) > 0 {
			return unclear(r), strangers
		}
	case WhereQuestion:
		r.Rating, r.Answer = NoRating, NoAnswer
	}
	return r, strangers
}

func unclear(r Reply) Reply {
	r.Rating, r.Answer, r.Places = NoRating, NoAnswer, nil
	return r
}

func absDiff(a, b Rating) Rating {
	if a > b {
		return a - b
	}
	return b - a
}

// tokens lower-cases text and splits it into words, keeping apostrophes
// ("it's") and dropping other punctuation.
func tokens(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '\'')
	})
}

// maxStrangers is how many words outside the answers' vocabulary a
// confirming transcript may hold ("it's like a seven, you know").
const maxStrangers = 2

// Confirms reports whether a free transcript of the same sound (from a
// large-vocabulary recogniser) bears out reply: read with the words the
// answers do not know left out, it must say the same rating, yes/no and
// places, and it may hold at most maxStrangers such words. A grammar
// forces any speech into some answer; free transcription of ordinary
// speech ("he was not an ill disposed young man") does not say one. A bare
// one-word answer is also borne out by a one-word transcript that is no
// answer word, as a free recogniser hears a lone "two" as "true".
func Confirms(reply Reply, transcript string) bool {
	if !reply.Clear() {
		return false
	}
	if ws := tokens(transcript); len(ws) == 1 && !isKnown(ws[0]) && len(tokens(reply.Heard)) == 1 {
		// A bare one-word answer ("two") that the free recogniser, with no
		// context to favour a number, heard as one other word ("true").
		return true
	}
	p, strangers := parse(reply.Kind, transcript, true)
	return strangers <= maxStrangers && p.Rating == reply.Rating && p.Answer == reply.Answer && slices.Equal(p.Places, reply.Places)
}

// isKnown reports whether w is in the answers' vocabulary.
func isKnown(w string) bool {
	_, isNum := numbers[w]
	return isNum || slices.Contains(Words(Any), w)
}

// plainYes are the ways of saying yes and nothing else: no lead-in, no
// closing words, none of the acknowledgements ("okay", "alright", "sure")
// that take a turn in ordinary speech as often as they agree to anything.
var plainYes = []string{"yes", "yeah", "yep", "yup", "yes please"}

// PlainYes reports whether r is a yes said as nothing but a yes ("yes",
// "yeah", "yes please"), the words heard holding nothing else. A question
// that tells the person to "say yes" for something that cannot be undone
// by a mishearing takes only such a yes: a grammar that admits lead-ins
// and acknowledgements lets ordinary speech through as a yes (an hour of
// it played to the robot heard "oh so alright" as one).
func (r Reply) PlainYes() bool {
	return r.Answer == Yes && slices.Contains(plainYes, strings.Join(tokens(r.Heard), " "))
}
