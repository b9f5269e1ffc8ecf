#!/usr/bin/python3
"""Where a forward pass of one of Kindred's embedded models spends its time.

Runs a model in Debian's python3-opencv (cv2.dnn, the same OpenCV 4.6 the
Go leaf perception/face/mesh links) on one thread, forwards it N times on
random input of the model's size, and prints the median of each layer's
time (Net::getPerfProfile) summed by layer type, then the slowest layers
with their input and output shapes. Medians, because on a shared machine a
pass now and then is preempted; the median of the per-pass totals and the
fastest pass are printed too, and the process's CPU time a pass, the figure
the Go benchmarks' cpu-ms/op compares with. Pin it to one core as the benchmarks are:

  taskset -c 0 /usr/bin/python3 scripts/dnn_layer_profile.py mesh
  taskset -c 0 /usr/bin/python3 scripts/dnn_layer_profile.py blendshapes
  taskset -c 0 /usr/bin/python3 scripts/dnn_layer_profile.py yunet
  ... MODEL [PASSES [TOP]]
"""
import collections
import os
import sys
import time

import cv2
import numpy as np

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models")

# name: (file, outputs Kindred asks for, input shape)
MODELS = {
    "mesh": ("face_landmarks_478.onnx", ["Identity_nhwc", "Identity_1_nhwc"], [1, 3, 256, 256]),
    "blendshapes": ("face_blendshapes_52.onnx", [], [1, 1, 146, 2]),
    # a 640x480 frame scanned at 320 wide: 320x240 padded to multiples of 32
    "yunet": ("face_detection_yunet_2023mar.onnx",
              ["cls_8", "cls_16", "cls_32", "obj_8", "obj_16", "obj_32",
               "bbox_8", "bbox_16", "bbox_32", "kps_8", "kps_16", "kps_32"], [1, 3, 256, 320]),
}


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in MODELS:
        sys.exit("usage: dnn_layer_profile.py {%s} [PASSES [TOP]]" % ",".join(MODELS))
    name, outs, shape = MODELS[sys.argv[1]]
    passes = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    cv2.setNumThreads(1)
    net = cv2.dnn.readNetFromONNX(os.path.join(HERE, name))
    x = np.random.default_rng(1).random(shape, dtype=np.float32)

    def forward():
        net.setInput(x)
        return net.forward(outs) if outs else net.forward()

    for _ in range(10):
        forward()
    per, totals = collections.defaultdict(list), []
    cpu0 = time.process_time()
    for _ in range(passes):
        forward()
        total, timings = net.getPerfProfile()
        totals.append(total)
        for i, t in enumerate(timings.flatten()):
            per[i + 1].append(t)
    cpu_ms = (time.process_time() - cpu0) * 1000 / passes
    ms = cv2.getTickFrequency() / 1000
    med = {i: float(np.median(v)) / ms for i, v in per.items()}
    ids, ins, outsh = net.getLayersShapes(shape)
    shapes = {int(i): ([list(s.flatten()) for s in ins[j]], [list(s.flatten()) for s in outsh[j]])
              for j, i in enumerate(ids.flatten())}
    print("%s %s, %d passes: median pass %.3f ms, fastest %.3f ms, sum of layer medians %.3f ms, "
          "%.3f CPU ms a pass" % (name, shape, passes, np.median(totals) / ms, min(totals) / ms,
                                  sum(med.values()), cpu_ms))
    by_type = collections.Counter()
    for i, t in med.items():
        by_type[net.getLayer(i).type] += t
    for t, v in by_type.most_common():
        print("  %-14s %7.3f ms" % (t, v))
    print("slowest layers (median ms, in -> out shapes):")
    for i, t in sorted(med.items(), key=lambda kv: -kv[1])[:top]:
        layer = net.getLayer(i)
        inp, out = shapes.get(i, ([], []))
        print("  %3d %-12s %7.3f %s -> %s  %s" % (i, layer.type, t, inp, out, layer.name[-48:]))


if __name__ == "__main__":
    main()
