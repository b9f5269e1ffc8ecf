# Reference voice measures for the Go comparison test.
# Usage: praat --run measures.praat FILE FLOOR CEILING
form Measures
	sentence file
	real floor 75
	real ceiling 600
endform
sound = Read from file: file$
pitch = To Pitch (ac): 0, floor, 15, "no", 0.03, 0.45, 0.01, 0.35, 0.14, ceiling
f0 = Get mean: 0, 0, "Hertz"
sd = Get standard deviation: 0, 0, "Hertz"
frames = Get number of frames
voiced = Count voiced frames
selectObject: sound
pp = To PointProcess (periodic, cc): floor, ceiling
jitter = Get jitter (local): 0, 0, 0.0001, 0.02, 1.3
selectObject: sound, pp
shimmer = Get shimmer (local): 0, 0, 0.0001, 0.02, 1.3, 1.6
selectObject: sound
harm = To Harmonicity (cc): 0.01, floor, 0.1, 1.0
hnr = Get mean: 0, 0
selectObject: sound
intensity = To Intensity: floor, 0, "yes"
db = Get mean: 0, 0, "energy"
writeInfoLine: "f0_mean=", fixed$(f0, 3), " f0_sd=", fixed$(sd, 3), " voiced=", voiced, " frames=", frames, " jitter=", fixed$(jitter*100, 4), " shimmer=", fixed$(shimmer*100, 4), " hnr=", fixed$(hnr, 3), " intensity=", fixed$(db, 3)
