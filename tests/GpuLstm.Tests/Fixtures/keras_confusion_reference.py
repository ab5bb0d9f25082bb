#!/usr/bin/python3
"""Keras 3's Precision, Recall and AUC on a fixed input, transcribed in numpy (float32).

Run: OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 tests/GpuLstm.Tests/Fixtures/keras_confusion_reference.py
Prints the numbers ConfusionMetricTests.MatchesKerasNumbersComputedWithNumpy expects.

Follows keras/src/metrics/metrics_utils.py update_confusion_matrix_variables:
  * Precision/Recall (one threshold, 0.5): predicted positive when y_pred > 0.5, label positive when
    y_true != 0, each pair adds its sample weight;
  * AUC(num_thresholds=200, curve="ROC", summation_method="interpolation"): thresholds
    [0 - eps, 1/199, ..., 198/199, 1 + eps] are evenly distributed, so Keras uses the bucket form
    (_update_confusion_matrix_variables_optimized): y_pred clipped to [0, 1],
    bucket = relu(ceil(y_pred * 199) - 1), reverse cumulative sums of weighted labels per bucket;
    then result() = sum((fpr[:-1] - fpr[1:]) * (recall[:-1] + recall[1:]) / 2) with divide_no_nan.
"""
import numpy as np

y_pred = np.array([0.05, 0.9, 0.4, 0.65, 0.5, 0.2, 0.99, 0.3, 0.75, 0.55, 0.1, 0.8], dtype=np.float32)
y_true = np.array([0, 1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0], dtype=np.float32)
weight = np.array([1, 2, 0.5, 1, 1, 3, 1, 0, 1, 1.5, 1, 0.25], dtype=np.float32)


def divide_no_nan(a, b):
    return np.where(b == 0, np.float32(0), a / np.where(b == 0, np.float32(1), b)).astype(np.float32)


def at_threshold(t):
    pos = y_pred > t
    tp = np.sum(weight * ((y_true != 0) & pos), dtype=np.float32)
    fp = np.sum(weight * ((y_true == 0) & pos), dtype=np.float32)
    fn = np.sum(weight * ((y_true != 0) & ~pos), dtype=np.float32)
    return tp, fp, fn


def auc(num_thresholds=200):
    p = np.clip(y_pred, 0, 1)
    bucket = np.maximum(np.ceil(p * np.float32(num_thresholds - 1)) - 1, 0).astype(np.int32)
    true_labels = (y_true != 0).astype(np.float32) * weight
    false_labels = (y_true == 0).astype(np.float32) * weight
    tp_bucket = np.bincount(bucket, true_labels, num_thresholds).astype(np.float32)
    fp_bucket = np.bincount(bucket, false_labels, num_thresholds).astype(np.float32)
    tp = np.cumsum(tp_bucket[::-1])[::-1]
    fp = np.cumsum(fp_bucket[::-1])[::-1]
    fn = np.sum(true_labels) - tp
    tn = np.sum(false_labels) - fp
    recall = divide_no_nan(tp, tp + fn)
    fpr = divide_no_nan(fp, fp + tn)
    return float(np.sum((fpr[:-1] - fpr[1:]) * (recall[:-1] + recall[1:]) / 2))


tp, fp, fn = at_threshold(0.5)
print(f"precision {float(divide_no_nan(tp, tp + fp)):.7f}")
print(f"recall {float(divide_no_nan(tp, tp + fn)):.7f}")
print(f"auc {auc():.7f}")
