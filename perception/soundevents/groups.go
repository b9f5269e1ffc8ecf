package soundevents

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Group is a named set of YAMNet classes; its score in a window is the
// largest of its members' scores.
type Group string

// The groups the vocalisation classifier reads. They follow the AudioSet
// ontology's "Human voice" and "Respiratory sounds" branches (Gemmeke et
// al. 2017); animals are kept as one group because YAMNet hears some
// screams as animal calls.
const (
	GroupSpeech Group = "speech"
	GroupMoan   Group = "moan"
	GroupCry    Group = "cry"
	GroupScream Group = "scream"
	GroupLaugh  Group = "laugh"
	GroupCough  Group = "cough"
	GroupThroat Group = "throat"
	GroupSneeze Group = "sneeze"
	GroupBreath Group = "breath"
	GroupSigh   Group = "sigh"
	GroupGrunt  Group = "grunt"
	GroupAnimal Group = "animal"
)

// Groups lists the groups in the order features use.
var Groups = []Group{GroupSpeech, GroupMoan, GroupCry, GroupScream, GroupLaugh, GroupCough,
	GroupThroat, GroupSneeze, GroupBreath, GroupSigh, GroupGrunt, GroupAnimal}

// groupNames are the members of each group by display name; the animal
// group is the class map's range from "Animal" to "Whale vocalization".
var groupNames = map[Group][]string{
	GroupSpeech: {"Speech", "Child speech, kid speaking", "Conversation", "Narration, monologue", "Babbling"},
	GroupMoan:   {"Groan", "Wail, moan", "Whimper"},
	GroupCry:    {"Crying, sobbing", "Baby cry, infant cry"},
	GroupScream: {"Screaming", "Shout", "Yell", "Children shouting"},
	GroupLaugh:  {"Laughter", "Baby laughter", "Giggle", "Snicker", "Belly laugh", "Chuckle, chortle"},
	GroupCough:  {"Cough"},
	GroupThroat: {"Throat clearing"},
	GroupSneeze: {"Sneeze", "Sniff"},
	GroupBreath: {"Breathing", "Gasp", "Pant", "Wheeze", "Snort"},
	GroupSigh:   {"Sigh"},
	GroupGrunt:  {"Grunt"},
}

const animalFrom, animalThrough = "Animal", "Whale vocalization"

// ClassMap resolves groups to class indices.
type ClassMap struct {
	names   []string
	members map[Group][]int
}

// ParseClassMap reads YAMNet's index,mid,display_name CSV and resolves
// every group; a missing name is an error, so a different class map
// cannot silently empty a group.
func ParseClassMap(data []byte) (*ClassMap, error) {
	r := csv.NewReader(bytes.NewReader(data))
	if _, err := r.Read(); err != nil {
		return nil, fmt.Errorf("soundevents: class map header: %w", err)
	}
	m := &ClassMap{members: map[Group][]int{}}
	index := map[string]int{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("soundevents: class map: %w", err)
		}
		i, err := strconv.Atoi(rec[0])
		if err != nil || i != len(m.names) || len(rec) < 3 {
			return nil, fmt.Errorf("soundevents: class map row %d: want index,mid,display_name in order", len(m.names)+1)
		}
		m.names = append(m.names, rec[2])
		index[rec[2]] = i
	}
	if len(m.names) != NumClasses {
		return nil, fmt.Errorf("soundevents: class map has %d classes, want %d", len(m.names), NumClasses)
	}
	for g, names := range groupNames {
		for _, n := range names {
			i, ok := index[n]
			if !ok {
				return nil, fmt.Errorf("soundevents: class map has no %q (group %s)", n, g)
			}
			m.members[g] = append(m.members[g], i)
		}
	}
	from, ok1 := index[animalFrom]
	through, ok2 := index[animalThrough]
	if !ok1 || !ok2 || through < from {
		return nil, fmt.Errorf("soundevents: class map has no %q … %q range", animalFrom, animalThrough)
	}
	for i := from; i <= through; i++ {
		m.members[GroupAnimal] = append(m.members[GroupAnimal], i)
	}
	return m, nil
}

// Members are the class indices of g (fakes of a YAMNet in other packages'
// tests score a group through them).
func (m *ClassMap) Members(g Group) []int { return m.members[g] }

// GroupScore is g's score in one window: its largest member.
func (m *ClassMap) GroupScore(s *Scores, g Group) float64 {
	var top float32
	for _, i := range m.members[g] {
		top = max(top, s[i])
	}
	return float64(top)
}

// ClipScores summarise a clip's windows per group.
type ClipScores struct {
	Max  map[Group]float64 // largest over the windows
	Mean map[Group]float64 // mean over the windows
}

// Clip summarises windows per group; no windows give zeros.
func (m *ClassMap) Clip(ws []Window) ClipScores {
	c := ClipScores{Max: map[Group]float64{}, Mean: map[Group]float64{}}
	for _, g := range Groups {
		for _, w := range ws {
			v := m.GroupScore(w.Scores, g)
			c.Max[g] = max(c.Max[g], v)
			c.Mean[g] += v / float64(len(ws))
		}
	}
	return c
}
