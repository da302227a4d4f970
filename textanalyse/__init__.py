"""textanalyse: Norwegian-first qualitative text analysis for survey answers and interviews."""

__version__ = "0.1.0"
