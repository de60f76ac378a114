"""Import path kept for model versions saved before newsframe 0.2: their pickled pipelines name
``newsframe.train.nbsvm.NBLinearSVC``, which now lives in :mod:`newsframe.core.nbsvm`."""
from newsframe.core.nbsvm import NBLinearSVC, log_count_ratio  # noqa: F401
