"""The fast scoring path: a version's pipelines as one compiled-friendly model (``fast.pickle``), exact to the bit."""
