"""Import path kept for model versions saved before newsframe 0.2: their pickled pipelines name
``newsframe.train.text`` preprocessors, which now live in :mod:`newsframe.core.text`."""
from newsframe.core.text import *  # noqa: F401,F403
from newsframe.core.text import PREPROCESSORS, headline2, headline2_cues, headline3, mark_cues  # noqa: F401
