"""jupyter_kernel_test suite for the gosnn kernel.

The Go test (kernel/jupyter_test.go) runs this with /usr/bin/python3 and:
  GOSNN_KERNEL_NAME  the kernelspec to start (in a temporary JUPYTER_PATH)
  GOSNN_SAMPLES      a JSON file with the code samples for the evaluator under test
"""
import json
import os
import unittest

import jupyter_kernel_test

with open(os.environ["GOSNN_SAMPLES"]) as f:
    SAMPLES = json.load(f)


class GosnnKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ["GOSNN_KERNEL_NAME"]
    language_name = "go"
    file_extension = ".go"
    supported_history_operations = ("tail", "range", "search")


for key, value in SAMPLES.items():
    setattr(GosnnKernelTests, key, value)


if __name__ == "__main__":
    unittest.main(verbosity=2)
