"""Durable work items: the queue between a source and a robot (producer/consumer)."""

from saksrobot.workitems.model import State, WorkItem
from saksrobot.workitems.store import LeaseLost, NoSuchItem, RetryPolicy, WorkItemStore, utcnow

__all__ = ["LeaseLost", "NoSuchItem", "RetryPolicy", "State", "WorkItem", "WorkItemStore", "utcnow"]
