"""Shared helpers for the MNIST convnet tutorial.

- ``utils.data``: load the real MNIST from a verified cache, Keras, or a PyPI mirror.
- ``utils.plots``: the figures the notebooks share (digit grids, curves, confusion matrix).
- ``utils.explain``: look inside a trained model (filters, feature maps, saliency, occlusion).
- ``utils.setup``: what each notebook's Setup cell does (quiet imports, versions, seeds).

The models themselves are written in the notebooks: they are the lesson.
"""
