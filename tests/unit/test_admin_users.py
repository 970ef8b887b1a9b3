"""COACH_ADMIN_USERS: the bot's operators, read like COACH_ALLOWED_USERS."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from coach.settings import Settings


def test_admins_are_comma_or_semicolon_separated_ids() -> None:
    settings = Settings(_env_file=None, COACH_ADMIN_USERS=" 1001, 2002;3003 ,")  # type: ignore[call-arg]
    assert settings.admin_users == frozenset({1001, 2002, 3003})
    assert Settings(_env_file=None).admin_users == frozenset()  # type: ignore[call-arg]


def test_a_name_instead_of_an_id_is_refused_naming_the_setting() -> None:
    with pytest.raises(ValidationError, match="COACH_ADMIN_USERS must be comma-separated user ids"):
        Settings(_env_file=None, COACH_ADMIN_USERS="@lin")  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="COACH_ALLOWED_USERS must be comma-separated"):
        Settings(_env_file=None, COACH_ALLOWED_USERS="@lin")  # type: ignore[call-arg]
