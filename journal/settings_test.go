package journal

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// A config is flattened to one setting per leaf, in key order whatever the
// order of its maps, durations as Go writes them, lists as JSON, and the
// keys that name a person left out.
func TestSettingsOfFlattensInKeyOrder(t *testing.T) {
	type pain struct {
		Smoothing time.Duration `yaml:"smoothing"`
		Concern   float64       `yaml:"concern"`
	}
	cfg := struct {
		Seed    uint64            `yaml:"seed"`
		Pain    pain              `yaml:"pain"`
		Words   []string          `yaml:"words"`
		Persons []string          `yaml:"persons"`
		Extra   map[string]string `yaml:"extra"`
	}{Seed: 42, Pain: pain{Smoothing: 1500 * time.Millisecond, Concern: 3}, Words: []string{"help", "ouch"},
		Persons: []string{"ada"}, Extra: map[string]string{"z": "1", "a": "2", "m": "3"}}
	want := []Setting{
		{Key: "behavior.extra.a", Value: "2", Source: "config"},
		{Key: "behavior.extra.m", Value: "3", Source: "config"},
		{Key: "behavior.extra.z", Value: "1", Source: "config"},
		{Key: "behavior.pain.concern", Value: "3", Source: "config"},
		{Key: "behavior.pain.smoothing", Value: "1.5s", Source: "config"},
		{Key: "behavior.seed", Value: "42", Source: "config"},
		{Key: "behavior.words", Value: `["help","ouch"]`, Source: "config"},
	}
	for range 20 { // map order differs from run to run; the record must not
		got, err := SettingsOf("behavior", cfg, "config", "behavior.persons")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %+v\nwant %+v", got, want)
		}
	}
}

func TestFileSettingsHashTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clip.wav")
	if err := os.WriteFile(path, []byte("abc"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := FileSettings("input.audio", path, SettingFromInput)
	if err != nil {
		t.Fatal(err)
	}
	want := []Setting{{Key: "input.audio", Value: path, Source: "input"}, // sha256("abc"), FIPS 180-2 appendix B.1
		{Key: "input.audio.sha256", Value: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Source: "input"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if got, err := FileSettings("input.video", "", SettingFromInput); got != nil || err != nil {
		t.Errorf("no file: %+v, %v; want nothing", got, err)
	}
	if _, err := FileSettings("input.video", filepath.Join(t.TempDir(), "gone.mp4"), SettingFromInput); err == nil {
		t.Error("a missing file gave no error")
	}
}

// A folder of images played as a video (`kindred run --video FOLDER`) is
// recorded by the hash of its files' hashes, as sha256sum prints them,
// sub-folders left out. Before, hashing read the folder as a file and every
// such run began with a fault ("read FOLDER: is a directory") and no hash.
func TestFileSettingsHashAFolder(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{"a.png": "abc", "b.png": "", "sub/c.png": "not part of it"} {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got, err := FileSettings("input.video", dir, SettingFromInput)
	if err != nil {
		t.Fatal(err)
	}
	// `sha256sum a.png b.png | sha256sum` of these two files.
	want := []Setting{{Key: "input.video", Value: dir, Source: "input"},
		{Key: "input.video.sha256", Value: "2ac911482db1b77ddb8d3f73f107c43a599804ac3433c1cd21654ee35ec015af", Source: "input"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}
