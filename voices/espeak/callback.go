package espeak

/*
#include <espeak-ng/speak_lib.h>
*/
import "C"

import (
	"unsafe"
)

// kindredSynthCallback receives audio and events from espeak_Synth. In
// synchronous mode it runs on the calling goroutine's thread, inside the
// engine mutex, so the collector it writes to is the current call's.
//
//export kindredSynthCallback
func kindredSynthCallback(wav *C.short, n C.int, events *C.espeak_EVENT) C.int {
	c := current
	if c == nil {
		return 1 // no call in progress: abort
	}
	if wav != nil && n > 0 {
		c.samples = append(c.samples, unsafe.Slice((*int16)(unsafe.Pointer(wav)), int(n))...)
		if c.firstAudio != nil {
			c.firstAudio()
			c.firstAudio = nil
		}
	}
	if events != nil {
		for e := events; e._type != C.espeakEVENT_LIST_TERMINATED; e = (*C.espeak_EVENT)(unsafe.Add(unsafe.Pointer(e), C.sizeof_espeak_EVENT)) {
			c.event(e)
		}
	}
	if c.ctx.Err() != nil {
		return 1
	}
	return 0
}

func (c *collector) event(e *C.espeak_EVENT) {
	switch e._type {
	case C.espeakEVENT_PHONEME:
		raw := C.GoBytes(unsafe.Pointer(&e.id[0]), 8)
		name := raw
		for i, b := range raw {
			if b == 0 {
				name = raw[:i]
				break
			}
		}
		c.phonemes = append(c.phonemes, rawMark{ms: int(e.audio_position), name: string(name)})
	case C.espeakEVENT_WORD:
		c.words = append(c.words, rawMark{ms: int(e.audio_position), pos: int(e.text_position), length: int(e.length)})
	}
}
