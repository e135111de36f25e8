"""The gevinst (benefit realisation) log, its summaries and the manager report.

The Excel and HTML renderings live in :mod:`saksrobot.gevinst.excel` and :mod:`saksrobot.gevinst.html`
(imported on demand: robots that only write the log need neither)."""

from saksrobot.gevinst.log import GevinstLog
from saksrobot.gevinst.model import GevinstRow, GevinstTotal
from saksrobot.gevinst.plan import BudgetGain, GevinstPlan, PlanEntry, load_plan, plan_of
from saksrobot.gevinst.report import Report, View, build_report
from saksrobot.gevinst.summary import Period, ProcessSummary, parse_period, summarize

__all__ = ["BudgetGain", "GevinstLog", "GevinstPlan", "GevinstRow", "GevinstTotal", "Period", "PlanEntry",
           "ProcessSummary", "Report", "View", "build_report", "load_plan", "parse_period", "plan_of", "summarize"]
