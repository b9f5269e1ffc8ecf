package selfreport

import (
	"slices"
	"strings"
)

// decoyText is common English that answers nothing: function words and
// everyday verbs, nouns and adjectives of conversation. In a grammar it is
// a second way to explain the sound (Garbage.Decoys), so that ordinary
// speech is read as ordinary words instead of being forced into framing
// words and a number ("so four today hurts" for "go forward ten meters").
// Homophones of answers are left out (won, to, too, for, ate, know, hi),
// or they would reject the answers themselves.
const decoyText = `
the of and in that have he was with his they this but from by not what all
were we when your can said there use each which she do how their if will up
other about out many then them these some her would make like him into time
has look more write go see number way could people my than first water been
call who oil its now find long down day did get come made may part over new
sound take only little work place year live me back give most very
after thing our just name good sentence man think say great where help
through much before line right mean old any same tell boy follow came want
show also around form three small set put end does another well large must
big even such because turn here why ask went men read need land different
home us move try kind hand picture again change off play spell air away
animal house point page letter mother answer found study still learn should
world high every near add food between own below country plant last school
father keep tree never start city earth eye light thought under story saw
left few while along might close something seem next hard open example begin
life always those both paper together got group often run important until
children side feet car mile night walk white sea began grow took river
carry state once book hear stop without second later miss idea enough eat
face watch far really almost let above girl sometimes mountain cut young
talk soon list song being leave family body music color stand sun question
fish area mark dog horse birds problem complete room knew since ever piece
told usually didn't friends easy heard order red door sure become top ship
across today during short better best however low hours black products
happened whole measure remember early waves reached listen wind rock space
covered fast several hold himself toward five step morning passed vowel
true hundred against pattern table north slowly money map farm pulled draw
voice seen cold cried plan notice south sing war ground fall king town
unit figure certain field travel wood fire upon done english road half ten
fly gave box finally wait correct oh quickly person became shown minutes
strong verb stars front feel fact inches street decided contain course
surface produce building ocean class note nothing rest carefully
scientists inside wheels stay green known island week less machine base ago
stood plane system behind ran round boat game force brought understand
warm common bring explain dry though language shape deep thousands yes
clear equation yet government filled heat full hot check object am rule
among noun power cannot able six size dark ball material special heavy
fine pair circle include built
`

// Decoys returns the decoy words (see Garbage.Decoys), without the words
// an answer is made of.
func Decoys() []string {
	answer := map[string]bool{}
	for _, w := range Words(Any) {
		answer[w] = true
	}
	var ws []string
	for _, w := range strings.Fields(decoyText) {
		if !answer[w] {
			ws = append(ws, w)
		}
	}
	slices.Sort(ws)
	return slices.Compact(ws)
}
