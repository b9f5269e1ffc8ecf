package camera

import "os"

// FFmpeg, under OpenCV, writes its own complaints to standard error ("moov
// atom not found" for a zero-byte or cut-short MP4, "error while decoding
// MB" for a damaged frame), beside the one line the command gives that names
// the file. OpenCV sets FFmpeg's log level from OPENCV_FFMPEG_LOGLEVEL when
// its FFmpeg backend starts (OpenCV's "environment variables reference");
// -8 is FFmpeg's AV_LOG_QUIET. Whoever sets the variable, or
// OPENCV_FFMPEG_DEBUG, to read FFmpeg's messages still gets them.
func init() {
	_, level := os.LookupEnv("OPENCV_FFMPEG_LOGLEVEL")
	_, debug := os.LookupEnv("OPENCV_FFMPEG_DEBUG")
	if !level && !debug {
		os.Setenv("OPENCV_FFMPEG_LOGLEVEL", "-8")
	}
}
