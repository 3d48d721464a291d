"""Shared helpers for the MNIST convnet tutorial, one module per kind of help.

What a notebook links to:

- ``utils.setup``: what each notebook's Setup cell does (quiet imports, versions, seeds).
- ``utils.data``: load the real MNIST (``load_mnist``), from a verified cache, Keras or PyPI.
- ``utils.plots``: the figures the notebooks share (digit grids, curves, confusion matrix, …).
- ``utils.explain``: look inside a trained model (filters, feature maps, saliency, occlusion,
  the arithmetic one image costs).
- ``utils.drawing``: MNIST's recipe applied to a drawing or a photo of a digit.
- ``utils.notebooks``: find the model notebook 3 trained (the reader's, or the shipped copy).
- ``utils.backends``: time a model's training on each Keras backend (notebook 7).
- ``utils.checks``: the exercises' checks, each answering right, wrong (with a hint) or not done.
- ``utils.drawing_pad`` and ``utils.explainers``: the interactive widgets of notebooks 1, 6
  and 9, whose JavaScript (``utils/web/``) runs the convnet in the page; ``utils.browser`` gives
  that JavaScript the model's weights and the drawing recipe's numbers.
- ``utils.errors``: the errors a reader sees, each shown as its message alone.

Private machinery, not needed to follow the tutorial: ``utils._mnist_sources`` (MNIST's sources
and checksums), ``utils._pictures`` (the checks behind ``utils.drawing``), ``utils._backend_timer``.

The models themselves are written in the notebooks: they are the lesson.
"""
