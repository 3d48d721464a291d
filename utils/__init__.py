"""Shared helpers for the MNIST convnet tutorial, one module per kind of help.

- ``utils.setup``: what each notebook's Setup cell does (quiet imports, versions, seeds).
- ``utils.data``: load the real MNIST from a verified cache, Keras, or a PyPI mirror.
- ``utils.plots``: the figures the notebooks share (digit grids, curves, confusion matrix).
- ``utils.checks``: the exercises' ``[PASS]``-style checks, with friendly one-line failures.
- ``utils.explain``: look inside a trained model (filters, feature maps, saliency, occlusion).
- ``utils.backends``: time a model's training on each Keras backend (notebook 7); the timing
  process itself is ``utils._backend_timer``.
- ``utils.notebooks``: find the trained model a later notebook needs (the reader's, or the
  shipped copy), and run one notebook from another.
- ``utils.errors``: the one base class of the errors a reader sees, shown as their message alone.
- ``utils.drawing``: the drawing pad of notebook 9 and the preprocessing of a drawn digit.

The models themselves are written in the notebooks: they are the lesson.
"""
