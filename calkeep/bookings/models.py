from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F

from calkeep.accounts.models import Membership, Workspace
from calkeep.contacts.models import Contact


class BookingQuerySet(models.QuerySet["Booking"]):
    def visible_to(self, membership: Membership) -> BookingQuerySet:
        """The workspace's bookings for admins; the ones they host for members."""
        qs = self.filter(workspace_id=membership.workspace_id)
        if membership.is_admin:
            return qs
        return qs.filter(host_id=membership.user_id)


class FollowUpTaskQuerySet(models.QuerySet["FollowUpTask"]):
    def open_first(self) -> FollowUpTaskQuerySet:
        """Open tasks by due date (undated last), then done ones; the same on every database
        (SQLite and PostgreSQL put NULLs at opposite ends by default)."""
        return self.order_by(
            F("done_at").desc(nulls_first=True),
            F("due_date").asc(nulls_last=True),
            "created_at",
        )


class Booking(models.Model):
    """A meeting booked with one attendee; the attendee is matched to (or becomes) a contact."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="bookings")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(default=30)
    attendee_name = models.CharField(max_length=255)
    attendee_email = models.CharField(max_length=320)
    attendee_phone = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["workspace", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.title} with {self.attendee_name}"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)


class FollowUpTask(models.Model):
    """A follow-up to do, usually about a contact."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="tasks")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    title = models.CharField(max_length=300)
    due_date = models.DateField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowUpTaskQuerySet.as_manager()

    class Meta:
        ordering = ["done_at", "due_date", "created_at"]
        verbose_name = "follow-up task"

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
