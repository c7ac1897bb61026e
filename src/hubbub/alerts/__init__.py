"""Real-time alerts on topics: rules, detectors, explanations, storage and delivery.

make_rule / Rule         a checked alert rule (rules.py); KINDS lists the detectors
AlertEngine              matched posts in, alerts out, with dedup and cooldown (engine.py)
AlertStore               rules, alerts and deliveries in meta.sqlite3 (store.py)
list_alerts(home, ...)   the in-app alerts of a workspace, as dicts (web page and API)
Deliverer                sends due deliveries with retries and backoff (delivery.py)
"""

from hubbub.alerts.engine import AlertEngine, topic_key
from hubbub.alerts.model import Alert
from hubbub.alerts.rules import KINDS, Rule, make_rule
from hubbub.alerts.store import AlertNotFound, AlertStore, list_alerts

__all__ = [
    "KINDS",
    "Alert",
    "AlertEngine",
    "AlertNotFound",
    "AlertStore",
    "Rule",
    "list_alerts",
    "make_rule",
    "topic_key",
]
