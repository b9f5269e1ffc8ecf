package microphone

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>

static void kindred_alsa_silent(const char *file, int line, const char *function, int err, const char *fmt, ...) {}

typedef int (*kindred_set_handler)(void (*)(const char *, int, const char *, int, const char *, ...));

// kindred_alsa_quiet gives ALSA's library a silent error handler. The
// library stays loaded: miniaudio's own dlopen of it gets this instance.
static void kindred_alsa_quiet(void) {
	void *h = dlopen("libasound.so.2", RTLD_NOW | RTLD_GLOBAL);
	if (!h) return;
	kindred_set_handler set = (kindred_set_handler)dlsym(h, "snd_lib_error_set_handler");
	if (set) set(kindred_alsa_silent);
}
*/
import "C"

import "sync"

// quietALSA stops ALSA's library from printing its own errors on standard
// error ("ALSA lib confmisc.c:855:(parse_card) cannot find card '0'", about
// thirty lines when there is no sound card), which it does by default when
// miniaudio tries its ALSA backend after PulseAudio; the command's one line
// says what failed. snd_lib_error_set_handler is ALSA's documented hook for
// these messages (alsa-lib, "Error handling").
var quietALSA = sync.OnceFunc(func() { C.kindred_alsa_quiet() })
