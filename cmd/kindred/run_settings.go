package main

import (
	"errors"
	"net/url"
	"os"

	"github.com/kindred-hri/kindred/devices"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/models"
	"github.com/kindred-hri/kindred/perception/vocalisation"
)

// runSettings are the values that shaped a run, for its journal: the build,
// every config key with the flags over it (not the residents' ids, which
// deleting a person must not leave behind), and each input and model file
// with its SHA-256, so an export alone says how to run it again.
func runSettings(cfg runConfig, f runFlags) ([]journal.Setting, error) {
	out := []journal.Setting{{Key: "version", Value: versionLine(), Source: journal.SettingFromBuild}}
	if u, err := url.Parse(cfg.MQTT); err == nil && u.User != nil {
		u.User, cfg.MQTT = nil, u.String() // credentials are no setting
	}
	c, err := journal.SettingsOf("", cfg, journal.SettingFromConfig, "persons", "primary")
	out = append(out, c...)
	add := func(key, value, source string) {
		out = append(out, journal.Setting{Key: key, Value: value, Source: source})
	}
	sources := "scenario"
	switch {
	case f.camera >= 0 || f.mic != "":
		sources = journal.SourcesLive
	case f.video != "" || f.audio != "":
		sources = "files"
	}
	add(journal.SettingSources, sources, journal.SettingFromConfig)
	if f.forDur.d > 0 {
		add("for", f.forDur.d.String(), journal.SettingFromConfig)
	}
	scen := ""
	if st, e := os.Stat(cfg.Scenario); e == nil && st.Mode().IsRegular() {
		scen = cfg.Scenario // a scenario file; a built-in one is the binary's
	}
	for _, in := range [][2]string{{"input.video", f.video}, {"input.audio", f.audio}, {"input.scenario", scen}} {
		s, e := journal.FileSettings(in[0], in[1], journal.SettingFromInput)
		out, err = append(out, s...), errors.Join(err, e)
	}
	var files []models.File
	if (f.video != "" || f.camera >= 0) && cfg.FaceBackend == string(devices.FaceMesh) {
		files = append(files, models.FaceFiles...)
	}
	if f.audio != "" || f.mic != "" {
		files = append(files, append(models.AudioFiles, models.File{Name: "combiner.json", SHA256: vocalisation.ShippedSHA256()})...)
	}
	for _, m := range files {
		add("model."+m.Name+".sha256", m.SHA256, journal.SettingFromModel)
	}
	return out, err
}
