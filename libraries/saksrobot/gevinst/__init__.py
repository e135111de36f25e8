"""The gevinst (benefit realisation) log and its summaries."""

from saksrobot.gevinst.log import GevinstLog
from saksrobot.gevinst.model import GevinstRow
from saksrobot.gevinst.summary import Period, ProcessSummary, parse_period, summarize

__all__ = ["GevinstLog", "GevinstRow", "Period", "ProcessSummary", "parse_period", "summarize"]
