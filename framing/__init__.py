"""framing: sentence-level framing classification for news articles."""
from .predict import FramingClassifier, Prediction, predict
from .segment import Span, segment

__all__ = ["FramingClassifier", "Prediction", "predict", "segment", "Span"]
__version__ = "0.1.0"
