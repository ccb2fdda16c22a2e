"""Notify's API operations for its OpenAPI description (``shared.openapi``).

A new endpoint under /api/v1 gets one line here, or ``tests/api/test_openapi.py`` fails.
"""

from __future__ import annotations

from notify.entrypoints import api as a
from shared.openapi import Operation

MEMBER = {"type": "integer", "minimum": 1}
STATUS = {"type": "string", "enum": list(a.DELIVERY_STATUSES)}

OPERATIONS = {
    "notify_api.member_savings": Operation(response=a.SavingsOut, summary="A member's savings."),
    "notify_api.notifications": Operation(
        response=a.NotificationOut, many=True, query={"member_id": MEMBER}, summary="Notifications."
    ),
    "notify_api.deliveries": Operation(
        response=a.DeliveryOut, many=True, query={"status": STATUS, "member_id": MEMBER}
    ),
}
