package perception

import "testing"

func TestLatestKeepsNewestAndCountsDrops(t *testing.T) {
	tests := []struct {
		name     string
		puts     []int
		want     int
		wantDrop int64
	}{
		{"one value", []int{1}, 1, 0},
		{"two values, first dropped", []int{1, 2}, 2, 1},
		{"burst", []int{1, 2, 3, 4, 5}, 5, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLatest[int]()
			for _, v := range tt.puts {
				l.Put(v)
			}
			if got := <-l.C(); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
			if l.Dropped() != tt.wantDrop {
				t.Errorf("dropped %d, want %d", l.Dropped(), tt.wantDrop)
			}
			select {
			case v := <-l.C():
				t.Errorf("mailbox should be empty, got %d", v)
			default:
			}
		})
	}
}

func TestPSPIFollowsFormula(t *testing.T) {
	tests := []struct {
		au   AUs
		want float64
	}{
		{AUs{}, 0},
		{AUs{AU04: 2, AU06: 1, AU07: 3, AU09: 2, AU10: 1, AU43: 1}, 2 + 3 + 2 + 1},
		{AUs{AU04: 5, AU06: 5, AU07: 5, AU09: 5, AU10: 5, AU43: 1}, 16},
		{AUs{AU12: 5, AU25: 5}, 0}, // a smile alone is not in the formula
	}
	for _, tt := range tests {
		if got := tt.au.PSPI(); got != tt.want {
			t.Errorf("PSPI(%+v) = %v, want %v", tt.au, got, tt.want)
		}
	}
}

func TestBandOf(t *testing.T) {
	for _, tt := range []struct {
		score float64
		want  Band
	}{{0, BandNone}, {0.9, BandNone}, {1, BandMild}, {3.9, BandMild}, {4, BandModerate}, {6.9, BandModerate}, {6.99, BandModerate},
		{7, BandSevere}, {7.1, BandSevere}, {10, BandSevere}} {
		if got := BandOf(tt.score); got != tt.want {
			t.Errorf("BandOf(%v) = %s, want %s", tt.score, got, tt.want)
		}
	}
}
