from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from calkeep.accounts.models import Membership, Workspace
from tests.transfers.test_import import membership


@pytest.fixture
def viewer(admin: User, workspace: Workspace) -> Membership:
    """The admin's membership of the test workspace, as the import functions take it."""
    return membership(admin, workspace)
