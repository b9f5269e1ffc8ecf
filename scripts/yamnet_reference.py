#!/usr/bin/python3
"""Second implementation of Kindred's YAMNet stage, for agreement checks.

Runs models/yamnet.onnx in Debian's python3-opencv (cv2.dnn) on the same
framing as perception/soundevents (0.975 s windows every 0.48 s, the tail
padded with silence, each window laid out as 96 frames of 400 samples every
160) and prints every window's 521 scores as JSON.

  /usr/bin/python3 scripts/yamnet_reference.py --synthetic   # the test signal
  /usr/bin/python3 scripts/yamnet_reference.py FILE.wav      # 16 kHz mono 16-bit
"""
import json
import math
import sys
import wave

import cv2
import numpy as np

RATE, WIN, HOP, FRAME, STEP, FRAMES = 16000, 15600, 7680, 400, 160, 96


def synthetic():
    """The signal of perception/soundevents/yamnet's snapshot test: 1 s of
    a 220 Hz tone with five harmonics, then 1 s of LCG noise."""
    out = []
    x = 12345
    for i in range(2 * RATE):
        if i < RATE:
            t = i / RATE
            v = sum(0.3 / k * math.sin(2 * math.pi * 220 * k * t) for k in range(1, 6))
        else:
            x = (x * 1103515245 + 12345) % (1 << 31)
            v = (x / (1 << 31) - 0.5) * 0.2
        out.append(v)
    return np.array(out, dtype=np.float32)


def read_wav(path):
    with wave.open(path, "rb") as w:
        assert w.getframerate() == RATE and w.getnchannels() == 1 and w.getsampwidth() == 2, path
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return (data.astype(np.float32) / 32768.0)


def windows(x):
    n, start = len(x), 0
    while start + WIN <= n:
        yield x[start:start + WIN]
        start += HOP
    if n > 0 and (start == 0 or start - HOP + WIN < n):
        w = np.zeros(WIN, dtype=np.float32)
        w[:n - start] = x[start:]
        yield w


def main():
    x = synthetic() if sys.argv[1] == "--synthetic" else read_wav(sys.argv[1])
    net = cv2.dnn.readNetFromONNX("models/yamnet.onnx")
    out = []
    for w in windows(x):
        frames = np.stack([w[i * STEP:i * STEP + FRAME] for i in range(FRAMES)])
        net.setInput(frames, "frames")
        out.append([float(v) for v in net.forward("Identity").reshape(-1)])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
