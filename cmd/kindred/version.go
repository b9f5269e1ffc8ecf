package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is the release; a release build sets it with
// -ldflags "-X main.version=v1.2.3". The commit comes from the build's own
// VCS stamp, which `go build` records in a git checkout.
var version = "0.2.0-dev"

// commit is set by `make build` (-X main.commit=...) for builds where Go's
// own VCS stamp is off (GOFLAGS=-buildvcs=false).
var commit = ""

// versionLine is what `kindred --version` prints: version, commit (with
// "+dirty" for uncommitted changes) and the Go release.
func versionLine() string {
	commit, dirty := commit, false
	if commit == "" {
		commit = "unknown"
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
				if len(commit) > 12 {
					commit = commit[:12]
				}
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if dirty {
		commit += "+dirty"
	}
	return fmt.Sprintf("kindred %s (commit %s, %s)", version, commit, runtime.Version())
}
