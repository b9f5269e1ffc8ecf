package journal

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"
)

// Sources of the settings written as a run starts.
const (
	SettingFromConfig = "config" // the config file with the flags over it
	SettingFromBuild  = "build"  // the binary: version, commit, Go release
	SettingFromInput  = "input"  // a media or scenario file the run played
	SettingFromModel  = "model"  // a model file the run loaded
)

// SettingSources is the setting that says what a run watched:
// SourcesLive (a camera or microphone), "files" (recordings played) or
// "scenario" (a simulated person). Only a live run's standing alerts are
// carried into the next, with those any run carried itself (Standing).
const (
	SettingSources = "sources"
	SourcesLive    = "live"
)

// SettingsOf flattens v, a config struct with yaml tags, into one Setting
// per leaf at time 0, its key the yaml path joined by dots under prefix
// ("behavior.pain.smoothing"), in key order so two runs of one config
// record the same lines. A list is one setting, its value JSON. Keys in
// skip (full paths) are left out: values that name a person, which
// deleting that person must not leave behind.
func SettingsOf(prefix string, v any, source string, skip ...string) ([]Setting, error) {
	b, err := yaml.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("journal: settings: %w", err)
	}
	var tree any
	if err := yaml.Unmarshal(b, &tree); err != nil {
		return nil, fmt.Errorf("journal: settings: %w", err)
	}
	var out []Setting
	var walk func(key string, n any)
	walk = func(key string, n any) {
		if slices.Contains(skip, key) {
			return
		}
		switch x := n.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				sub := k
				if key != "" {
					sub = key + "." + k
				}
				walk(sub, x[k])
			}
			return
		case nil:
			out = append(out, Setting{Key: key, Value: "", Source: source})
		case string:
			out = append(out, Setting{Key: key, Value: x, Source: source})
		case []any:
			j, _ := json.Marshal(x)
			out = append(out, Setting{Key: key, Value: string(j), Source: source})
		default:
			out = append(out, Setting{Key: key, Value: fmt.Sprint(x), Source: source})
		}
	}
	walk(prefix, tree)
	return out, nil
}

// FileSettings records a file a run read: key is its path as given and
// key.sha256 the SHA-256 of its bytes, so a lab can tell later whether the
// same media, scenario or model was used. A folder (of images, played as a
// video) is recorded by the SHA-256 of the lines sha256sum(1) prints for
// its files in name order ("HASH  NAME\n"), its sub-folders left out as
// the camera leaves them. An empty path records nothing.
func FileSettings(key, path, source string) ([]Setting, error) {
	if path == "" {
		return nil, nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("journal: settings: %s: %w", key, err)
	}
	sum := fileSHA256
	if st.IsDir() {
		sum = folderSHA256
	}
	h, err := sum(path)
	if err != nil {
		return nil, fmt.Errorf("journal: settings: %s %s: %w", key, path, err)
	}
	return []Setting{{Key: key, Value: path, Source: source},
		{Key: key + ".sha256", Value: h, Source: source}}, nil
}

// fileSHA256 is the hex SHA-256 of the bytes of the file at path.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// folderSHA256 is the hex SHA-256 of what sha256sum(1) prints for the
// files of the folder at path, in name order, sub-folders left out.
func folderSHA256(path string) (string, error) {
	entries, err := os.ReadDir(path) // sorted by name
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, d := range entries {
		if d.IsDir() {
			continue
		}
		sum, err := fileSHA256(filepath.Join(path, d.Name()))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s  %s\n", sum, d.Name())
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// MirrorSettingsOf records the mirror's settings a supervisor's mimicry
// command left in force at session time at, by route source.
func MirrorSettingsOf(at time.Duration, enabled bool, gain float64, delay time.Duration, source string) []Setting {
	return []Setting{
		{At: at, Key: "mimicry.enabled", Value: strconv.FormatBool(enabled), Source: source},
		{At: at, Key: "mimicry.gain", Value: strconv.FormatFloat(gain, 'f', -1, 64), Source: source},
		{At: at, Key: "mimicry.delay", Value: delay.String(), Source: source},
	}
}
