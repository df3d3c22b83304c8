"""Cleanup's rows. A bulk-rules job carries its own state (status, counts, where it got to,
which contacts failed), so the page shows its progress and a worker that stopped mid-way
is picked up where the last finished chunk left off."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from calkeep.accounts.models import Workspace
from calkeep.contacts.models import Operation


class CleanupJob(models.Model):
    """One run of Phase 0 rules over a workspace's contacts. Its changes are the
    ContactChange rows of `operation` (kind "cleanup")."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    rules = models.JSONField(default=list)
    # The workspace's default region when the job started: numbers are read the same way
    # in every chunk, even if an admin changes the setting meanwhile.
    region = models.CharField(max_length=2)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    failed_ids = models.JSONField(default=list, blank=True)
    # contact id (as text) -> why it failed, for the page.
    failure_messages = models.JSONField(default=dict, blank=True)
    # rule name -> contacts it changed.
    rule_counts = models.JSONField(default=dict, blank=True)
    # The contacts to go through: ids up to `last_id` when the job started, in id order;
    # `cursor` is the last id a finished chunk covered. A retry goes through `retry_ids`.
    last_id = models.BigIntegerField(default=0)
    cursor = models.BigIntegerField(default=0)
    retry_ids = models.JSONField(default=list, blank=True)
    operation = models.OneToOneField(
        Operation, null=True, blank=True, on_delete=models.SET_NULL, related_name="cleanup_job"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Moves with every chunk: a job that is "running" but has not moved for a while has
    # lost its worker, and may be resumed.
    updated_at = models.DateTimeField(auto_now=True)
    revert_requested_at = models.DateTimeField(null=True, blank=True)
    revert_finished_at = models.DateTimeField(null=True, blank=True)
    # Change records whose revert met later edits, waiting for a person's decision.
    conflict_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["workspace", "-created_at"])]

    def __str__(self) -> str:
        return f"Cleanup {self.pk} ({', '.join(self.rules)})"

    @property
    def is_active(self) -> bool:
        """The worker has (or is about to have) something to do for this job."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING) or self.is_reverting

    @property
    def is_reverting(self) -> bool:
        return self.revert_requested_at is not None and self.revert_finished_at is None

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else 100
