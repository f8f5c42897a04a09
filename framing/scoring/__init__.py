"""Batch scoring of article folders: `framing score DIR --model M --out OUTDIR` (see runner.score_folder)."""
from .runner import ScoreOptions, ScoreSummary, score_folder

__all__ = ["ScoreOptions", "ScoreSummary", "score_folder"]
