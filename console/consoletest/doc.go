// Package consoletest drives a real headless Chromium against a console page,
// for tests only: it starts the browser with --remote-debugging-pipe and
// speaks the Chrome DevTools Protocol over that pipe (NUL-terminated JSON on
// the browser's fd 3 and fd 4), so no port, no websocket and no extra module
// is needed.
//
//	b := consoletest.Open(t, srv.URL+"/") // skips when chromium is absent
//	b.WaitFor(`document.getElementById("conn").textContent === "live"`, 10*time.Second)
//	b.Click("#pause")
//	png, _ := b.Screenshot()
//	consoletest.SaveArtifact(t, "console.png", png)
//
// The browser and its helper processes are killed when the test ends. Waits
// here are wall-clock polls of an external process, not logic timing.
package consoletest
