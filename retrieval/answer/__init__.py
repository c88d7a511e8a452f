"""Answer extraction: typed candidate proposers, one fitted scorer, calibrated abstention (see ``extract``)."""

from retrieval.answer.extract import extract_answer, to_asker_script

__all__ = ["extract_answer", "to_asker_script"]
