"""/forget names every kind of data it deletes, in both languages."""

from __future__ import annotations

from coach.messages import CATALOGS, t
from coach.privacy.forget import FORGOTTEN_DATA
from db.models import Base
from tests.support.learner_data import SHARED_TABLES


def test_every_table_with_learner_data_is_named_by_the_confirmation() -> None:
    named = {table for tables in FORGOTTEN_DATA.values() for table in tables}
    # The outbox holds what the bot is about to say to the learner: named, though transient.
    holding_learner_data = set(Base.metadata.tables) - SHARED_TABLES | {"outbox_replies"}
    assert holding_learner_data - named == set(), "name these in coach.privacy.FORGOTTEN_DATA"
    assert named - holding_learner_data == set(), "FORGOTTEN_DATA names tables that do not exist"


def test_the_confirmation_lists_each_kind_and_no_vague_catch_all() -> None:
    for language in CATALOGS:
        text = t(language, "privacy.confirm", minutes=10)
        for key in FORGOTTEN_DATA:
            assert f"• {t(language, key)}\n" in text, (language, key)
        assert len([line for line in text.splitlines() if line.startswith("• ")]) == len(
            FORGOTTEN_DATA
        )
    assert "以后新功能" not in t("zh", "privacy.confirm", minutes=10)
    assert "later features" not in t("en", "privacy.confirm", minutes=10)
    assert "专注块和每个块的小结" in t("zh", "privacy.confirm", minutes=10)
    assert "(valid for 1 minute)" in t("en", "privacy.confirm", minutes=1)
