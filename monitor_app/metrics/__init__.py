"""Measurements with psutil: each program's process tree (:mod:`.process`) and the machine (:mod:`.system`).

Plain synchronous objects, cheap per call and never sleeping: the sampling worker's QTimer calls ``sample()``
once per interval in its own thread.
"""
